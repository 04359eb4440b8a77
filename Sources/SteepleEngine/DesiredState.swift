public import SteepleModel

/// The resources a topology wants: the model's declarations expanded into the provider-neutral
/// resources that `plan` compares with what a provider observes.
///
/// The catalog (type, name, attributes; `*` replace-on-change). References to other resources are
/// strings holding the other resource's name, plus an entry in `dependencies`. Account names are
/// the declared names.
///
/// | type | name | attributes | from |
/// |---|---|---|---|
/// | `aws.organization` | org name | accounts: [account] | `aws.organization(...)` |
/// | `aws.account` | account | profile*, region*, organization (when in one), id (when declared) | `account` |
/// | `iam.role` | `<account>/<role>` | account*, role_name*, trust: [principal], policies: [string] | `aws.role(...)` |
/// | `ec2.transit_gateway` | tgw name | account*, amazon_side_asn*, auto_accept_shared_attachments | `aws.transit_gateway(...)` |
/// | `ram.resource_share` | share name | account*, resources: [tgw], principals: [account], allow_external_principals | `share_with` |
/// | `ram.share_acceptance` | `<share>/<account>` | account*, share* | each account shared with |
/// | `ec2.vpc` | cluster name | account*, cidr*, subnets: [cidr] | `cluster` |
/// | `ec2.transit_gateway_attachment` | cluster name | account*, transit_gateway*, vpc* | `cluster { network: }` |
/// | `ec2.route` | `<vpc>/<destination>` | account, vpc*, destination*, transit_gateway | each other VPC on the gateway |
/// | `eks.cluster` | cluster name | account*, vpc*, version | `cluster` |
/// | `eks.nodegroup` | `<cluster>/nodegroup` | cluster*, nodes, instance_type, node_role (when declared) | `cluster` |
/// | `eks.access` | `<cluster>/<account>/<role>` | cluster*, role*, mode, username, groups | `aws.cluster_access(...)` |
/// | `k8s.namespace` | `<cluster>/<ns>` | cluster*, namespace* | `k8s.namespace(...)` |
/// | `k8s.service_account` | `<cluster>/<ns>/<sa>` | cluster*, namespace*, service_account* | `k8s.service_account(...)` |
/// | `k8s.pod` | `<cluster>/<ns>/<pod>` | cluster*, namespace*, service_account, labels, containers | `k8s.workload(...)` |
///
/// Beyond the catalog first agreed: `eks.nodegroup` has `node_role` (the `iam.role` name) when the
/// cluster names one, and `aws.account` has `id` when the script declares the account's ID.
/// Accounts in an organization depend on the `aws.organization`. Principals in `trust` are
/// `account:<name>`, `role:<account>/<role>` or `service:<name>.amazonaws.com`.
///
/// Placement: account-level resources carry the account; `eks.*` and `k8s.*` carry the account and
/// the cluster. The topology should have passed `Topology.check()`: what a check would reject
/// (a reference to nothing, a field of the wrong type) is left out here rather than guessed.
public enum DesiredState {
  public static func resources(for topology: Topology) -> [Resource] {
    var builder = Builder(topology: topology)
    builder.build()
    return builder.resources
  }

  /// The checks the topology's `verify` declarations ask for, in order.
  public static func checks(for topology: Topology) -> [Check] {
    topology.declarations(of: "verify").map { declaration in
      let arguments = [declaration.value("subject"), declaration.value("peer")].compactMap { $0 }
      let fields = declaration.fields.filter { $0.name != "subject" && $0.name != "peer" }
      return Check(kind: declaration.name, arguments: arguments, fields: fields, origin: declaration.id)
    }
  }

  private struct Builder {
    let topology: Topology
    var resources: [Resource] = []
    var addresses: Set<ResourceAddress> = []
    /// The organization each account is in: the first that lists it.
    let organizations: [DeclarationID: Declaration]
    /// The accounts and roles declared, as resources: what a trust policy can depend on.
    let principals: Set<ResourceAddress>

