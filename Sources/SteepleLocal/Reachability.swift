import GRDB
import SteepleEngine
import SteepleModel

/// Why a packet did not arrive.
public enum DropReason: String, Hashable, Sendable, Codable {
  /// The VPC's route table has no route that covers the destination.
  case noRoute = "no-route"
  /// A route points at a transit gateway the VPC has no attachment to.
  case noAttachment = "no-attachment"
  /// The VPC's attachment waits for the transit gateway's owner to accept it.
  case attachmentPendingAcceptance = "attachment-pending-acceptance"
  /// The transit gateway's route table has no route to the destination.
  case noTransitGatewayRoute = "no-transit-gateway-route"
  /// The destination lies in a CIDR that overlaps the source VPC's own (the local route wins), or
  /// another attachment already propagated the same CIDR.
  case overlappingCIDR = "overlapping-cidr"
  /// The destination VPC has no route back to the source.
  case noReturnRoute = "no-return-route"
}

/// The answer to "can a packet get from this address to that one", hop by hop, like VPC Reachability
/// Analyzer's.
public struct ReachabilityReport: Hashable, Sendable, Codable, CustomStringConvertible {
  public let source: String
  public let destination: String
  public let reachable: Bool
  /// Each hop the packet took, in order: `vpc eks-cluster-frontend (10.20.0.0/16)`, `route 10.0.0.0/8 -> tgw-…`.
  public let hops: [String]
  public let dropReason: DropReason?
  /// Where and why the packet was dropped, or how it arrived.
  public let explanation: String

  public var description: String {
    (reachable ? "reachable" : "dropped: \(explanation)") + "\n" + hops.map { "  " + $0 }.joined(separator: "\n")
  }
}

/// Follows a packet through VPC route tables, transit gateway attachments and the transit gateway's
/// default route table (association and propagation enabled), both ways.
enum Reachability {
  struct Network {
    var vpcs: [VPCRecord]
    var attachments: [String: AttachmentRecord]
    var routes: [String: [RouteRecord]]
    var gateways: [String: TransitGatewayRecord]
    var held: [String: Set<String>]

    init(_ db: Database) throws {
      vpcs = try VPCRecord.fetchAll(db)
      attachments = Dictionary(uniqueKeysWithValues: try AttachmentRecord.fetchAll(db).map { ($0.vpc, $0) })
      routes = Dictionary(grouping: try RouteRecord.fetchAll(db), by: \.vpc)
      gateways = Dictionary(uniqueKeysWithValues: try TransitGatewayRecord.fetchAll(db).map { ($0.name, $0) })
      held = [:]
      for row in try Row.fetchAll(db, sql: "SELECT vpc, ip FROM address") {
        held[row["vpc"], default: []].insert(row["ip"])
      }
    }

    func vpc(_ name: String) -> VPCRecord? { vpcs.first { $0.name == name } }

    /// The longest-prefix route of the VPC's table that covers `address`.
    func route(in vpc: VPCRecord, to address: UInt32) -> RouteRecord? {
      (routes[vpc.name] ?? []).filter { CIDRBlock(exact: $0.destination)?.contains(address: address) ?? false }
        .max { CIDRBlock(exact: $0.destination)!.prefix < CIDRBlock(exact: $1.destination)!.prefix }
    }

    /// The gateway's route table: each available attachment propagates its VPC's CIDR; of identical
    /// CIDRs only the first attachment's is propagated.
    func propagated(by gateway: String) -> [(network: CIDRBlock, attachment: AttachmentRecord)] {
      var table: [(network: CIDRBlock, attachment: AttachmentRecord)] = []
      for attachment in attachments.values.filter({ $0.transitGateway == gateway && $0.state == AttachmentRecord.available })
        .sorted(by: { $0.createdOrder < $1.createdOrder })
      {
        guard let vpc = vpc(attachment.vpc) else { continue }
        if table.contains(where: { $0.network == vpc.network }) { continue }
        table.append((vpc.network, attachment))
      }
      return table
    }
  }

  static func query(from source: String, sourceVPC: String?, to destination: String, in db: Database) throws
    -> ReachabilityReport
  {
    try Network(db).report(from: source, sourceVPC: sourceVPC, to: destination)
  }
}

