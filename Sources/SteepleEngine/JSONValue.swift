public import SteepleModel
import SteepleSyntax

/// A JSON document with ordered keys, written by hand so output is stable byte for byte.
public indirect enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  /// The number's text, as JSON writes it.
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }
  public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

  public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

  /// A model value as JSON: records are objects in field order; a reference is `{"kind","name"}`.
  public init(_ value: ModelValue) {
    switch value {
    case .string(let string): self = .string(string)
    case .int(let int): self = .number(String(int))
    case .float(let double): self = double.isFinite ? .number(String(double)) : .null
    case .bool(let bool): self = .bool(bool)
    case .list(let items): self = .array(items.map(JSONValue.init))
    case .record(let fields): self = .object(fields.map { ($0.name, JSONValue($0.value)) })
    case .reference(let id): self = .object([("kind", .string(id.kind)), ("name", .string(id.name))])
    }
  }

  /// Fields as an object.
  public init(_ fields: [ModelField]) { self = .object(fields.map { ($0.name, JSONValue($0.value)) }) }

  /// Indented two spaces a level; empty arrays and objects stay on one line.
  public func rendered(indent: String = "") -> String {
    switch self {
    case .null: return "null"
    case .bool(let bool): return bool ? "true" : "false"
    case .number(let text): return text
    case .string(let string): return Self.quote(string)
    case .array(let items):
      guard !items.isEmpty else { return "[]" }
      let inner = indent + "  "
      return "[\n" + items.map { inner + $0.rendered(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
    case .object(let fields):
      guard !fields.isEmpty else { return "{}" }
      let inner = indent + "  "
      return "{\n" + fields.map { inner + Self.quote($0.0) + ": " + $0.1.rendered(indent: inner) }.joined(separator: ",\n")
        + "\n" + indent + "}"
    }
  }

  /// On one line, with no spaces.
  public func compact() -> String {
    switch self {
    case .null, .bool, .number, .string: return rendered()
    case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
    case .object(let fields): return "{" + fields.map { Self.quote($0.0) + ":" + $0.1.compact() }.joined(separator: ",") + "}"
    }
  }

  static func quote(_ text: String) -> String { DiagnosticJSON.string(text) }
}
