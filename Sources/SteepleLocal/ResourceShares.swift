import GRDB
import SteepleEngine
import SteepleModel

/// A RAM resource share owned by one account, offering resources to other accounts.
struct ResourceShareRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "resourceShare"
  var name: String
  var account: String
  var arn: String
  var resources: [String]
  var allowExternalPrincipals: Bool
}

/// One receiving account's association with a share: an invitation it must accept, or (inside one
/// organization) an association made at once.
struct ShareInvitationRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "shareInvitation"
  static let pending = "PENDING"
  static let accepted = "ACCEPTED"
  static let associated = "ASSOCIATED"

  var share: String
  var account: String
  var arn: String
  var status: String

  var isActive: Bool { status == Self.accepted || status == Self.associated }
}

enum ResourceShares {
  /// Whether `account` may use the transit gateway: it owns it, or a share of it from the owner has
  /// been accepted by (or automatically associated with) the account.
  static func canUse(transitGateway: TransitGatewayRecord, from account: String, in db: Database) throws -> Bool {
    if transitGateway.account == account { return true }
    let shares = try ResourceShareRecord.filter(Column("account") == transitGateway.account).fetchAll(db)
      .filter { $0.resources.contains(transitGateway.name) }
    for share in shares {
      if let invitation = try ShareInvitationRecord.fetchOne(db, key: ["share": share.name, "account": account]),
        invitation.isActive
      {
        return true
      }
    }
    return false
  }
}

enum ResourceShareHandler: ResourceHandler {
  static let type = "ram.resource_share"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let owner = try AccountRecord.named(try attributes.string("account"), in: db)
    let name = resource.address.name
    let resources = try attributes.strings("resources")
    let allowExternal = try attributes.bool("allow_external_principals", default: true)
    for shared in resources {
      guard let transitGateway = try TransitGatewayRecord.find(shared, in: db), transitGateway.account == owner.name
      else {
        throw ProviderError(
          code: "UnknownResourceException",
          message: "ResourceArn(s) [\(shared)] not found in account \(owner.id): only resources the share's owner holds can be shared",
          address: resource.address)
      }
    }
    let existing = try ResourceShareRecord.fetchOne(db, key: name)
    let arn: String
    if let existing {
      arn = existing.arn
    } else {
      let incarnation = try db.nextIncarnation(of: "\(type)/\(name)")
      arn = "arn:aws:ram:\(owner.region):\(owner.id):resource-share/\(Identifiers.uuid("share", owner.id, name, String(incarnation)))"
    }
    try ResourceShareRecord(
      name: name, account: owner.name, arn: arn, resources: resources, allowExternalPrincipals: allowExternal
    ).save(db)

    let principals = try attributes.strings("principals")
    let membership = try OrganizationRecord.Membership(db)
    var wanted = Set<String>()
    for principalName in principals {
      let principal = try AccountRecord.named(principalName, in: db)
      guard principal.name != owner.name else {
        throw ProviderError(
          code: "InvalidParameterException",
          message: "The resource share owner \(owner.id) cannot be a principal of its own share", address: resource.address)
      }
      wanted.insert(principal.name)
      if try ShareInvitationRecord.fetchOne(db, key: ["share": name, "account": principal.name]) != nil { continue }
      let sameOrganization = membership.share(owner, principal)
      if !sameOrganization && !allowExternal {
        throw ProviderError(
          code: "OperationNotPermittedException",
          message:
            "Principal \(principal.id) is not in your organization, and resource share \(name) does not allow external principals",
          address: resource.address)
      }
      let invitationArn =
        "arn:aws:ram:\(owner.region):\(owner.id):resource-share-invitation/\(Identifiers.uuid("invitation", arn, principal.id))"
      try ShareInvitationRecord(
        share: name, account: principal.name, arn: invitationArn,
        status: sameOrganization ? ShareInvitationRecord.associated : ShareInvitationRecord.pending
      ).insert(db)
    }
    for invitation in try ShareInvitationRecord.filter(Column("share") == name).fetchAll(db)
    where !wanted.contains(invitation.account) {
      try invitation.delete(db)
    }
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    _ = try ResourceShareRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let share = try ResourceShareRecord.fetchOne(db, key: stored.name) else { return [] }
    return [ModelField("arn", .string(share.arn))]
  }
}

/// The receiving account's acceptance of a share's invitation (`ram accept-resource-share-invitation`).
enum ShareAcceptanceHandler: ResourceHandler {
  static let type = "ram.share_acceptance"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    try accept(share: try attributes.string("share"), account: try attributes.string("account"), in: db)
  }

  /// Accepts the invitation for `account`; accepting one already accepted, or an association made
  /// inside an organization, changes nothing.
  @discardableResult
  static func accept(share: String, account accountName: String, in db: Database) throws -> ShareInvitationRecord {
    let account = try AccountRecord.named(accountName, in: db)
    guard var invitation = try ShareInvitationRecord.fetchOne(db, key: ["share": share, "account": account.name]) else {
      throw ProviderError(
        code: "ResourceShareInvitationArnNotFoundException",
        message: "ResourceShareInvitationArn not found: account \(account.id) has no invitation to resource share \(share)")
    }
    if invitation.status == ShareInvitationRecord.pending {
      invitation.status = ShareInvitationRecord.accepted
      try invitation.update(db)
    }
    return invitation
  }

  /// Leaving a share: the association goes back to a pending invitation.
  static func remove(_ stored: StoredResource, in db: Database) throws {
    let share = stored.string("share")
    let account = stored.string("account")
    guard var invitation = try ShareInvitationRecord.fetchOne(db, key: ["share": share, "account": account]),
      invitation.status == ShareInvitationRecord.accepted
    else { return }
    invitation.status = ShareInvitationRecord.pending
    try invitation.update(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let share = stored.string("share")
    let account = stored.string("account")
    guard let invitation = try ShareInvitationRecord.fetchOne(db, key: ["share": share, "account": account]) else {
      return []
    }
    return [ModelField("status", .string(invitation.status))]
  }
}