extension Reachability.Network {
  /// The way from `source` (in `sourceVPC` when given) to `destination` through this network, as it
  /// was read: a check of many pairs reads it once.
  func report(from source: String, sourceVPC: String?, to destination: String) throws -> ReachabilityReport {
    let network = self
    guard let from = IPv4.parse(source) else {
      throw ProviderError(code: "InvalidParameterValue", message: "Value (\(source)) for parameter source is not an IPv4 address")
    }
    guard let to = IPv4.parse(destination) else {
      throw ProviderError(
        code: "InvalidParameterValue", message: "Value (\(destination)) for parameter destination is not an IPv4 address")
    }
    let start: VPCRecord
    if let sourceVPC {
      guard let vpc = network.vpc(sourceVPC), vpc.network.contains(address: from) else {
        throw ProviderError(code: "InvalidParameterValue", message: "\(source) is not an address of VPC \(sourceVPC)")
      }
      start = vpc
    } else {
      let candidates = network.vpcs.filter { $0.network.contains(address: from) }
      let holding = candidates.filter { network.held[$0.name]?.contains(source) ?? false }
      guard let chosen = holding.count == 1 ? holding[0] : (candidates.count == 1 ? candidates[0] : nil) else {
        throw ProviderError(
          code: "InvalidParameterValue",
          message: candidates.isEmpty
            ? "\(source) is in no VPC" : "\(source) is in more than one VPC (\(candidates.map(\.name).joined(separator: ", "))): name the source VPC")
      }
      start = chosen
    }
    var hops = ["vpc \(start.name) \(start.id) (\(start.cidr))"]
    func dropped(_ reason: DropReason, _ explanation: String) -> ReachabilityReport {
      ReachabilityReport(
        source: source, destination: destination, reachable: false, hops: hops, dropReason: reason, explanation: explanation)
    }

    // 1. The local route: anything inside the VPC's own CIDR stays in the VPC.
    if start.network.contains(address: to) {
      let elsewhere = network.vpcs.filter {
        $0.name != start.name && $0.network.contains(address: to) && (network.held[$0.name]?.contains(destination) ?? false)
      }
      if !(network.held[start.name]?.contains(destination) ?? false), let other = elsewhere.first {
        return dropped(
          .overlappingCIDR,
          "\(destination) is inside VPC \(start.name)'s own CIDR \(start.cidr), so the local route keeps it there; it never reaches VPC \(other.name) (\(other.cidr)), whose CIDR overlaps")
      }
      hops.append("local route \(start.cidr)")
      return ReachabilityReport(
        source: source, destination: destination, reachable: true, hops: hops, dropReason: nil,
        explanation: "delivered inside VPC \(start.name)")
    }

    // 2. The source VPC's route table.
    guard let route = network.route(in: start, to: to) else {
      return dropped(.noRoute, "the route table of VPC \(start.name) has no route to \(destination)")
    }
    let gatewayID = network.gateways[route.transitGateway]?.id ?? route.transitGateway
    hops.append("route \(route.destination) -> \(gatewayID) (\(route.transitGateway))")

    // 3. The VPC's attachment to the gateway the route names.
    guard let attachment = network.attachments[start.name], attachment.transitGateway == route.transitGateway else {
      return dropped(
        .noAttachment, "VPC \(start.name) has no attachment to transit gateway \(route.transitGateway): the route is a blackhole")
    }
    guard attachment.state == AttachmentRecord.available else {
      return dropped(
        .attachmentPendingAcceptance,
        "attachment \(attachment.id) of VPC \(start.name) is pendingAcceptance: the owner of \(route.transitGateway) has not accepted it")
    }
    hops.append("attachment \(attachment.id)")

    // 4. The gateway's route table.
    let table = network.propagated(by: route.transitGateway)
    guard let entry = table.filter({ $0.network.contains(address: to) }).max(by: { $0.network.prefix < $1.network.prefix })
    else {
      return dropped(
        .noTransitGatewayRoute, "the route table of transit gateway \(route.transitGateway) has no route to \(destination)")
    }
    guard let target = network.vpc(entry.attachment.vpc) else {
      return dropped(.noTransitGatewayRoute, "the route table of transit gateway \(route.transitGateway) has no route to \(destination)")
    }
    if let shadowed = network.vpcs.first(where: {
      $0.name != target.name && $0.network == target.network && (network.held[$0.name]?.contains(destination) ?? false)
        && !(network.held[target.name]?.contains(destination) ?? false)
    }) {
      return dropped(
        .overlappingCIDR,
        "transit gateway \(route.transitGateway) routes \(target.cidr) to VPC \(target.name); VPC \(shadowed.name) has the same CIDR, so its route was not propagated")
    }
    if target.name == start.name {
      return dropped(.noTransitGatewayRoute, "transit gateway \(route.transitGateway) routes \(destination) back to VPC \(start.name)")
    }
    hops.append("transit gateway route \(entry.network) -> \(entry.attachment.id)")
    hops.append("vpc \(target.name) \(target.id) (\(target.cidr))")

    // 5. The way back: the destination VPC must route the source to the same gateway.
    guard let back = network.route(in: target, to: from), back.transitGateway == route.transitGateway else {
      return dropped(.noReturnRoute, "the route table of VPC \(target.name) has no route back to \(source) through \(route.transitGateway)")
    }
    hops.append("return route \(back.destination) -> \(gatewayID)")
    return ReachabilityReport(
      source: source, destination: destination, reachable: true, hops: hops, dropReason: nil,
      explanation: "delivered to VPC \(target.name) through transit gateway \(route.transitGateway)")
  }
}
