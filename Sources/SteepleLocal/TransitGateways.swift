import GRDB
import SteepleCatalog
import SteepleEngine
import SteepleModel

/// A transit gateway: a regional router that VPCs attach to, with one default route table that every
/// attachment is associated with and propagates its VPC's CIDR into.
struct TransitGatewayRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let databaseTableName = "transitGateway"
  var name: String
  var account: String
  var id: String
  var amazonSideAsn: Int
  var autoAcceptSharedAttachments: Bool
}

/// A VPC's attachment to a transit gateway.
struct AttachmentRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let keyColumn = "vpc"
  static let databaseTableName = "attachment"
  static let available = "available"
  static let pendingAcceptance = "pendingAcceptance"

  var vpc: String
  var account: String
  var transitGateway: String
  var id: String
  var state: String
  /// Creation order: among attachments propagating the same CIDR, the first one's route wins.
  var createdOrder: Int
}

enum TransitGatewayHandler: ResourceHandler {
  static let type = "ec2.transit_gateway"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let account = try AccountRecord.named(try attributes.string("account"), in: db)
    let asn = try attributes.int("amazon_side_asn", default: Network.defaultAmazonSideASN)
    guard (64512...65534).contains(asn) || (4_200_000_000...4_294_967_294).contains(asn) else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "The value \(asn) for AmazonSideAsn is invalid: use a private ASN in 64512-65534 or 4200000000-4294967294",
        address: resource.address)
    }
    let name = resource.address.name
    let id = try TransitGatewayRecord.find(name, in: db)?.id
      ?? "tgw-" + Identifiers.hex("tgw", account.id, name, String(try db.nextIncarnation(of: "\(type)/\(name)")))
    try TransitGatewayRecord(
      name: name, account: account.name, id: id, amazonSideAsn: asn,
      autoAcceptSharedAttachments: try attributes.bool("auto_accept_shared_attachments", default: Network.defaultAutoAcceptSharedAttachments)
    ).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let gateway = try TransitGatewayRecord.find(stored.name, in: db) else { return }
    if try AttachmentRecord.filter(Column("transitGateway") == gateway.name).fetchCount(db) > 0 {
      throw ProviderError(
        code: "IncorrectState",
        message: "tgw \(gateway.id) has non-deleted Transit Gateway Attachments", address: stored.address)
    }
    try gateway.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let gateway = try TransitGatewayRecord.find(stored.name, in: db),
      let account = try AccountRecord.find(gateway.account, in: db)
    else { return [] }
    return [
      ModelField("id", .string(gateway.id)),
      ModelField("arn", .string("arn:aws:ec2:\(account.region):\(account.id):transit-gateway/\(gateway.id)")),
    ]
  }

  /// The gateway as `account` sees it: its own, or one shared with it and accepted. Anything else
  /// does not exist for that account, which is how EC2 answers.
  static func visible(_ name: String, from account: String, in db: Database) throws -> TransitGatewayRecord {
    guard let gateway = try TransitGatewayRecord.find(name, in: db),
      try ResourceShares.canUse(transitGateway: gateway, from: account, in: db)
    else {
      let id = try TransitGatewayRecord.find(name, in: db)?.id ?? name
      throw ProviderError(code: "InvalidTransitGatewayID.NotFound", message: "The transitGateway ID '\(id)' does not exist.")
    }
    return gateway
  }
}

enum AttachmentHandler: ResourceHandler {
  static let type = "ec2.transit_gateway_attachment"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let account = try AccountRecord.named(try attributes.string("account"), in: db)
    let vpc = try VPCRecord.visible(try attributes.string("vpc"), from: account.name, in: db)
    let gateway = try TransitGatewayHandler.visible(try attributes.string("transit_gateway"), from: account.name, in: db)
    if let existing = try AttachmentRecord.find(vpc.name, in: db) {
      guard existing.transitGateway == gateway.name else {
        throw ProviderError(
          code: "DuplicateTransitGatewayAttachment",
          message: "\(vpc.id) already has an attachment to another transit gateway", address: resource.address)
      }
      return
    }
    let owner = try AccountRecord.named(gateway.account, in: db)
    guard owner.region == account.region else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "Transit gateway \(gateway.id) is in \(owner.region); \(vpc.id) in \(account.region) cannot attach to it",
        address: resource.address)
    }
    let crossAccount = gateway.account != account.name
    let order = (try Int.fetchOne(db, sql: "SELECT MAX(createdOrder) FROM attachment") ?? 0) + 1
    let id = "tgw-attach-" + Identifiers.hex("attach", vpc.id, gateway.id, String(try db.nextIncarnation(of: "\(type)/\(vpc.name)")))
    try AttachmentRecord(
      vpc: vpc.name, account: account.name, transitGateway: gateway.name, id: id,
      state: crossAccount && !gateway.autoAcceptSharedAttachments
        ? AttachmentRecord.pendingAcceptance : AttachmentRecord.available,
      createdOrder: order
    ).insert(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let attachment = try AttachmentRecord.find(stored.name, in: db) else { return }
    try attachment.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let attachment = try AttachmentRecord.find(stored.name, in: db) else { return [] }
    return [ModelField("id", .string(attachment.id)), ModelField("state", .string(attachment.state))]
  }
}

/// The gateway owner's acceptance of an attachment from an account it shares the gateway with,
/// when the gateway does not accept them automatically.
enum AttachmentAccepterHandler: ResourceHandler {
  static let type = "ec2.transit_gateway_attachment_accepter"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let account = try attributes.string("account")
    let vpc = try attributes.string("attachment")
    guard var attachment = try AttachmentRecord.find(vpc, in: db) else {
      throw ProviderError(
        code: "InvalidTransitGatewayAttachmentID.NotFound", message: "The VPC \(vpc) has no transit gateway attachment",
        address: resource.address)
    }
    let gateway = try TransitGatewayHandler.visible(attachment.transitGateway, from: account, in: db)
    guard gateway.account == account else {
      throw ProviderError(
        code: "UnauthorizedOperation",
        message: "Only the owner of \(gateway.id) can accept its attachments; \(account) is not", address: resource.address)
    }
    attachment.state = AttachmentRecord.available
    try attachment.update(db)
  }

  /// Withdrawing the acceptance leaves the attachment waiting for one again.
  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard var attachment = try AttachmentRecord.fetchOne(db, key: stored.string("attachment")) else { return }
    attachment.state = AttachmentRecord.pendingAcceptance
    try attachment.update(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let attachment = try AttachmentRecord.fetchOne(db, key: stored.string("attachment")) else { return [] }
    return [ModelField("state", .string(attachment.state))]
  }
}
