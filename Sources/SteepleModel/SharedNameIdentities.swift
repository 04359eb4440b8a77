/// The identities of kinds whose names are unique per account but read alone
/// (`KindSchema.Scope.accountWhenShared`).
///
/// While a run declares, the first declaration of a name keeps the name as its identity, and a
/// later one in another account gets `<name>@<account>`; one more in an account that already has
/// the name gets that declaration's identity again, so the model reports it as declared twice.
/// When the run is done, `qualified(_:)` names the first one `<name>@<account>` too, so every
/// declaration of a name two accounts use is named by its account, and one no other account uses
/// keeps its name: a script with one `cluster "eks-cluster"` names it as it always did.
public struct SharedNameIdentities: Sendable {
  /// For each kind and name, the identity given in each account (by the account's identity name).
  private var given: [DeclarationID: [String: DeclarationID]] = [:]

  public init() {}

  /// How a declaration whose name another account uses too is named: `eks-cluster@frontend`.
  public static func qualifiedName(_ name: String, account: String) -> String { "\(name)@\(account)" }

  /// Forgets every name: a new run starts.
  public mutating func removeAll() { given = [:] }

  /// The identity of a declaration of `kind` named `name` in `account` (the account's identity
  /// name, `nil` when the declaration names none), remembered for the declarations after it.
  public mutating func identity(kind: String, name: String, account: String?) -> DeclarationID {
    let plain = DeclarationID(kind: kind, name: name)
    let key = account ?? ""
    if let earlier = given[plain]?[key] { return earlier }
    let id = given[plain] == nil || account == nil ? plain : DeclarationID(kind: kind, name: Self.qualifiedName(name, account: key))
    given[plain, default: [:]][key] = id
    return id
  }

  /// Remembers a declaration made in an earlier run (a cached module's, an earlier input's), under
  /// the identity it has.
  public mutating func note(_ declaration: Declaration) {
    guard case .accountWhenShared(let field)? = declaration.schema?.scope else { return }
    let plain = DeclarationID(kind: declaration.kind, name: declaration.name)
    let key = declaration.reference(field)?.name ?? ""
    if given[plain]?[key] == nil { given[plain, default: [:]][key] = declaration.id }
  }

  /// `declarations` with every declaration of a name two accounts use named `<name>@<account>`,
  /// and what refers to one (and what is named after what refers to one, such as a workload in its
  /// cluster) following it. The same declarations when no name is shared.
  public static func qualified(_ declarations: [Declaration]) -> [Declaration] {
    var accounts: [DeclarationID: Set<String>] = [:]
    for declaration in declarations {
      guard case .accountWhenShared(let field)? = declaration.schema?.scope else { continue }
      accounts[DeclarationID(kind: declaration.kind, name: declaration.name), default: []].insert(declaration.reference(field)?.name ?? "")
    }
    var renamed: [DeclarationID: DeclarationID] = [:]
    for (plain, names) in accounts where names.count > 1 {
      for declaration in declarations where declaration.id == plain {
        guard case .accountWhenShared(let field)? = declaration.schema?.scope, let account = declaration.reference(field) else { continue }
        renamed[plain] = DeclarationID(kind: plain.kind, name: qualifiedName(plain.name, account: account.name))
      }
    }
    guard !renamed.isEmpty else { return declarations }
    // In declaration order: a declaration refers only to earlier ones, so what it refers to is
    // renamed before it is.
    return declarations.map { declaration in
      let fields = declaration.fields.map { ModelField($0.name, $0.value.replacingReferences(renamed)) }
      var id = renamed[declaration.id] ?? declaration.id
      if id == declaration.id, fields != declaration.fields, let schema = declaration.schema, !isAccountWhenShared(schema) {
        id = schema.identity(name: declaration.name, fields: fields)
        if id != declaration.id { renamed[declaration.id] = id }
      }
      guard id != declaration.id || fields != declaration.fields else { return declaration }
      // A kind without a name of its own is called by its identity.
      let name = declaration.schema?.function?.takesName == false ? id.name : declaration.name
      var copy = Declaration(
        id: id, name: name, fields: fields, fieldRanges: declaration.fieldRanges, nameRange: declaration.nameRange,
        range: declaration.range, schema: declaration.schema)
      copy.callStack = declaration.callStack
      return copy
    }
  }

  private static func isAccountWhenShared(_ schema: KindSchema) -> Bool {
    if case .accountWhenShared = schema.scope { return true }
    return false
  }
}

extension ModelValue {
  /// The value with each reference in `renamed` replaced by its new identity, inside lists and
  /// records too.
  func replacingReferences(_ renamed: [DeclarationID: DeclarationID]) -> ModelValue {
    switch self {
    case .reference(let id): return renamed[id].map(ModelValue.reference) ?? self
    case .list(let items): return .list(items.map { $0.replacingReferences(renamed) })
    case .record(let fields): return .record(fields.map { ModelField($0.name, $0.value.replacingReferences(renamed)) })
    case .string, .int, .float, .bool: return self
    }
  }
}