    init(topology: Topology) {
      self.topology = topology
      var organizations: [DeclarationID: Declaration] = [:]
      var principals: Set<ResourceAddress> = []
      for declaration in topology.declarations {
        switch declaration.kind {
        case "aws.organization":
          for account in declaration.references("accounts") where organizations[account] == nil { organizations[account] = declaration }
        case "account": principals.insert(Self.address("aws.account", declaration.name))
        case "aws.role": principals.insert(Self.address("iam.role", declaration.id.name))
        default: break
        }
      }
      self.organizations = organizations
      self.principals = principals
    }

    mutating func add(
      _ type: String, _ name: String, _ placement: Placement, _ attributes: [(String, ModelValue?)],
      dependencies: [ResourceAddress?], replace: Set<String>, origin: Declaration
    ) {
      let address = ResourceAddress(type: type, name: name)
      guard addresses.insert(address).inserted else { return }
      resources.append(Resource(
        address: address, placement: placement,
        attributes: attributes.compactMap { name, value in value.map { ModelField(name, $0) } },
        dependencies: Set(dependencies.compactMap { $0 }).subtracting([address]), replaceOnChange: replace, origin: origin.id))
    }

    func find(_ id: DeclarationID?, _ kind: String) -> Declaration? {
      guard let id, id.kind == kind else { return nil }
      return topology[id]
    }

    func organization(of account: DeclarationID) -> Declaration? { organizations[account] }

    static func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

    mutating func build() {
      for declaration in topology.declarations {
        switch declaration.kind {
        case "aws.organization": organization(declaration)
        case "account": account(declaration)
        case "aws.role": role(declaration)
        case "aws.transit_gateway": transitGateway(declaration)
        case "cluster": cluster(declaration)
        case "aws.cluster_access": clusterAccess(declaration)
        case "k8s.namespace", "k8s.service_account", "k8s.workload": kubernetes(declaration)
        default: break
        }
      }
      routes()
    }

    mutating func organization(_ declaration: Declaration) {
      let accounts = declaration.references("accounts").filter { topology[$0] != nil }
      add(
        "aws.organization", declaration.name, Placement(), [("accounts", .list(accounts.map { .string($0.name) }))],
        dependencies: [], replace: [], origin: declaration)
    }

    mutating func account(_ declaration: Declaration) {
      let organization = organization(of: declaration.id)
      add(
        "aws.account", declaration.name, Placement(account: declaration.name),
        [
          ("profile", .string(declaration.string("profile") ?? declaration.name)), ("region", declaration.value("region")),
          ("organization", organization.map { .string($0.name) }), ("id", declaration.value("id")),
        ],
        dependencies: [organization.map { Self.address("aws.organization", $0.name) }], replace: ["profile", "region"],
        origin: declaration)
    }

    /// A principal as a trust policy names it, and the resource it needs.
    func principal(_ value: ModelValue) -> (String, ResourceAddress?)? {
      switch value {
      case .reference(let id) where id.kind == "account" && topology[id] != nil:
        return ("account:\(id.name)", Self.address("aws.account", id.name))
      case .reference(let id) where id.kind == "aws.role" && topology[id] != nil:
        return ("role:\(id.name)", Self.address("iam.role", id.name))
      case .string(let text):
        if text.hasPrefix("account:") { return (text, Self.address("aws.account", String(text.dropFirst(8)))) }
        if text.hasPrefix("role:") { return (text, Self.address("iam.role", String(text.dropFirst(5)))) }
        return (text, nil)
      default: return nil
      }
    }

    mutating func role(_ declaration: Declaration) {
      guard let account = find(declaration.reference("account"), "account") else { return }
      let trust = (declaration.value("trust")?.list ?? []).compactMap(principal)
      add(
        "iam.role", "\(account.name)/\(declaration.name)", Placement(account: account.name),
        [
          ("account", .string(account.name)), ("role_name", .string(declaration.name)), ("trust", .list(trust.map { .string($0.0) })),
          ("policies", declaration.value("policies")),
        ],
        dependencies: [Self.address("aws.account", account.name)] + trust.map(\.1).filter { $0.map(principals.contains) ?? false },
        replace: ["account", "role_name"], origin: declaration)
    }

