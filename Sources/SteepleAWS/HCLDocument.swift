/// A configuration file in HCL, as SPIRE reads its `server.conf` and `agent.conf`: blocks with
/// labels (`NodeAttestor "k8s_psat" { ... }`), attributes (`key = value`), and map values
/// (`clusters = { "frontend" = { ... } }`). Written deterministically, in the order given.
public struct HCLDocument: Hashable, Sendable {
  public var items: [HCLItem]

  public init(_ items: [HCLItem]) { self.items = items }

  /// The file's text, two spaces an indent, ending with a newline.
  public var text: String {
    var lines: [String] = []
    HCLItem.write(items, indent: 0, into: &lines)
    return lines.joined(separator: "\n") + "\n"
  }
}

/// A line of an HCL body: an attribute or a nested block.
public enum HCLItem: Hashable, Sendable {
  case attribute(String, HCLValue)
  /// A block: its type and labels (`["NodeAttestor", "k8s_psat"]`), then its body.
  case block([String], [HCLItem])

  static func write(_ items: [HCLItem], indent: Int, into lines: inout [String]) {
    let pad = String(repeating: " ", count: indent)
    for item in items {
      switch item {
      case .attribute(let key, let value):
        var valueLines = value.lines(indent: indent)
        valueLines[0] = "\(pad)\(key) = " + valueLines[0]
        lines.append(contentsOf: valueLines)
      case .block(let header, let body):
        let title = ([header[0]] + header.dropFirst().map(HCLValue.quoted)).joined(separator: " ")
        if body.isEmpty {
          lines.append("\(pad)\(title) {}")
        } else {
          lines.append("\(pad)\(title) {")
          write(body, indent: indent + 2, into: &lines)
          lines.append("\(pad)}")
        }
      }
    }
  }
}

/// An attribute's value.
public indirect enum HCLValue: Hashable, Sendable {
  case string(String)
  case int(Int)
  case bool(Bool)
  case list([HCLValue])
  /// A map literal whose keys are quoted: `{ "frontend" = { ... } }`.
  case map([HCLMapEntry])
  /// An object literal whose keys are bare words: `{ namespace = "spire" }`.
  case object([HCLMapEntry])

  /// The value's lines; the first goes after `key = `, the others are indented from `indent`.
  func lines(indent: Int) -> [String] {
    switch self {
    case .string(let text): return [Self.quoted(text)]
    case .int(let number): return [String(number)]
    case .bool(let flag): return [flag ? "true" : "false"]
    case .list(let items):
      return ["[" + items.map { $0.lines(indent: indent).joined(separator: " ") }.joined(separator: ", ") + "]"]
    case .map(let entries), .object(let entries):
      guard !entries.isEmpty else { return ["{}"] }
      let quoteKeys = if case .map = self { true } else { false }
      let pad = String(repeating: " ", count: indent + 2)
      var lines = ["{"]
      for entry in entries {
        var valueLines = entry.value.lines(indent: indent + 2)
        valueLines[0] = "\(pad)\(quoteKeys ? Self.quoted(entry.key) : entry.key) = " + valueLines[0]
        lines.append(contentsOf: valueLines)
      }
      lines.append(String(repeating: " ", count: indent) + "}")
      return lines
    }
  }

  /// An object from `(key, value)` pairs, in order; pairs whose value is `nil` are left out.
  public static func fields(_ pairs: [(String, HCLValue?)]) -> HCLValue {
    .object(pairs.compactMap { key, value in value.map { HCLMapEntry(key, $0) } })
  }

  /// A double-quoted HCL string, `"` and `\` escaped.
  static func quoted(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.append(character)
      }
    }
    return out + "\""
  }
}

/// One key and its value in an `HCLValue.map`.
public struct HCLMapEntry: Hashable, Sendable {
  public var key: String
  public var value: HCLValue

  public init(_ key: String, _ value: HCLValue) {
    self.key = key
    self.value = value
  }
}
