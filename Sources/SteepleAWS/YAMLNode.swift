import SteepleModel
import SteepleSyntax

/// A YAML value as the renderer writes it: scalars, lists, maps whose keys keep the order they are
/// given in, and literal blocks for embedded files (a `server.conf` inside a ConfigMap).
///
/// `text` is a small deterministic writer of block-style YAML 1.2 that every YAML 1.1 reader reads
/// the same way: a string is written plain only when no reader could take it for anything else
/// (a number, a boolean, a null, a date), and double-quoted otherwise.
public indirect enum YAMLNode: Hashable, Sendable {
  case string(String)
  case int(Int)
  case bool(Bool)
  case list([YAMLNode])
  case map([YAMLEntry])
  /// A multi-line text written as a literal block (`|`), kept byte for byte.
  case block(String)

  /// A map from `(key, value)` pairs, in order; pairs whose value is `nil` are left out.
  public static func object(_ pairs: [(String, YAMLNode?)]) -> YAMLNode {
    .map(pairs.compactMap { key, value in value.map { YAMLEntry(key, $0) } })
  }

  /// A list of strings.
  public static func strings(_ items: [String]) -> YAMLNode { .list(items.map(YAMLNode.string)) }

  /// The node as a YAML document's text, ending with a newline.
  public var text: String {
    var lines: [String] = []
    switch self {
    case .map(let entries) where !entries.isEmpty: Self.write(entries, indent: 0, into: &lines)
    case .list(let items) where !items.isEmpty: Self.write(items, indent: 0, into: &lines)
    default: lines.append(inline ?? "")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Several documents in one stream, separated by `---`.
  public static func stream(_ documents: [YAMLNode]) -> String {
    documents.map { "---\n" + $0.text }.joined()
  }

  /// The node on the line of its key, when it fits there: a scalar or an empty collection.
  var inline: String? {
    switch self {
    case .string(let text): return Self.scalar(text)
    case .int(let number): return String(number)
    case .bool(let flag): return flag ? "true" : "false"
    case .list(let items) where items.isEmpty: return "[]"
    case .map(let entries) where entries.isEmpty: return "{}"
    default: return nil
    }
  }

  static func write(_ entries: [YAMLEntry], indent: Int, into lines: inout [String]) {
    let pad = String(repeating: " ", count: indent)
    for entry in entries {
      let key = Self.scalar(entry.key)
      if let inline = entry.value.inline {
        lines.append("\(pad)\(key): \(inline)")
        continue
      }
      switch entry.value {
      case .map(let nested):
        lines.append("\(pad)\(key):")
        write(nested, indent: indent + 2, into: &lines)
      case .list(let items):
        lines.append("\(pad)\(key):")
        write(items, indent: indent + 2, into: &lines)
      case .block(let text):
        lines.append("\(pad)\(key): " + blockHeader(text))
        lines.append(contentsOf: blockLines(text, indent: indent + 2))
      default: break
      }
    }
  }

  static func write(_ items: [YAMLNode], indent: Int, into lines: inout [String]) {
    let pad = String(repeating: " ", count: indent)
    for item in items {
      if let inline = item.inline {
        lines.append("\(pad)- \(inline)")
        continue
      }
      switch item {
      case .map(let entries):
        // The first entry goes on the dash's line, the others under it.
        var nested: [String] = []
        write(entries, indent: indent + 2, into: &nested)
        if let first = nested.first {
          lines.append("\(pad)- " + first.dropFirst(indent + 2))
          lines.append(contentsOf: nested.dropFirst())
        }
      case .list(let inner):
        var nested: [String] = []
        write(inner, indent: indent + 2, into: &nested)
        if let first = nested.first {
          lines.append("\(pad)- " + first.dropFirst(indent + 2))
          lines.append(contentsOf: nested.dropFirst())
        }
      case .block(let text):
        lines.append("\(pad)- " + blockHeader(text))
        lines.append(contentsOf: blockLines(text, indent: indent + 2))
      default: break
      }
    }
  }

  /// `|` keeps one final newline, `|-` none; `|+` is not needed since texts end with at most one.
  static func blockHeader(_ text: String) -> String { text.hasSuffix("\n") ? "|" : "|-" }

  static func blockLines(_ text: String, indent: Int) -> [String] {
    let pad = String(repeating: " ", count: indent)
    var body = text
    if body.hasSuffix("\n") { body.removeLast() }
    return body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }
  }

  /// Words YAML 1.1 readers take for booleans or null.
  static let reservedWords: Set<String> = [
    "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "nan", "inf", "infinity",
  ]

  /// A string as a scalar: plain when it is letters, digits and `_ . / -` starting with a letter
  /// (or `_ . /`), and no reserved word; double-quoted (JSON escapes) otherwise.
  static func scalar(_ text: String) -> String {
    let plainCharacters = text.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "_./-".unicodeScalars.contains($0) }
    if let first = text.unicodeScalars.first, plainCharacters, first.isASCIILetter || "_/".unicodeScalars.contains(first),
      !reservedWords.contains(text.lowercased())
    {
      return text
    }
    return quoted(text)
  }

  /// A double-quoted scalar, escaped as JSON escapes a string (valid YAML), DEL included.
  static func quoted(_ text: String) -> String { StringQuoting.quote(text, as: .yaml) }
}

/// One key and its value in a `YAMLNode.map`.
public struct YAMLEntry: Hashable, Sendable {
  public var key: String
  public var value: YAMLNode

  public init(_ key: String, _ value: YAMLNode) {
    self.key = key
    self.value = value
  }
}

extension Unicode.Scalar {
  var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
