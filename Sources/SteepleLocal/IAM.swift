import GRDB
import SteepleEngine
import SteepleModel

/// An IAM role: a trust policy (who may assume it) and its permission policies.
struct RoleRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "role"
  var account: String
  var roleName: String
  var arn: String
  /// Principals as the catalog writes them: `account:<name>`, `role:<account>/<role>`, `service:<host>`.
  var trust: [String]
  var policies: [String]

  static func arn(accountID: String, roleName: String) -> String { "arn:aws:iam::\(accountID):role/\(roleName)" }

  static func find(resourceName: String, in db: Database) throws -> RoleRecord? {
    guard let (account, roleName) = RoleHandler.split(resourceName) else { return nil }
    return try RoleRecord.fetchOne(db, key: ["account": account, "roleName": roleName])
  }
}

/// A principal named in a trust policy.
enum TrustPrincipal: Hashable {
  case account(String)
  case role(account: String, roleName: String)
  case service(String)

  init?(_ text: String) {
    if text.hasPrefix("account:") {
      self = .account(String(text.dropFirst("account:".count)))
    } else if text.hasPrefix("role:"), let (account, role) = RoleHandler.split(String(text.dropFirst("role:".count))) {
      self = .role(account: account, roleName: role)
    } else if text.hasPrefix("service:") {
      self = .service(String(text.dropFirst("service:".count)))
    } else {
      return nil
    }
  }
}

enum RoleHandler: ResourceHandler {
  static let type = "iam.role"

  /// `<account>/<role-name>` into its two parts.
  static func split(_ name: String) -> (String, String)? {
    guard let slash = name.firstIndex(of: "/") else { return nil }
    let account = String(name[..<slash])
    let role = String(name[name.index(after: slash)...])
    return account.isEmpty || role.isEmpty ? nil : (account, role)
  }

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let account = try AccountRecord.named(try attributes.string("account"), in: db)
    let roleName = try attributes.string("role_name")
    guard (1...64).contains(roleName.count),
      roleName.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "+=,.@_-".unicodeScalars.contains($0)) })
    else {
      throw ProviderError(
        code: "ValidationError",
        message:
          "1 validation error detected: Value '\(roleName)' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        address: resource.address)
    }
    let trust = try attributes.strings("trust")
    // IAM resolves every principal when the policy is written: one that does not exist is refused.
    for text in trust {
      guard let principal = TrustPrincipal(text) else {
        throw malformed("Invalid principal in policy: \"\(text)\"", resource)
      }
      switch principal {
      case .account(let name):
        guard try AccountRecord.find(name, in: db) != nil else {
          throw malformed("Invalid principal in policy: \"AWS\":\"\(name)\" (no such account)", resource)
        }
      case .role(let accountName, let trustedRole):
        guard let trustedAccount = try AccountRecord.find(accountName, in: db) else {
          throw malformed("Invalid principal in policy: \"AWS\":\"\(accountName)\" (no such account)", resource)
        }
        let isSelf = accountName == account.name && trustedRole == roleName
        if !isSelf, try RoleRecord.fetchOne(db, key: ["account": accountName, "roleName": trustedRole]) == nil {
          throw malformed(
            "Invalid principal in policy: \"AWS\":\"\(RoleRecord.arn(accountID: trustedAccount.id, roleName: trustedRole))\"",
            resource)
        }
      case .service(let host):
        guard host.hasSuffix(".amazonaws.com") else {
          throw malformed("Invalid principal in policy: \"Service\":\"\(host)\"", resource)
        }
      }
    }
    try RoleRecord(
      account: account.name, roleName: roleName, arn: RoleRecord.arn(accountID: account.id, roleName: roleName),
      trust: trust, policies: try attributes.strings("policies")
    ).save(db)
  }

  static func malformed(_ message: String, _ resource: Resource) -> ProviderError {
    ProviderError(code: "MalformedPolicyDocument", message: message, address: resource.address)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let (account, roleName) = split(stored.name) else { return }
    let storedAccount = stored.optionalString("account") ?? account
    let storedRole = stored.optionalString("role_name") ?? roleName
    _ = try RoleRecord.deleteOne(db, key: ["account": storedAccount, "roleName": storedRole])
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let account = stored.optionalString("account")
    let roleName = stored.optionalString("role_name")
    guard let account, let roleName, let role = try RoleRecord.fetchOne(db, key: ["account": account, "roleName": roleName])
    else { return [] }
    return [ModelField("arn", .string(role.arn))]
  }
}
