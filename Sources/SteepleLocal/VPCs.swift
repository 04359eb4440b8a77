import Foundation
import GRDB
import SteepleCatalog
import SteepleEngine
import SteepleModel

/// A VPC: an address range in one account, cut into subnets.
struct VPCRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let databaseTableName = "vpc"
  var name: String
  var account: String
  var id: String
  var cidr: String
  var subnets: [String]

  var network: CIDRBlock { CIDRBlock(exact: cidr)! }

  /// Read by hand: GRDB's Codable decoder was a tenth of a node group's creation (every node asks
  /// for its VPC). `subnets` is the JSON array the Codable encoding wrote.
  init(row: Row) throws {
    name = row["name"]
    account = row["account"]
    id = row["id"]
    cidr = row["cidr"]
    let subnetsText: String = row["subnets"]
    subnets = try JSONDecoder().decode([String].self, from: Data(subnetsText.utf8))
  }

  init(name: String, account: String, id: String, cidr: String, subnets: [String]) {
    self.name = name
    self.account = account
    self.id = id
    self.cidr = cidr
    self.subnets = subnets
  }

  /// The VPC as `account` sees it: VPCs are never visible across accounts.
  static func visible(_ name: String, from account: String, in db: Database) throws -> VPCRecord {
    guard let vpc = try VPCRecord.find(name, in: db), vpc.account == account else {
      let id = try VPCRecord.find(name, in: db)?.id ?? name
      throw ProviderError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\(id)' does not exist")
    }
    return vpc
  }
}

/// A route in a VPC's route table that sends a destination block to a transit gateway.
struct RouteRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "route"
  var vpc: String
  var destination: String
  var transitGateway: String
}

enum VPCHandler: ResourceHandler {
  static let type = "ec2.vpc"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let account = try AccountRecord.named(try attributes.string("account"), in: db)
    let cidr = try attributes.string("cidr")
    guard let network = CIDRBlock(exact: cidr) else {
      throw ProviderError(
        code: "InvalidParameterValue", message: "Value (\(cidr)) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
        address: resource.address)
    }
    guard (16...28).contains(network.prefix) else {
      throw ProviderError(code: "InvalidVpc.Range", message: "The CIDR '\(cidr)' is invalid.", address: resource.address)
    }
    var subnets: [CIDRBlock] = []
    for text in try attributes.strings("subnets") {
      guard let subnet = CIDRBlock(exact: text) else {
        throw ProviderError(
          code: "InvalidParameterValue", message: "Value (\(text)) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
          address: resource.address)
      }
      guard network.contains(subnet), (16...28).contains(subnet.prefix) else {
        throw ProviderError(code: "InvalidSubnet.Range", message: "The CIDR '\(text)' is invalid.", address: resource.address)
      }
      if subnets.contains(where: { $0.overlaps(subnet) }) {
        throw ProviderError(
          code: "InvalidSubnet.Conflict", message: "The CIDR '\(text)' conflicts with another subnet", address: resource.address)
      }
      subnets.append(subnet)
    }
    let name = resource.address.name
    let existing = try VPCRecord.find(name, in: db)
    if let existing, existing.cidr != cidr {
      throw ProviderError(
        code: "InvalidParameterValue", message: "The primary CIDR block of \(existing.id) cannot be changed: replace the VPC",
        address: resource.address)
    }
    let id = try existing?.id
      ?? "vpc-" + Identifiers.hex("vpc", account.id, name, String(db.nextIncarnation(of: "\(type)/\(name)")))
    try VPCRecord(name: name, account: account.name, id: id, cidr: cidr, subnets: subnets.map(\.description)).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let vpc = try VPCRecord.find(stored.name, in: db) else { return }
    let inUse =
      try AttachmentRecord.filter(Column("vpc") == vpc.name).fetchCount(db)
      + ClusterRecord.filter(Column("vpc") == vpc.name).fetchCount(db)
      + RouteRecord.filter(Column("vpc") == vpc.name).fetchCount(db)
    if inUse > 0 {
      throw ProviderError(
        code: "DependencyViolation", message: "The vpc '\(vpc.id)' has dependencies and cannot be deleted.",
        address: stored.address)
    }
    try vpc.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let vpc = try VPCRecord.find(stored.name, in: db) else { return [] }
    return [ModelField("id", .string(vpc.id))]
  }

  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]] {
    try outputs(of: stored, in: db, rows: VPCRecord.self, key: \.name) { [ModelField("id", .string($0.id))] }
  }
}

