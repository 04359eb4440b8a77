import SteepleEngine
public import SteepleModel
import enum SteepleSyntax.Spelling

/// The IAM family: `aws.role`, the principals a trust policy names, and the `iam.role` resource.
public struct IAM: Family {
  public init() {}

  // MARK: - Kinds

  public static let role = KindSchema(
    kind: "aws.role", summary: "an IAM role in an account, with the principals its trust policy lets assume it",
    form: #"aws.role("eks-cluster-frontend-access-role", in: frontend, trust: [spire_nodes])"#, nameFormat: .iamRoleName,
    fields: [
      FieldSchema("account", .reference(["account"]), .required, "the account the role is in; written in:, read as .account"),
      FieldSchema(
        "trust", .list(.oneOf([.reference(["account", "aws.role"]), .string(.principal)])), .required,
        "who may assume it: accounts, roles, or \"service:<name>.amazonaws.com\""),
      FieldSchema("policies", .list(.string(.string)), .defaultValue(.list([])), "the names of the permission policies attached"),
    ],
    scope: .account(field: "account"),
    function: HostFunction(module: "aws", name: "role", labelAliases: ["in": "account"]))

  public var kinds: [KindSchema] { [Self.role] }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `iam.role` | `<account>/<role>` | account*, role_name*, trust: [principal], policies: [string] | `aws.role(...)` |
  ///
  /// Principals in `trust` are `account:<name>`, `role:<account>/<role>` or
  /// `service:<name>.amazonaws.com`.
  public var resourceTypes: [ResourceType] {
    [ResourceType("iam.role", replaceOnChange: ["account", "role_name"], durations: .init(create: 3, update: 2, delete: 2))]
  }

  // MARK: - Checks

  /// Every principal a trust policy names by text must be declared, and roles must not trust each
  /// other in a circle.
  public func check(_ checker: inout TopologyChecker) {
    checkPrincipals(&checker)
    checkTrustCircles(&checker)
  }

  func checkPrincipals(_ checker: inout TopologyChecker) {
    let topology = checker.topology
    let accountNames = topology.declarations(of: "account").map(\.name)
    let roleNames = topology.declarations(of: "aws.role").map(\.id.name)
    let (accounts, roles) = (Set(accountNames), Set(roleNames))
    for role in topology.declarations(of: "aws.role") {
      for principal in role.value("trust")?.list ?? [] {
        guard case .string(let text) = principal, StringFormat.principal.problem(with: text) == nil else { continue }
        if text.hasPrefix("account:"), !accounts.contains(String(text.dropFirst(8))) {
          let name = String(text.dropFirst(8))
          checker.error(
            "undeclared-principal", "the trust of \(checker.describe(role)) names account \(ModelValue.string(name)), which is not declared",
            detail: "declare the account, or pass the handle of one that is", at: role.range(of: "trust"),
            suggestion: Spelling.nearest(to: name, in: accountNames).map { "account:\($0)" })
        } else if text.hasPrefix("role:"), !roles.contains(String(text.dropFirst(5))) {
          let name = String(text.dropFirst(5))
          checker.error(
            "undeclared-principal", "the trust of \(checker.describe(role)) names role \(ModelValue.string(name)), which is not declared",
            detail: "declare it with aws.role(...) (role:<account>/<role-name>), or pass its handle", at: role.range(of: "trust"),
            suggestion: Spelling.nearest(to: name, in: roleNames).map { "role:\($0)" })
        }
      }
    }
  }

  /// Roles that trust each other, directly or around a longer circle: IAM needs each role to exist
  /// before a trust policy names it, so one of them must be created without that trust first.
  func checkTrustCircles(_ checker: inout TopologyChecker) {
    let topology = checker.topology
    let roles = topology.declarations(of: "aws.role")
    var trusted: [DeclarationID: [DeclarationID]] = [:]
    for role in roles {
      trusted[role.id] = (role.value("trust")?.list ?? []).compactMap { principal in
        guard let address = Self.principal(principal, in: topology)?.declared, address.type == "iam.role" else { return nil }
        return DeclarationID(kind: "aws.role", name: address.name)
      }
    }
    var reported: Set<DeclarationID> = []
    for role in roles where !reported.contains(role.id) {
      guard let circle = Self.circle(from: role.id, in: trusted) else { continue }
      reported.formUnion(circle)
      let others = circle.dropFirst().compactMap { topology[$0] }
      let path = circle.map { ModelValue.string($0.name).description } + [ModelValue.string(role.id.name).description]
      checker.error(
        "trust-circle", "roles trust each other in a circle: \(path.joined(separator: " -> "))",
        detail:
          "IAM needs a role to exist before a trust policy names it, and each role is made with its trust; let one of them trust the other's account (account:<name>) instead, or drop one direction",
        at: role.range(of: "trust"), notes: others.map { .init("the trust of \(checker.describe($0)) is here", at: $0.range(of: "trust")) })
    }
  }

