public import SteepleSyntax

/// One declaration of a program as plain data: what a keyword (`account`, `cluster`, ...) or a host
/// module function (`<module>.<function>(...)`) recorded when the script ran.
///
/// Immutable and `Sendable`: it holds no interpreter values. References to other declarations are
/// `ModelValue.reference`s by identity. Every field keeps the range it was written at, so a check
/// that finds a problem in one field points at that field.
public struct Declaration: Sendable, CustomStringConvertible {
  /// The stable identity: the kind and the name, with the scope in front for scoped kinds
  /// (`frontend/eks-cluster-frontend-access-role`, `eks-cluster-frontend/yelb/yelb-ui`).
  public let id: DeclarationID
  /// The name as written (`yelb-ui`); `id.name` adds the scope.
  public let name: String
  /// The fields as written, in order. A cluster's account (after `in`) is its `account` field; a
  /// check's operands are `subject` and `peer`.
  public let fields: [ModelField]
  /// Where each field was written: the label and the value.
  public let fieldRanges: [String: SourceRange]
  /// Where the name was written.
  public let nameRange: SourceRange
  /// The whole declaration, or the whole call of a host module function.
  public let range: SourceRange
  /// The kind's schema, when the catalog the program ran with knows the kind: where defaults
  /// and the checks' rules come from.
  public let schema: KindSchema?
  /// The calls that led to it, innermost first, when it was made inside functions: problems
  /// found in it are reported with this stack, so that they say which call made it.
  public var callStack: [Diagnostic.StackFrame] = []

  public init(
    id: DeclarationID, name: String, fields: [ModelField], fieldRanges: [String: SourceRange], nameRange: SourceRange,
    range: SourceRange, schema: KindSchema?
  ) {
    self.id = id
    self.name = name
    self.fields = fields
    self.fieldRanges = fieldRanges
    self.nameRange = nameRange
    self.range = range
    self.schema = schema
  }

  public var kind: String { id.kind }

  /// A field's value as written, or `nil` when it was not written.
  public subscript(field name: String) -> ModelValue? { fields[field: name] }

  /// Where a field was written; the declaration's range when it was not.
  public func range(of field: String) -> SourceRange { fieldRanges[field] ?? range }

  /// `cluster "eks-cluster-frontend" { account: account "frontend", cidr: "10.20.0.0/16" }`.
  public var description: String {
    "\(id.kind) \(ModelValue.string(name))" + (fields.isEmpty ? " {}" : " \(ModelValue.record(fields))")
  }
}

extension Declaration {
  /// A field's value: as written, else the schema's default, else `nil`.
  public func value(_ field: String) -> ModelValue? {
    self[field: field] ?? schema?.field(field)?.defaultValue(name: name)
  }

  /// A field as a string, with the schema's default.
  public func string(_ field: String) -> String? { value(field)?.string }

  /// The identity a field refers to.
  public func reference(_ field: String) -> DeclarationID? { value(field)?.reference }

  /// The identities a list field refers to, in order.
  public func references(_ field: String) -> [DeclarationID] { value(field)?.list?.compactMap(\.reference) ?? [] }
}