enum RouteHandler: ResourceHandler {
  static let type = "ec2.route"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let vpcName = try attributes.string("vpc")
    guard let owner = try VPCRecord.find(vpcName, in: db)?.account ?? attributes.optionalString("account") else {
      throw ProviderError(code: "InvalidVpcID.NotFound", message: "The vpc ID '\(vpcName)' does not exist", address: resource.address)
    }
    let vpc = try VPCRecord.visible(vpcName, from: try attributes.optionalString("account") ?? owner, in: db)
    let destination = try attributes.string("destination")
    guard let block = CIDRBlock(exact: destination) else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "Value (\(destination)) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.",
        address: resource.address)
    }
    if vpc.network.contains(block) {
      throw ProviderError(
        code: "InvalidParameterValue",
        message:
          "The destination CIDR block \(destination) is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance.",
        address: resource.address)
    }
    let gatewayName = try attributes.string("transit_gateway")
    let gateway = try TransitGatewayHandler.visible(gatewayName, from: vpc.account, in: db)
    // A route can target a transit gateway only through an attachment of this VPC.
    guard let attachment = try AttachmentRecord.find(vpc.name, in: db), attachment.transitGateway == gateway.name else {
      throw ProviderError(code: "InvalidTransitGatewayID.NotFound", message: "The transitGateway ID '\(gateway.id)' does not exist.")
    }
    let routes = try RouteRecord.filter(Column("vpc") == vpc.name && Column("destination") != block.description).fetchCount(db)
    guard routes < Network.routesPerRouteTable else {
      throw ProviderError(
        code: "RouteLimitExceeded",
        message: "The maximum number of routes (\(Network.routesPerRouteTable)) in the route table of \(vpc.id) has been reached",
        address: resource.address)
    }
    try RouteRecord(vpc: vpc.name, destination: block.description, transitGateway: gateway.name).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    let vpc = stored.string("vpc")
    let destination = stored.string("destination")
    _ = try RouteRecord.deleteOne(db, key: ["vpc": vpc, "destination": destination])
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] { [] }
}

/// The private addresses handed out in a VPC, for nodes and pods.
enum Addresses {
  /// Gives `holder` an address in the VPC (in its subnets when it has some), the same one each time
  /// it asks while it holds it. AWS keeps the first four and the last address of every block.
  static func allocate(in vpc: VPCRecord, holder: String, in db: Database) throws -> String {
    // Statements compiled once a connection: every node and pod asks.
    if let held = try String.fetchOne(
      db.cachedStatement(sql: "SELECT ip FROM address WHERE vpc = ? AND holder = ?"), arguments: [vpc.name, holder])
    {
      return held
    }
    let blocks = vpc.subnets.isEmpty ? [vpc.network] : vpc.subnets.compactMap { CIDRBlock(exact: $0) }
    let usable = blocks.map { $0.size > 5 ? $0.size - 5 : 0 }
    let total = usable.reduce(0, +)
    guard total > 0 else { throw full(vpc) }
    let seed = Identifiers.digest(["address", vpc.id, holder]).prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    let taken = Set(try String.fetchAll(db.cachedStatement(sql: "SELECT ip FROM address WHERE vpc = ?"), arguments: [vpc.name]))
    guard UInt64(taken.count) < total else { throw full(vpc) }
    var index = seed % total
    while true {
      var rest = index
      var candidate: String? = nil
      for (block, size) in zip(blocks, usable) {
        if rest < size {
          candidate = IPv4.format(block.address(at: rest + 4))
          break
        }
        rest -= size
      }
      if let candidate, !taken.contains(candidate) {
        try db.cachedStatement(sql: "INSERT INTO address (vpc, ip, holder) VALUES (?, ?, ?)").execute(
          arguments: [vpc.name, candidate, holder])
        return candidate
      }
      index = (index + 1) % total
    }
  }

  static func release(in vpc: String, holder: String, in db: Database) throws {
    try db.execute(sql: "DELETE FROM address WHERE vpc = ? AND holder = ?", arguments: [vpc, holder])
  }

  static func full(_ vpc: VPCRecord) -> ProviderError {
    ProviderError(
      code: "InsufficientFreeAddressesInSubnet",
      message: "There are not enough free addresses in the subnets of \(vpc.id) to satisfy the requested number of instances.")
  }
}
