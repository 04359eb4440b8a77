import SteepleEngine
public import SteepleModel

/// The network family: `aws.transit_gateway` and its RAM share, and the VPC, attachment and route
/// resources a cluster's network is made of.
public struct Network: Family {
  public init() {}

  // MARK: - Defaults

  /// The Amazon side's ASN when the script names none.
  public static let defaultAmazonSideASN = 64512
  /// AWS's default quota of routes in one VPC route table (besides its local route).
  public static let routesPerRouteTable = 50
  /// Whether a gateway accepts attachments from the accounts it is shared with, unless told.
  public static let defaultAutoAcceptSharedAttachments = true

  // MARK: - Kinds

  public static let transitGateway = KindSchema(
    kind: "aws.transit_gateway", summary: "a transit gateway owned by one account and shared with others through RAM",
    form: #"aws.transit_gateway("tgw-shared", owner: shared, share_with: [frontend, backend])"#, nameFormat: .tagName,
    fields: [
      FieldSchema("owner", .reference(["account"]), .required, "the account that owns it"),
      FieldSchema(
        "share_with", .list(.reference(["account", "aws.organization"])), .defaultValue(.list([])),
        "the accounts it is shared with, or an organization: every account in it"),
      FieldSchema("share_name", .string(.tagName), .derived("<name>-share", template: "{name}-share"), "the name of the RAM resource share"),
      FieldSchema("amazon_side_asn", .int(64512...65534), .defaultValue(.int(defaultAmazonSideASN)), "the private ASN of the Amazon side"),
      FieldSchema(
        "auto_accept_shared_attachments", .bool, .defaultValue(.bool(defaultAutoAcceptSharedAttachments)),
        "whether attachments from the accounts it is shared with are accepted without a request"),
      FieldSchema(
        "allow_external_principals", .bool, .derived("false when every account is in the owner's organization, else true"),
        "whether the share may reach accounts outside the owner's organization"),
    ],
    function: HostFunction(module: "aws", name: "transit_gateway"))

  public var kinds: [KindSchema] { [Self.transitGateway] }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `ec2.transit_gateway` | tgw name | account*, amazon_side_asn*, auto_accept_shared_attachments | `aws.transit_gateway(...)` |
  /// | `ram.resource_share` | share name | account*, resources: [tgw], principals: [account], allow_external_principals | `share_with` |
  /// | `ram.share_acceptance` | `<share>/<account>` | account*, share* | each account shared with |
  /// | `ec2.vpc` | cluster name | account*, cidr*, subnets: [cidr] | `cluster` |
  /// | `ec2.transit_gateway_attachment` | cluster name | account*, transit_gateway*, vpc* | `cluster { network: }` |
  /// | `ec2.route` | `<vpc>/<destination>` | account, vpc*, destination*, transit_gateway | each other VPC on the gateway |
  public var resourceTypes: [ResourceType] {
    [
      ResourceType(
        "ec2.transit_gateway", replaceOnChange: ["account", "amazon_side_asn"], durations: .init(create: 150, update: 30, delete: 120)),
      ResourceType("ram.resource_share", replaceOnChange: ["account"], durations: .init(create: 5, update: 5, delete: 5)),
      ResourceType("ram.share_acceptance", replaceOnChange: ["account", "share"], durations: .init(create: 5, update: 5, delete: 3)),
      ResourceType("ec2.vpc", replaceOnChange: ["account", "cidr"], durations: .init(create: 5, update: 3, delete: 5)),
      ResourceType(
        "ec2.transit_gateway_attachment", replaceOnChange: ["account", "transit_gateway", "vpc"],
        durations: .init(create: 90, update: 30, delete: 90)),
      ResourceType(
        "ec2.transit_gateway_attachment_accepter", replaceOnChange: ["account", "attachment"],
        durations: .init(create: 30, update: 1, delete: 1)),
      ResourceType("ec2.route", replaceOnChange: ["vpc", "destination"], durations: .init(create: 1, update: 1, delete: 1)),
    ]
  }

  // MARK: - Checks

