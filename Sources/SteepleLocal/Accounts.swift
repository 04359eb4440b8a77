import GRDB
import SteepleEngine
import SteepleCatalog
import SteepleModel

/// An AWS account reached through a named profile. Its 12-digit ID is derived from the profile name.
struct AccountRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let databaseTableName = "account"
  var name: String
  var id: String
  var profile: String
  var region: String
  var organization: String?

  var rootArn: String { "arn:aws:iam::\(id):root" }

  static func named(_ name: String, in db: Database) throws -> AccountRecord {
    guard let account = try AccountRecord.find(name, in: db) else {
      throw ProviderError(
        code: "InvalidClientTokenId",
        message: "The security token included in the request is invalid: no account named '\(name)' is known to the local cloud")
    }
    return account
  }
}

/// An AWS Organization: accounts in one organization share through RAM without invitations.
struct OrganizationRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let databaseTableName = "organization"
  var name: String
  var id: String
  var accounts: [String]

  /// Whether two accounts are declared in one organization (by the organization's list or by the
  /// account's own `organization`).
  static func share(_ a: AccountRecord, _ b: AccountRecord, in db: Database) throws -> Bool {
    try Membership(db).share(a, b)
  }

  /// Which organizations each account is in, read once for many questions.
  struct Membership {
    let byAccount: [String: Set<String>]

    init(_ db: Database) throws {
      var byAccount: [String: Set<String>] = [:]
      for organization in try OrganizationRecord.fetchAll(db) {
        for account in organization.accounts { byAccount[account, default: []].insert(organization.name) }
      }
      self.byAccount = byAccount
    }

    func share(_ a: AccountRecord, _ b: AccountRecord) -> Bool {
      func organizations(of account: AccountRecord) -> Set<String> {
        var names = byAccount[account.name] ?? []
        if let declared = account.organization { names.insert(declared) }
        return names
      }
      return !organizations(of: a).isDisjoint(with: organizations(of: b))
    }
  }
}

enum OrganizationHandler: ResourceHandler {
  static let type = "aws.organization"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let name = resource.address.name
    let id =
      try OrganizationRecord.find(name, in: db)?.id
      ?? "o-" + Identifiers.hex("organization", name, String(try db.nextIncarnation(of: "\(type)/\(name)")), count: 10)
    try OrganizationRecord(name: name, id: id, accounts: try attributes.strings("accounts")).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    _ = try OrganizationRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let organization = try OrganizationRecord.find(stored.name, in: db) else { return [] }
    return [ModelField("id", .string(organization.id))]
  }
}

enum AccountHandler: ResourceHandler {
  static let type = "aws.account"
  /// The regions an account may live in: the catalog's, so check and apply agree.
  static let regions = Set(Accounts.regions)

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let profile = try attributes.string("profile")
    let region = try attributes.string("region")
    guard regions.contains(region) else {
      throw ProviderError(
        code: "InvalidClientTokenId",
        message: "Could not connect to the endpoint URL: \"https://sts.\(region).amazonaws.com/\" (no such region)",
        address: resource.address)
    }
    // A script may declare the account's real ID; otherwise the profile name decides it.
    let id = try attributes.optionalString("id") ?? Identifiers.accountID(profile: profile)
    guard id.count == 12, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      throw ProviderError(
        code: "InvalidParameterValue", message: "Account ID '\(id)' is invalid: an AWS account ID is 12 digits",
        address: resource.address)
    }
    if let existing = try AccountRecord.find(resource.address.name, in: db), existing.id != id {
      throw ProviderError(
        code: "InvalidParameterValue",
        message:
          "'\(resource.address.name)' is account \(existing.id), and an account's ID cannot change; profile '\(profile)' reaches \(id). Declare id: \"\(existing.id)\" to reach it through a new profile, or declare a new account for \(id)",
        address: resource.address)
    }
    if let other = try AccountRecord.fetchOne(
      db.cachedStatement(sql: "SELECT * FROM account WHERE id = ? AND name != ?"), arguments: [id, resource.address.name])
    {
      throw ProviderError(
        code: "EntityAlreadyExists",
        message: "Profile '\(profile)' resolves to account \(id), which is already declared as '\(other.name)'",
        address: resource.address)
    }
    // A cached statement, not the record's `save` (an UPDATE, then an INSERT, each built anew).
    try db.cachedStatement(
      sql: """
        INSERT INTO account (name, id, profile, region, organization) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET id = excluded.id, profile = excluded.profile, region = excluded.region,
        organization = excluded.organization
        """
    ).execute(arguments: [resource.address.name, id, profile, region, try attributes.optionalString("organization")])
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    _ = try AccountRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let account = try AccountRecord.find(stored.name, in: db) else { return [] }
    return fields(of: account)
  }

  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]] {
    try outputs(of: stored, in: db, rows: AccountRecord.self, key: \.name, fields: fields(of:))
  }

  static func fields(of account: AccountRecord) -> [ModelField] {
    [ModelField("id", .string(account.id)), ModelField("arn", .string(account.rootArn))]
  }
}