    func shareName(_ gateway: Declaration) -> String { gateway.string("share_name") ?? "\(gateway.name)-share" }

    mutating func transitGateway(_ declaration: Declaration) {
      guard let owner = find(declaration.reference("owner"), "account") else { return }
      add(
        "ec2.transit_gateway", declaration.name, Placement(account: owner.name),
        [
          ("account", .string(owner.name)), ("amazon_side_asn", declaration.value("amazon_side_asn")),
          ("auto_accept_shared_attachments", declaration.value("auto_accept_shared_attachments")),
        ],
        dependencies: [Self.address("aws.account", owner.name)], replace: ["account", "amazon_side_asn"], origin: declaration)
      let receivers = declaration.references("share_with").compactMap { find($0, "account") }.filter { $0.id != owner.id }
      guard !receivers.isEmpty else { return }
      let share = shareName(declaration)
      let ownerOrganization = organization(of: owner.id)?.id
      let withinOrganization = ownerOrganization != nil && receivers.allSatisfy { organization(of: $0.id)?.id == ownerOrganization }
      add(
        "ram.resource_share", share, Placement(account: owner.name),
        [
          ("account", .string(owner.name)), ("resources", .list([.string(declaration.name)])),
          ("principals", .list(receivers.map { .string($0.name) })),
          ("allow_external_principals", declaration[field: "allow_external_principals"] ?? .bool(!withinOrganization)),
        ],
        dependencies: [Self.address("ec2.transit_gateway", declaration.name), Self.address("aws.account", owner.name)]
          + receivers.map { Self.address("aws.account", $0.name) },
        replace: ["account"], origin: declaration)
      for receiver in receivers {
        add(
          "ram.share_acceptance", "\(share)/\(receiver.name)", Placement(account: receiver.name),
          [("account", .string(receiver.name)), ("share", .string(share))],
          dependencies: [Self.address("ram.resource_share", share), Self.address("aws.account", receiver.name)],
          replace: ["account", "share"], origin: declaration)
      }
    }

    /// The six subnets of a VPC: its block split in eight, the first six (three public, three private).
    static func subnets(_ cidr: String?) -> [ModelValue] {
      guard let cidr, let block = CIDRBlock(cidr) else { return [] }
      return block.network.split(bits: 3).prefix(6).map { .string($0.description) }
    }

    mutating func cluster(_ declaration: Declaration) {
      guard let account = find(declaration.reference("account"), "account") else { return }
      let name = declaration.name
      let vpc = Self.address("ec2.vpc", name)
      add(
        "ec2.vpc", name, Placement(account: account.name),
        [("account", .string(account.name)), ("cidr", declaration.value("cidr")), ("subnets", .list(Self.subnets(declaration.string("cidr"))))],
        dependencies: [Self.address("aws.account", account.name)], replace: ["account", "cidr"], origin: declaration)
      if let gateway = find(declaration.reference("network"), "aws.transit_gateway"),
        let owner = gateway.reference("owner")
      {
        let acceptance: ResourceAddress? =
          owner == account.id ? nil : Self.address("ram.share_acceptance", "\(shareName(gateway))/\(account.name)")
        add(
          "ec2.transit_gateway_attachment", name, Placement(account: account.name),
          [("account", .string(account.name)), ("transit_gateway", .string(gateway.name)), ("vpc", .string(name))],
          dependencies: [vpc, Self.address("ec2.transit_gateway", gateway.name), acceptance],
          replace: ["account", "transit_gateway", "vpc"], origin: declaration)
      }
      let placement = Placement(account: account.name, cluster: name)
      add(
        "eks.cluster", name, placement,
        [("account", .string(account.name)), ("vpc", .string(name)), ("version", declaration.value("version"))],
        dependencies: [vpc, Self.address("aws.account", account.name)], replace: ["account", "vpc"], origin: declaration)
      let nodeRole = find(declaration.reference("node_role"), "aws.role")
      add(
        "eks.nodegroup", "\(name)/nodegroup", placement,
        [
          ("cluster", .string(name)), ("nodes", declaration.value("nodes")), ("instance_type", declaration.value("instance_type")),
          ("node_role", nodeRole.map { .string($0.id.name) }),
        ],
        dependencies: [Self.address("eks.cluster", name), nodeRole.map { Self.address("iam.role", $0.id.name) }],
        replace: ["cluster"], origin: declaration)
    }

