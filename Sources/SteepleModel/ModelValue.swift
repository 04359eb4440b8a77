import SteepleSyntax

/// A field's value as the model sees it: plain data, with no tie to the interpreter.
///
/// Declarations leave the interpreter as this tree, so the model, the engine and every provider work
/// on immutable, `Sendable` values. Records keep the order their fields were written in, so output
/// is deterministic.
public indirect enum ModelValue: Hashable, Sendable, Codable, CustomStringConvertible {
  case string(String)
  case int(Int)
  case float(Double)
  case bool(Bool)
  case list([ModelValue])
  /// Fields in the order written.
  case record([ModelField])
  /// Another declaration of the same program, by identity.
  case reference(DeclarationID)

  public var description: String {
    switch self {
    case .string(let string): return StringQuoting.quote(string)
    case .int(let int): return String(int)
    case .float(let float): return String(float)
    case .bool(let bool): return bool ? "true" : "false"
    case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
    case .record(let fields):
      return fields.isEmpty ? "{}" : "{ " + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + " }"
    case .reference(let id): return id.description
    }
  }

  public var string: String? { if case .string(let value) = self { value } else { nil } }
  public var int: Int? { if case .int(let value) = self { value } else { nil } }
  public var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
  public var list: [ModelValue]? { if case .list(let value) = self { value } else { nil } }
  public var reference: DeclarationID? { if case .reference(let value) = self { value } else { nil } }

  /// A record's field by name.
  public subscript(field name: String) -> ModelValue? {
    guard case .record(let fields) = self else { return nil }
    return fields[field: name]
  }
}

extension [ModelField] {
  /// The value of the field named `name` (the first, should two have it), or `nil`.
  public subscript(field name: String) -> ModelValue? { first { $0.name == name }?.value }
}

/// One named value of a record.
public struct ModelField: Hashable, Sendable, Codable {
  public var name: String
  public var value: ModelValue

  public init(_ name: String, _ value: ModelValue) {
    self.name = name
    self.value = value
  }
}