  /// The roles on a circle of trust through `start`, starting with it, or `nil`.
  static func circle(from start: DeclarationID, in trusted: [DeclarationID: [DeclarationID]]) -> [DeclarationID]? {
    var path: [DeclarationID] = [start]
    var visited: Set<DeclarationID> = [start]
    func walk(_ role: DeclarationID) -> Bool {
      for next in trusted[role] ?? [] {
        if next == start { return true }
        guard visited.insert(next).inserted else { continue }
        path.append(next)
        if walk(next) { return true }
        path.removeLast()
      }
      return false
    }
    return walk(start) ? path : nil
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    guard declaration.kind == "aws.role", let account = lowering.find(declaration.reference("account"), "account") else { return }
    let trust = (declaration.value("trust")?.list ?? []).compactMap { Self.principal($0, in: lowering.topology) }
    lowering.add(
      "iam.role", "\(account.name)/\(declaration.name)", Placement(account: account.name),
      [
        ("account", .string(account.name)), ("role_name", .string(declaration.name)), ("trust", .list(trust.map { .string($0.text) })),
        ("policies", declaration.value("policies")),
      ],
      dependencies: [Lowering.address("aws.account", account.name)] + trust.map(\.declared), origin: declaration)
  }

  /// A principal as a trust policy names it, and the resource it needs when the topology declares
  /// that account or role.
  static func principal(_ value: ModelValue, in topology: Topology) -> (text: String, declared: ResourceAddress?)? {
    func declared(_ kind: String, _ name: String, _ type: String) -> ResourceAddress? {
      topology[DeclarationID(kind: kind, name: name)] == nil ? nil : Lowering.address(type, name)
    }
    switch value {
    case .reference(let id) where id.kind == "account" && topology[id] != nil:
      return ("account:\(id.name)", Lowering.address("aws.account", id.name))
    case .reference(let id) where id.kind == "aws.role" && topology[id] != nil:
      return ("role:\(id.name)", Lowering.address("iam.role", id.name))
    case .string(let text):
      if text.hasPrefix("account:") { return (text, declared("account", String(text.dropFirst(8)), "aws.account")) }
      if text.hasPrefix("role:") { return (text, declared("aws.role", String(text.dropFirst(5)), "iam.role")) }
      return (text, nil)
    default: return nil
    }
  }
}

extension StringFormat {
  /// An IAM role name: 1 to 64 letters, digits or `+=,.@_-`.
  public static let iamRoleName = StringFormat(
    "iam-role-name", title: "IAM role name", example: "letters, digits and +=,.@_-, such as eks-cluster-frontend-access-role"
  ) { text in
    if text.isEmpty || text.utf8.count > 64 { return "it must be 1 to 64 characters long" }
    return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "+=,.@_-".unicodeScalars.contains($0) })
      ? nil : "it may contain only letters, digits and +=,.@_-"
  }

  /// A principal in a role's trust policy: `account:<name>`, `role:<account>/<role>` or
  /// `service:<name>.amazonaws.com`.
  public static let principal = StringFormat(
    "principal", title: "principal",
    example: "a handle, or account:<name>, role:<account>/<role-name>, service:<name>.amazonaws.com"
  ) { text in
    if text.hasPrefix("service:") {
      let host = text.dropFirst("service:".count)
      return host.hasSuffix(".amazonaws.com") && host.count > ".amazonaws.com".count ? nil : "a service principal is service:<name>.amazonaws.com"
    }
    if text.hasPrefix("account:") { return text.count > "account:".count ? nil : "name the account after 'account:'" }
    if text.hasPrefix("role:") {
      let path = text.dropFirst("role:".count).split(separator: "/", omittingEmptySubsequences: false)
      return path.count == 2 && !path[0].isEmpty && !path[1].isEmpty ? nil : "a role principal is role:<account>/<role-name>"
    }
    return "write account:<name>, role:<account>/<role-name> or service:<name>.amazonaws.com, or pass the handle"
  }
}