  /// A cluster may use a gateway its account owns or was shared, and two networks on one gateway
  /// must not overlap, or routes cannot tell them apart.
  public func check(_ checker: inout TopologyChecker) {
    let topology = checker.topology
    var attached: [DeclarationID: [(Declaration, CIDRBlock)]] = [:]
    var sharedWith: [DeclarationID: Set<DeclarationID>] = [:]
    let organizations = Accounts.organizations(in: topology)
    for gateway in topology.declarations(of: "aws.transit_gateway") { sharedWith[gateway.id] = Set(Self.receivers(of: gateway, in: topology)) }
    for cluster in topology.declarations(of: "cluster") {
      guard let gateway = topology.referenced(cluster.value("network")), gateway.kind == "aws.transit_gateway" else { continue }
      if let account = cluster.reference("account"), topology[account] != nil, let owner = gateway.reference("owner"),
        account != owner, !(sharedWith[gateway.id]?.contains(account) ?? false)
      {
        let receivers = gateway.references("share_with").map(\.description).joined(separator: ", ")
        var notes = [checker.note(gateway, "\(checker.describe(gateway)) is owned by \(owner) and shared with \(receivers.isEmpty ? "no one" : receivers)")]
        // Shared with an organization: the first cause is where the account is declared outside it.
        if gateway.references("share_with").contains(where: { $0.kind == "aws.organization" }), let home = topology[account] {
          let membership = organizations[account].map { "is in \(checker.describe($0))" } ?? "is in no organization"
          notes.append(checker.note(home, "\(checker.describe(home)) \(membership)"))
        }
        checker.error(
          "network-not-shared", "\(checker.describe(cluster)) uses \(checker.describe(gateway)), which is not shared with \(account)",
          detail: "add the account to the gateway's share_with, or attach the cluster to a network its account can use",
          at: cluster.range(of: "network"), notes: notes)
      }
      if let account = topology.referenced(cluster.value("account")), let owner = topology.referenced(gateway.value("owner")),
        let region = account.string("region"), let gatewayRegion = owner.string("region"), region != gatewayRegion,
        Accounts.regions.contains(region), Accounts.regions.contains(gatewayRegion)
      {
        checker.error(
          "network-in-another-region",
          "\(checker.describe(cluster)) is in \(region), but \(checker.describe(gateway)) is in \(gatewayRegion)",
          detail: "a VPC can attach only to a transit gateway of its own region; use a gateway in \(region), or peer two gateways",
          at: cluster.range(of: "network"),
          notes: [checker.note(gateway, "\(checker.describe(gateway)) is owned by \(owner.name), in \(gatewayRegion)")])
      }
      if let cidr = cluster.string("cidr"), let block = CIDRBlock(cidr), !block.hasHostBits {
        attached[gateway.id, default: []].append((cluster, block))
      }
    }
    for gateway in topology.declarations(of: "aws.transit_gateway") { checkSharing(gateway, &checker) }
    for gateway in topology.declarations(of: "aws.transit_gateway") {
      guard let clusters = attached[gateway.id], clusters.count > 1 else { continue }
      checkRouteQuota(clusters, on: gateway, &checker)
      let ordered = clusters.enumerated().sorted { ($0.element.1.first, $0.offset) < ($1.element.1.first, $1.offset) }
      var widest: (cluster: Declaration, block: CIDRBlock, position: Int)?
      for (position, (cluster, block)) in ordered {
        if let previous = widest, previous.block.overlaps(block) {
          let (later, earlier) = position > previous.position ? ((cluster, block), (previous.cluster, previous.block)) : ((previous.cluster, previous.block), (cluster, block))
          checker.error(
            "overlapping-cidr", "the network of \(checker.describe(later.0)), \(later.1), overlaps \(earlier.1) of \(checker.describe(earlier.0))",
            detail: "both are attached to \(checker.describe(gateway)); give each cluster a block of its own, such as the next free /16",
            at: later.0.range(of: "cidr"), notes: [.init("\(checker.describe(earlier.0)) has \(earlier.1) here", at: earlier.0.range(of: "cidr"))])
        }
        if widest == nil || block.last > widest!.block.last { widest = (cluster, block, position) }
      }
    }
  }

  /// Each VPC's summary routes to the others on its gateway fit AWS's default quota of routes in a
  /// route table.
  func checkRouteQuota(_ clusters: [(Declaration, CIDRBlock)], on gateway: Declaration, _ checker: inout TopologyChecker) {
    for (cluster, _) in clusters {
      let routes = Self.summaries(of: clusters.filter { $0.0.id != cluster.id }.map(\.1)).count
      guard routes > Self.routesPerRouteTable else { continue }
      checker.error(
        "route-quota", "the VPC of \(checker.describe(cluster)) needs \(routes) routes to the other networks on \(checker.describe(gateway))",
        detail:
          "a route table holds at most \(Self.routesPerRouteTable) routes (AWS's default quota), one for each /8 the other VPCs lie in; give the clusters on one gateway blocks in fewer /8s, such as 10.0.0.0/8",
        at: cluster.range(of: "cidr"))
    }
  }

