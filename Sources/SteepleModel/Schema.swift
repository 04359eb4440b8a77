/// What a kind of declaration is, as data: how it is written, its fields, and its rules.
///
/// Schemas drive the model's checks, `steeple doc`, and completion in the REPL: one source for all
/// three. A schema cannot define a field named `name` or `kind`: a handle's `.name` and `.kind` mean
/// the declaration's name and kind, always.
public struct KindSchema: Sendable {
  /// A keyword (`account`, `cluster`, ...) or a host kind, `<module>.<function>`; the catalog names them.
  public let kind: String
  /// One line: what the kind declares.
  public let summary: String
  /// How it is written, as one example line.
  public let form: String
  /// The rule the name must follow.
  public let nameFormat: StringFormat
  public let fields: [FieldSchema]
  /// How the identity is made unique: the scope put in front of the name.
  public let scope: Scope
  /// For a host module function: the module and the function's name (`aws`, `transit_gateway`).
  public let function: HostFunction?
  /// The only names allowed, when there are few (a check's kind: `mtls`, `denied`, ...).
  public let allowedNames: [String]?
  /// Read-only members a handle has besides its fields, worked out from the declaration
  /// (`td.id`, `agents.agent_id_prefix`).
  public let computed: [ComputedMember]

  /// What makes a name unique.
  public enum Scope: Sendable, Hashable {
    /// Unique among all declarations of the kind.
    case global
    /// Unique within the account the field refers to: `frontend/eks-cluster-frontend-access-role`.
    case account(field: String)
    /// Unique within the account the field refers to, and named by the name alone while no other
    /// account uses it: when two accounts have a `cluster "eks-cluster"`, they are
    /// `eks-cluster@frontend` and `eks-cluster@backend` (see `SharedNameIdentities`).
    case accountWhenShared(field: String)
    /// Unique within a cluster (the field refers to it) and namespace: `eks-cluster-frontend/yelb`
    /// for a namespace, `eks-cluster-frontend/yelb/yelb-ui` with a namespace field.
    case cluster(field: String, namespace: String?)
    /// The declaration has no name of its own: its identity is made of the names of what these
    /// fields refer to (`eks-cluster-frontend/frontend/eks-cluster-frontend-access-role`).
    case derived(fields: [String])
  }

  public init(
    kind: String, summary: String, form: String, nameFormat: StringFormat = .string, fields: [FieldSchema],
    scope: Scope = .global, function: HostFunction? = nil, allowedNames: [String]? = nil, computed: [ComputedMember] = []
  ) {
    for field in fields {
      precondition(!KindSchema.reservedMembers.contains(field.name), "a schema field cannot hide the handle's .\(field.name)")
    }
    for member in computed {
      precondition(
        !KindSchema.reservedMembers.contains(member.name) && !fields.contains { $0.name == member.name },
        "a computed member cannot hide the handle's .\(member.name)")
    }
    self.computed = computed
    self.kind = kind
    self.summary = summary
    self.form = form
    self.nameFormat = nameFormat
    self.fields = fields
    self.scope = scope
    self.function = function
    self.allowedNames = allowedNames
  }

  /// Members every handle has, whatever its kind.
  public static let reservedMembers: Set<String> = ["name", "kind"]

  public func field(_ name: String) -> FieldSchema? { fields.first { $0.name == name } }

  /// What fields a handle of this kind shows, in order: `.name`, `.kind`, every field, then the
  /// computed members.
  public var memberNames: [String] { ["name", "kind"] + fields.map(\.name) + computed.map(\.name) }
}

/// A read-only member of a handle that is not a field: worked out from the declaration as written
/// (its name, its fields and the identities they refer to), so a script can read it while it runs.
public struct ComputedMember: Sendable {
  public let name: String
  /// One line for `steeple doc` and completion.
  public let doc: String
  private let compute: @Sendable (Declaration) -> ModelValue?

  public init(_ name: String, _ doc: String, _ compute: @escaping @Sendable (Declaration) -> ModelValue?) {
    self.name = name
    self.doc = doc
    self.compute = compute
  }

  /// The member's value for one declaration, or `nil` when what it needs is missing.
  public func value(of declaration: Declaration) -> ModelValue? { compute(declaration) }
}

/// One field of a kind.
public struct FieldSchema: Sendable, Hashable {
  public let name: String
  public let type: FieldType
  public let requirement: Requirement
  /// One line for `steeple doc` and completion.
  public let doc: String

  public enum Requirement: Sendable, Hashable {
    case required
    /// May be left out; then it has no value (`nil` on a handle).
    case optional
    /// May be left out; then it has this value.
    case defaultValue(ModelValue)
    /// May be left out; then the model works it out, as the text says (`<name>-share`). When
    /// `template` is given, the value is that text with `{name}` replaced by the declaration's name.
    case derived(String, template: String? = nil)
  }

  public init(_ name: String, _ type: FieldType, _ requirement: Requirement, _ doc: String) {
    self.name = name
    self.type = type
    self.requirement = requirement
    self.doc = doc
  }

  public var isRequired: Bool { requirement == .required }

  /// The value the field has when it is left out, if a fixed one.
  public var defaultValue: ModelValue? {
    if case .defaultValue(let value) = requirement { return value }
    return nil
  }

  /// The value the field has when a declaration with this name leaves it out, when the schema
  /// alone can say.
  public func defaultValue(name: String) -> ModelValue? {
    switch requirement {
    case .defaultValue(let value): return value
    case .derived(_, let template?): return .string(template.replacing("{name}", with: name))
    default: return nil
    }
  }
}

/// A host module function that records a declaration: `<module>.<function>("name", field: value)`.
public struct HostFunction: Sendable, Hashable {
  /// The module scripts import, as the catalog names it.
  public let module: String
  /// The function's name inside it.
  public let name: String
  /// Whether the first argument is the declaration's name (else every argument is labelled).
  public let takesName: Bool
  /// Labels that stand for fields: `in:` for the field `account` or `cluster`.
  public let labelAliases: [String: String]

  public init(module: String, name: String, takesName: Bool = true, labelAliases: [String: String] = [:]) {
    self.module = module
    self.name = name
    self.takesName = takesName
    self.labelAliases = labelAliases
  }

  /// The field a label stands for.
  public func field(forLabel label: String) -> String { labelAliases[label] ?? label }

  /// The label a field is written with.
  public func label(forField field: String) -> String { labelAliases.first { $0.value == field }?.key ?? field }
}
