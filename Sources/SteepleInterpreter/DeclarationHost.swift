public import SteepleSyntax

/// One evaluated primitive: `account`, `cluster`, `mesh`, `entry` or `verify`, with its values.
public struct DeclarationRecord {
  public let kind: DeclarationKind
  /// The name or SPIFFE ID; for `verify`, the kind of check (`mtls`, `denied`, `svid`, `all`).
  public let name: String
  /// For `cluster`, the account value after `in`.
  public let parent: Value?
  /// For `verify`, the subject and the peer after `->`.
  public let arguments: [Value]
  /// The fields in the order written.
  public let fields: RecordObject
  /// The whole declaration.
  public let range: SourceRange
  /// Each field's range, for errors a host finds in one field.
  public let fieldRanges: [String: SourceRange]
}

/// What receives the primitives a script evaluates. The language itself knows no AWS or SPIRE: a
/// host turns declarations into a topology and returns the value that the script gets back.
public protocol DeclarationHost: AnyObject {
  /// Takes one declaration and returns its value, usually a `.handle`. Throw `ScriptError` to
  /// reject it; the error is reported at the declaration.
  func declare(_ declaration: DeclarationRecord) throws -> Value
}

/// The value of a declaration: its kind and name, plus whatever fields the host exposes, readable as
/// `handle.name`, `handle.kind` and `handle.field`.
public final class DeclarationHandle {
  public let kind: String
  public let name: String
  public let fields: RecordObject
  public let range: SourceRange?

  public init(kind: String, name: String, fields: RecordObject, range: SourceRange?) {
    self.kind = kind
    self.name = name
    self.fields = fields
    self.range = range
  }

  /// A member as the script reads it: `kind`, `name`, or a field.
  public func member(_ name: String) -> Value? {
    switch name {
    case "kind": return .string(kind)
    case "name": return .string(self.name)
    default: return fields[name]
    }
  }

  public var memberNames: [String] { ["kind", "name"] + fields.keys }
}

/// A host that keeps every declaration in order and hands back a handle for each. Enough to run
/// and check scripts before a typed model exists.
public final class RecordingHost: DeclarationHost {
  public private(set) var declarations: [DeclarationRecord] = []

  public init() {}

  public func declare(_ declaration: DeclarationRecord) throws -> Value {
    declarations.append(declaration)
    var fields = declaration.fields.fields
    if let parent = declaration.parent { fields.insert(("account", parent), at: 0) }
    if !declaration.arguments.isEmpty { fields.insert(("arguments", .list(ListObject(declaration.arguments))), at: 0) }
    let record = RecordObject(fields)
    record.freeze()
    return .handle(DeclarationHandle(kind: declaration.kind.rawValue, name: declaration.name, fields: record, range: declaration.range))
  }
}