  /// Sharing a gateway with its owner does nothing, and sharing it outside the owner's organization
  /// turns on `allow_external_principals` unless the script says so itself: say both.
  func checkSharing(_ gateway: Declaration, _ checker: inout TopologyChecker) {
    let topology = checker.topology
    guard let owner = gateway.reference("owner"), topology[owner] != nil else { return }
    let organizations = Accounts.organizations(in: topology)
    let ownerOrganization = organizations[owner]
    let named = gateway.references("share_with")
    // An organization in share_with stands for its accounts; the owner among them is no mistake.
    for account in Self.receivers(of: gateway, in: topology) where topology[account] != nil {
      if account == owner {
        guard named.contains(owner) else { continue }
        checker.warning(
          "shared-with-owner", "\(checker.describe(gateway)) is shared with its own owner, \(owner)",
          detail: "an owner uses its gateway without a share; remove \(owner.name) from share_with", at: gateway.range(of: "share_with"))
      } else if gateway[field: "allow_external_principals"] == nil,
        ownerOrganization == nil || organizations[account]?.id != ownerOrganization?.id
      {
        let reason = ownerOrganization.map { "which is not in organization \(ModelValue.string($0.name))" } ?? "while its owner is in no organization"
        checker.warning(
          "external-principal", "sharing \(checker.describe(gateway)) with \(account), \(reason), allows external principals",
          detail: "RAM then sends \(account.name) an invitation to accept; put both accounts in one aws.organization, or write allow_external_principals: true to say it is meant",
          at: gateway.range(of: "share_with"))
      }
    }
  }

  /// The accounts a gateway is shared with: those `share_with` names, and every account of an
  /// organization it names.
  public static func receivers(of gateway: Declaration, in topology: Topology) -> [DeclarationID] {
    var accounts: [DeclarationID] = []
    for id in gateway.references("share_with") {
      for account in id.kind == "aws.organization" ? Accounts.members(of: id, in: topology) : [id] where !accounts.contains(account) {
        accounts.append(account)
      }
    }
    return accounts
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    guard declaration.kind == "aws.transit_gateway", let owner = lowering.find(declaration.reference("owner"), "account") else { return }
    lowering.add(
      "ec2.transit_gateway", declaration.name, Placement(account: owner.name),
      [
        ("account", .string(owner.name)), ("amazon_side_asn", declaration.value("amazon_side_asn")),
        ("auto_accept_shared_attachments", declaration.value("auto_accept_shared_attachments")),
      ],
      dependencies: [Lowering.address("aws.account", owner.name)], origin: declaration)
    let receivers = Self.receivers(of: declaration, in: lowering.topology).compactMap { lowering.find($0, "account") }.filter { $0.id != owner.id }
    guard !receivers.isEmpty else { return }
    let share = Self.shareName(declaration)
    let ownerOrganization = lowering.organization(of: owner.id)?.id
    let withinOrganization = ownerOrganization != nil && receivers.allSatisfy { lowering.organization(of: $0.id)?.id == ownerOrganization }
    lowering.add(
      "ram.resource_share", share, Placement(account: owner.name),
      [
        ("account", .string(owner.name)), ("resources", .list([.string(declaration.name)])),
        ("principals", .list(receivers.map { .string($0.name) })),
        ("allow_external_principals", declaration[field: "allow_external_principals"] ?? .bool(!withinOrganization)),
      ],
      dependencies: [Lowering.address("ec2.transit_gateway", declaration.name), Lowering.address("aws.account", owner.name)]
        + receivers.map { Lowering.address("aws.account", $0.name) },
      origin: declaration)
    for receiver in receivers {
      lowering.add(
        "ram.share_acceptance", "\(share)/\(receiver.name)", Placement(account: receiver.name),
        [("account", .string(receiver.name)), ("share", .string(share))],
        dependencies: [Lowering.address("ram.resource_share", share), Lowering.address("aws.account", receiver.name)],
        origin: declaration)
    }
  }