    /// Routes between every two VPCs attached to the same transit gateway, one per destination.
    mutating func routes() {
      for gateway in topology.declarations(of: "aws.transit_gateway") {
        let attached = topology.declarations(of: "cluster").filter {
          $0.reference("network") == gateway.id && addresses.contains(Self.address("ec2.transit_gateway_attachment", $0.name))
        }
        for source in attached {
          guard let account = source.reference("account") else { continue }
          for destination in attached where destination.id != source.id {
            guard let cidr = destination.string("cidr").flatMap(CIDRBlock.init)?.network.description else { continue }
            add(
              "ec2.route", "\(source.name)/\(cidr)", Placement(account: account.name),
              [
                ("account", .string(account.name)), ("vpc", .string(source.name)), ("destination", .string(cidr)),
                ("transit_gateway", .string(gateway.name)),
              ],
              dependencies: [Self.address("ec2.transit_gateway_attachment", source.name)], replace: ["vpc", "destination"],
              origin: source)
          }
        }
      }
    }

    mutating func clusterAccess(_ declaration: Declaration) {
      guard let cluster = find(declaration.reference("cluster"), "cluster"),
        let account = cluster.reference("account"),
        let role = find(declaration.reference("role"), "aws.role")
      else { return }
      add(
        "eks.access", "\(cluster.name)/\(role.id.name)", Placement(account: account.name, cluster: cluster.name),
        [
          ("cluster", .string(cluster.name)), ("role", .string(role.id.name)), ("mode", declaration.value("mode")),
          ("username", .string(declaration.string("username") ?? role.name)), ("groups", declaration.value("groups")),
        ],
        dependencies: [Self.address("eks.cluster", cluster.name), Self.address("iam.role", role.id.name)],
        replace: ["cluster", "role"], origin: declaration)
    }

    mutating func kubernetes(_ declaration: Declaration) {
      guard let cluster = find(declaration.reference("cluster"), "cluster"), let account = cluster.reference("account") else {
        return
      }
      let placement = Placement(account: account.name, cluster: cluster.name)
      let eks = Self.address("eks.cluster", cluster.name)
      let namespace = declaration.string("namespace") ?? declaration.name
      let namespaceAddress = Self.address("k8s.namespace", "\(cluster.name)/\(namespace)")
      let declaredNamespace = addresses.contains(namespaceAddress) ? namespaceAddress : nil
      switch declaration.kind {
      case "k8s.namespace":
        add(
          "k8s.namespace", "\(cluster.name)/\(declaration.name)", placement,
          [("cluster", .string(cluster.name)), ("namespace", .string(declaration.name))],
          dependencies: [eks], replace: ["cluster", "namespace"], origin: declaration)
      case "k8s.service_account":
        add(
          "k8s.service_account", "\(cluster.name)/\(namespace)/\(declaration.name)", placement,
          [("cluster", .string(cluster.name)), ("namespace", .string(namespace)), ("service_account", .string(declaration.name))],
          dependencies: [eks, declaredNamespace], replace: ["cluster", "namespace", "service_account"], origin: declaration)
      default:
        let serviceAccount = declaration.string("service_account") ?? "default"
        let serviceAccountAddress = Self.address("k8s.service_account", "\(cluster.name)/\(namespace)/\(serviceAccount)")
        add(
          "k8s.pod", "\(cluster.name)/\(namespace)/\(declaration.name)", placement,
          [
            ("cluster", .string(cluster.name)), ("namespace", .string(namespace)), ("service_account", .string(serviceAccount)),
            ("labels", declaration.value("labels")), ("containers", declaration.value("containers")),
          ],
          dependencies: [
            eks, Self.address("eks.nodegroup", "\(cluster.name)/nodegroup"), declaredNamespace,
            addresses.contains(serviceAccountAddress) ? serviceAccountAddress : nil,
          ],
          replace: ["cluster", "namespace"], origin: declaration)
      }
    }
  }
}
