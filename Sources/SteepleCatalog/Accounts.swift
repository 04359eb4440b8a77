import SteepleEngine
public import SteepleModel

/// The accounts family: `account` and `aws.organization`, the regions an account may live in, and
/// the `aws.account` and `aws.organization` resources.
public struct Accounts: Family {
  public init() {}

  // MARK: - Validation data

  /// The names of AWS's regions.
  public static let regions: [String] = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2",
    "af-south-1",
    "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-south-1", "eu-south-2", "eu-north-1",
    "il-central-1", "me-south-1", "me-central-1", "mx-central-1", "sa-east-1",
    "us-gov-east-1", "us-gov-west-1", "cn-north-1", "cn-northwest-1",
  ]

  // MARK: - Kinds

  public static let account = KindSchema(
    kind: "account", summary: "an AWS account, reached through a named profile",
    form: #"account "shared" { profile: "shared", region: "us-east-2" }"#, nameFormat: .accountName,
    fields: [
      FieldSchema("profile", .string(.string), .derived("the account's name", template: "{name}"), "the AWS CLI profile that reaches the account"),
      FieldSchema("region", .string(.region), .required, "the region its resources live in, such as us-east-2"),
      FieldSchema("id", .string(.accountID), .optional, "the 12-digit account ID, when known; the provider's must match"),
      FieldSchema(
        "organization", .reference(["aws.organization"]), .optional,
        "the organization it is in; with aws.organization(accounts:) membership is the union of both sides"),
    ])

  public static let organization = KindSchema(
    kind: "aws.organization", summary: "an AWS Organization: accounts in it share resources without invitations",
    form: #"aws.organization("am-multi-account", accounts: [shared, frontend, backend])"#, nameFormat: .tagName,
    fields: [
      FieldSchema("accounts", .list(.reference(["account"])), .required, "the accounts in the organization"),
    ],
    function: HostFunction(module: "aws", name: "organization"))

  public var kinds: [KindSchema] { [Self.account, Self.organization] }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `aws.organization` | org name | accounts: [account] | `aws.organization(...)` |
  /// | `aws.account` | account | profile*, region*, organization (when in one), id (when declared) | `account` |
  ///
  /// Accounts in an organization depend on the `aws.organization`; `id` is there when the script
  /// declares the account's ID.
  public var resourceTypes: [ResourceType] {
    [
      ResourceType("aws.organization", replaceOnChange: [], durations: .init(create: 2, update: 2, delete: 2)),
      // The ID is what an account is and the profile only how we reach it: a renamed profile
      // changes the account in place, and a provider refuses an update that would change its ID
      // (declaring the ID an account already has changes nothing).
      ResourceType("aws.account", replaceOnChange: ["region"], durations: .init(create: 1, update: 1, delete: 1)),
    ]
  }

  // MARK: - Checks

  public func check(_ checker: inout TopologyChecker) {
    checkAccounts(&checker)
    checkOrganizations(&checker)
  }

  /// Two accounts with one profile or one ID are one account declared twice.
  func checkAccounts(_ checker: inout TopologyChecker) {
    var seen: Set<DeclarationID> = []
    var profiles: [String: Declaration] = [:]
    var ids: [String: Declaration] = [:]
    for declaration in checker.topology.declarations(of: "account") where seen.insert(declaration.id).inserted {
      if let profile = declaration.string("profile") ?? Optional(declaration.name) {
        if let other = profiles[profile] {
          checker.error(
            "duplicate-account", "accounts \(ModelValue.string(other.name)) and \(ModelValue.string(declaration.name)) use the same profile \(ModelValue.string(profile))",
            detail: "a profile reaches one account; declare the account once and use its handle", at: declaration.range(of: "profile"),
            notes: [checker.note(other)])
        }
        profiles[profile] = declaration
      }
      if let id = declaration.string("id") {
        if let other = ids[id] {
          checker.error(
            "duplicate-account", "accounts \(ModelValue.string(other.name)) and \(ModelValue.string(declaration.name)) have the same ID \(id)",
            detail: "an ID names one account; declare it once", at: declaration.range(of: "id"), notes: [checker.note(other)])
        }
        ids[id] = declaration
      }
    }
  }

  func checkOrganizations(_ checker: inout TopologyChecker) {
    var membership: [DeclarationID: Declaration] = [:]
    for account in checker.topology.declarations(of: "account") {
      if let organization = checker.topology.referenced(account.value("organization")), organization.kind == "aws.organization" {
        membership[account.id] = organization
      }
    }
    for organization in checker.topology.declarations(of: "aws.organization") {
      for account in organization.references("accounts") {
        if let other = membership[account], other.id != organization.id {
          checker.error(
            "account-in-two-organizations", "\(account) is already in organization \(ModelValue.string(other.name))",
            detail: "an AWS account belongs to one organization at a time", at: organization.range(of: "accounts"),
            notes: [checker.note(other)])
        }
        membership[account] = organization
      }
    }
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    switch declaration.kind {
    case "aws.organization":
      let accounts = Self.members(of: declaration.id, in: lowering.topology).filter { lowering.topology[$0] != nil }
      lowering.add(
        "aws.organization", declaration.name, Placement(), [("accounts", .list(accounts.map { .string($0.name) }))],
        dependencies: [], origin: declaration)
    case "account":
      let organization = lowering.organization(of: declaration.id)
      lowering.add(
        "aws.account", declaration.name, Placement(account: declaration.name),
        [
          ("profile", .string(declaration.string("profile") ?? declaration.name)), ("region", declaration.value("region")),
          ("organization", organization.map { .string($0.name) }), ("id", declaration.value("id")),
        ],
        dependencies: [organization.map { Lowering.address("aws.organization", $0.name) }], origin: declaration)
    default: break
    }
  }

  /// The organization each account is in: the one it names, else the first that lists it.
  public static func organizations(in topology: Topology) -> [DeclarationID: Declaration] {
    var organizations: [DeclarationID: Declaration] = [:]
    for account in topology.declarations(of: "account") {
      if let organization = topology.referenced(account.value("organization")), organization.kind == "aws.organization" {
        organizations[account.id] = organization
      }
    }
    for declaration in topology.declarations(of: "aws.organization") {
      for account in declaration.references("accounts") where organizations[account] == nil { organizations[account] = declaration }
    }
    return organizations
  }

  /// The accounts in an organization: those it lists and those that name it, in that order.
  public static func members(of organization: DeclarationID, in topology: Topology) -> [DeclarationID] {
    var members = topology[organization]?.references("accounts") ?? []
    for account in topology.declarations(of: "account") where account.reference("organization") == organization {
      if !members.contains(account.id) { members.append(account.id) }
    }
    return members
  }
}

extension StringFormat {
  /// An AWS region name such as `us-east-2`.
  public static let region = StringFormat(
    "region", title: "region", example: "a region such as us-east-2", candidates: Accounts.regions
  ) { text in
    Accounts.regions.contains(text) ? nil : "AWS has no region of that name"
  }

  /// A 12-digit AWS account ID.
  public static let accountID = StringFormat("account-id", title: "account ID", example: "12 digits, such as 123456789012") { text in
    text.utf8.count == 12 && text.utf8.allSatisfy { (48...57).contains($0) } ? nil : "an account ID is exactly 12 digits"
  }

  /// The name of a declared account: 1 to 50 characters, no `/` or `:`.
  public static let accountName = StringFormat("account-name", title: "account name", example: "a short name such as frontend") { text in
    if text.isEmpty || text.count > 50 { return "it must be 1 to 50 characters long" }
    return text.contains("/") || text.contains(":") ? "it cannot contain '/' or ':'" : nil
  }
}