  /// Each attached VPC's routes to the others on its transit gateway: summary routes, one for each
  /// /8 the other VPCs lie in, to the smallest block that covers them there. The gateway's own route
  /// table knows each VPC (every attachment propagates its block), so a VPC needs no route per
  /// peer and the routes grow with the clusters, not with their square. Made once every cluster has
  /// its attachment.
  public func finish(_ lowering: inout Lowering) {
    let clusters = lowering.topology.declarations(of: "cluster")
    for gateway in lowering.topology.declarations(of: "aws.transit_gateway") {
      let attached = clusters.compactMap { cluster -> (Declaration, CIDRBlock)? in
        guard cluster.reference("network") == gateway.id,
          lowering.contains(Lowering.address("ec2.transit_gateway_attachment", lowering.clusterName(cluster))),
          let block = cluster.string("cidr").flatMap(CIDRBlock.init)?.network
        else { return nil }
        return (cluster, block)
      }
      for (source, _) in attached {
        guard let account = source.reference("account") else { continue }
        let others = attached.filter { $0.0.id != source.id }.map(\.1)
        let vpc = lowering.clusterName(source)
        for destination in Self.summaries(of: others) {
          let cidr = destination.description
          lowering.add(
            "ec2.route", "\(vpc)/\(cidr)", Placement(account: account.name),
            [
              ("account", .string(account.name)), ("vpc", .string(vpc)), ("destination", .string(cidr)),
              ("transit_gateway", .string(gateway.name)),
            ],
            dependencies: [Lowering.address("ec2.transit_gateway_attachment", vpc)], origin: source)
        }
      }
    }
  }

  /// The fewest blocks no wider than a /8 that cover `blocks`: for each /8 they lie in, the
  /// smallest block that covers theirs, in address order.
  static func summaries(of blocks: [CIDRBlock]) -> [CIDRBlock] {
    let groups = Dictionary(grouping: blocks) { $0.first >> 24 }
    return groups.keys.sorted().map { key in
      let group = groups[key]!
      var cover = group[0].network
      while !group.allSatisfy(cover.contains) { cover = CIDRBlock(address: cover.first, prefix: cover.prefix - 1).network }
      return cover
    }
  }

  /// The VPC a cluster runs in, and its attachment to the cluster's transit gateway.
  static func lowerVPC(of cluster: Declaration, in account: Declaration, into lowering: inout Lowering) {
    let name = lowering.clusterName(cluster)
    let vpc = Lowering.address("ec2.vpc", name)
    lowering.add(
      "ec2.vpc", name, Placement(account: account.name),
      [("account", .string(account.name)), ("cidr", cluster.value("cidr")), ("subnets", .list(subnets(cluster.string("cidr"))))],
      dependencies: [Lowering.address("aws.account", account.name)], origin: cluster)
    guard let gateway = lowering.find(cluster.reference("network"), "aws.transit_gateway"), let owner = gateway.reference("owner") else {
      return
    }
    let acceptance: ResourceAddress? =
      owner == account.id ? nil : Lowering.address("ram.share_acceptance", "\(shareName(gateway))/\(account.name)")
    lowering.add(
      "ec2.transit_gateway_attachment", name, Placement(account: account.name),
      [("account", .string(account.name)), ("transit_gateway", .string(gateway.name)), ("vpc", .string(name))],
      dependencies: [vpc, Lowering.address("ec2.transit_gateway", gateway.name), acceptance], origin: cluster)
    // A gateway that does not accept shared attachments by itself needs its owner to accept this one,
    // as Terraform's attachment accepter does: a resource of the owner's.
    if owner != account.id, gateway.value("auto_accept_shared_attachments") == .bool(false) {
      lowering.add(
        "ec2.transit_gateway_attachment_accepter", name, Placement(account: owner.name),
        [("account", .string(owner.name)), ("attachment", .string(name)), ("transit_gateway", .string(gateway.name))],
        dependencies: [Lowering.address("ec2.transit_gateway_attachment", name)], origin: cluster)
    }
  }

  static func shareName(_ gateway: Declaration) -> String { gateway.string("share_name") ?? "\(gateway.name)-share" }

  /// The six subnets of a VPC: its block split in eight, the first six (three public, three private).
  static func subnets(_ cidr: String?) -> [ModelValue] {
    guard let cidr, let block = CIDRBlock(cidr) else { return [] }
    return block.network.split(bits: 3).prefix(6).map { .string($0.description) }
  }
}
