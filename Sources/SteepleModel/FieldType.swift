/// The type of a field, as schemas declare it: checked before anything runs and shown by
/// `steeple doc`.
public indirect enum FieldType: Sendable, Hashable, CustomStringConvertible {
  /// A string that must have a form: any text, a region name, a CIDR block, ...
  case string(StringFormat)
  /// An integer, within bounds.
  case int(ClosedRange<Int>)
  case bool
  /// A length of time: `"90s"`, `"30m"`, `"1h30m"`, `"24h"`, or an int of seconds (`Duration`).
  case duration
  /// One of a few fixed strings.
  case choice([String])
  case list(FieldType)
  /// A record with free keys (`labels: { app: "yelb-ui" }`), every value of one type.
  case record(FieldType)
  /// A declaration of one of these kinds, given as its handle.
  case reference([String])
  /// A record with these fields: `{ cluster: edge, name: "frontend-k8s-cluster" }`.
  case shape([FieldSchema])
  /// Any one of these types.
  case oneOf([FieldType])

  /// `string`, `region`, `[account]`, `account or <module>.<kind> or principal`: how docs and errors say it.
  public var description: String {
    switch self {
    case .string(let format): return format.rawValue
    case .int(let bounds):
      if bounds == Int.min...Int.max { return "int" }
      if bounds.upperBound == Int.max { return "int (at least \(bounds.lowerBound))" }
      return "int (\(bounds.lowerBound) to \(bounds.upperBound))"
    case .bool: return "bool"
    case .duration: return "duration"
    case .choice(let words): return words.map { "\"\($0)\"" }.joined(separator: " | ")
    case .list(let element): return "[\(element)]"
    case .record(let value): return "{ string: \(value) }"
    case .reference(let kinds): return kinds.joined(separator: " or ")
    case .shape(let fields):
      return "{ " + fields.map { "\($0.name)\($0.isRequired ? "" : "?"): \($0.type)" }.joined(separator: ", ") + " }"
    case .oneOf(let types): return types.map(\.description).joined(separator: " or ")
    }
  }

  /// The kinds a value of this type may refer to.
  var referenceKinds: [String] {
    switch self {
    case .reference(let kinds): return kinds
    case .oneOf(let types): return types.flatMap(\.referenceKinds)
    case .list(let element), .record(let element): return element.referenceKinds
    case .shape(let fields): return fields.flatMap(\.type.referenceKinds)
    default: return []
    }
  }
}
