/// The identities of kinds whose names are unique per account but read alone
/// (`KindSchema.Scope.accountWhenShared`), handed out as a run declares them.
///
/// The first declaration of a name keeps the name as its identity, so a script with one
/// `cluster "eks-cluster"` names it as it always did. A later one in another account is named with
/// its account in front (`other/eks-cluster`), and one more in an account that already has the name
/// gets that declaration's identity again, so the model reports it as declared twice.
public struct SharedNameIdentities: Sendable {
  /// For each kind and name, the identity given in each account (by the account's identity name).
  private var given: [DeclarationID: [String: DeclarationID]] = [:]

  public init() {}

  /// Forgets every name: a new run starts.
  public mutating func removeAll() { given = [:] }

  /// The identity of a declaration of `kind` named `name` in `account` (the account's identity
  /// name, `nil` when the declaration names none), remembered for the declarations after it.
  public mutating func identity(kind: String, name: String, account: String?) -> DeclarationID {
    let plain = DeclarationID(kind: kind, name: name)
    let key = account ?? ""
    if let earlier = given[plain]?[key] { return earlier }
    let id = given[plain] == nil || account == nil ? plain : DeclarationID(kind: kind, name: "\(key)/\(name)")
    given[plain, default: [:]][key] = id
    return id
  }

  /// Remembers a declaration made in an earlier run (a cached module's), under the identity it has.
  public mutating func note(_ declaration: Declaration) {
    guard case .accountWhenShared(let field)? = declaration.schema?.scope else { return }
    let plain = DeclarationID(kind: declaration.kind, name: declaration.name)
    let key = declaration.reference(field)?.name ?? ""
    if given[plain]?[key] == nil { given[plain, default: [:]][key] = declaration.id }
  }
}
