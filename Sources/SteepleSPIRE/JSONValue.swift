public import Foundation

/// A JSON value, written the way Go's `encoding/json` writes a map: keys sorted, no spaces, and `<`,
/// `>`, `&`, U+2028 and U+2029 escaped, so output matches SPIRE's byte for byte.
public enum JSONValue: Sendable, Equatable, Codable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// Decodes any JSON value.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  /// Encodes the value with Foundation's encoder (prefer ``encoded(prettyPrinted:)`` for Go's layout).
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let value): try container.encode(value)
    case .number(let value): try container.encode(value)
    case .string(let value): try container.encode(value)
    case .array(let value): try container.encode(value)
    case .object(let value): try container.encode(value)
    }
  }

  /// Parses JSON text.
  public static func decode(_ data: Data) throws -> JSONValue { try JSONDecoder().decode(JSONValue.self, from: data) }

  /// The value as JSON text: compact, or indented by two spaces per level.
  public func encoded(prettyPrinted: Bool = false) -> String {
    var out = ""
    write(to: &out, indent: prettyPrinted ? "" : nil)
    return out
  }

  private func write(to out: inout String, indent: String?) {
    let inner = indent.map { $0 + "  " }
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .number(let value):
      if value.rounded() == value, abs(value) < 1e18 { out += String(Int64(value)) } else { out += String(value) }
    case .string(let value): Self.writeString(value, to: &out)
    case .array(let values):
      guard !values.isEmpty else { out += "[]"; return }
      out += "["
      for (index, value) in values.enumerated() {
        if index > 0 { out += "," }
        if let inner { out += "\n" + inner }
        value.write(to: &out, indent: inner)
      }
      if let indent { out += "\n" + indent }
      out += "]"
    case .object(let members):
      guard !members.isEmpty else { out += "{}"; return }
      out += "{"
      for (index, key) in members.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        if let inner { out += "\n" + inner }
        Self.writeString(key, to: &out)
        out += inner == nil ? ":" : ": "
        members[key]!.write(to: &out, indent: inner)
      }
      if let indent { out += "\n" + indent }
      out += "}"
    }
  }

  private static func writeString(_ text: String, to out: inout String) {
    out += "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "<", ">", "&", "\u{2028}", "\u{2029}": out += String(format: "\\u%04x", scalar.value)
      default:
        if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
      }
    }
    out += "\""
  }
}
