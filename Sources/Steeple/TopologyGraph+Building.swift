public import SteepleEngine
public import SteepleModel
import SteepleCatalog

extension TopologyGraph {
  /// The picture of a topology and the resources it lowers to (`DesiredState.resources(for:)`).
  ///
  /// The declarations give the boxes and the infrastructure: organizations hold their accounts,
  /// accounts their clusters and the transit gateways they own (with the RAM share, when shared),
  /// clusters their VPC, SPIRE server, agent sets and workloads. Edges: each VPC's attachment to
  /// its gateway, each agent set's k8s_psat attestation to its server (with the role the server
  /// reviews its tokens as), and each SVID an entry issues, from the agents that issue it to the
  /// workloads whose containers its selectors match.
  ///
  /// The mesh's policy: each `mesh.service` resource is drawn on its workload (or on its own in its
  /// cluster) with its port, TLS mode and identity, and an arrow A → B where the catalog's rule
  /// (`MeshPolicy.Policy.refusal(from:to:)`, the one `verify`'s static checks and the lowering use)
  /// lets A reach B, solid when A calls B, dashed when admitted but not called, marked when it
  /// crosses accounts. A call the policy does not admit, and each `verify denied`, is a crossed
  /// arrow that says why. Only services the topology declares have edges: the rule reads
  /// declarations, not resources.
  public init(topology: Topology, resources: [Resource]) {
    var builder = GraphBuilder(topology: topology, resources: resources)
    self = builder.build()
  }
}

/// Builds a `TopologyGraph`, one declaration kind at a time.
private struct GraphBuilder {
  let topology: Topology
  let services: [Service]
  /// The mesh's policy as the script declares it: the one rule for who may reach whom.
  let policy: MeshPolicy.Policy
  let organizations: [DeclarationID: Declaration]

  private var usedIDs: Set<String> = []
  private var nodeIDs: [DeclarationID: String] = [:]
  private var vpcIDs: [DeclarationID: String] = [:]
  private var serviceIDs: [String: String] = [:]
  private var shareIDs: [DeclarationID: String] = [:]
  /// The node public services are reached from; no declared name makes it (theirs have prefixes).
  static let outside = "outside"
  private var edges: [TopologyGraph.Edge] = []

  /// A `mesh.service` resource, as the contract between the mesh's lowering and its readers has it.
  struct Service {
    let resource: Resource
    /// The `mesh.service` declaration it was lowered from, resolved by the policy.
    let declared: MeshPolicy.Policy.Service?
    var name: String { resource.address.name }
    var service: String { string("service") ?? name.split(separator: "/").last.map(String.init) ?? name }
    var identity: String? { string("identity") }
    var cluster: String? { string("cluster") ?? resource.placement.cluster }
    var workloadID: String? {
      guard let cluster, let workload = string("workload") else { return nil }
      return "\(cluster)/\(string("namespace") ?? Kubernetes.defaultNamespace)/\(workload)"
    }
    var tls: String { string("tls") ?? "strict" }
    var calls: [String] { strings("calls") }
    var isPublic: Bool { resource[attribute: "public"]?.bool ?? false }

    func string(_ name: String) -> String? { resource[attribute: name]?.string }
    func strings(_ name: String) -> [String] { resource[attribute: name]?.list?.compactMap(\.string) ?? [] }
  }

  init(topology: Topology, resources: [Resource]) {
    self.topology = topology
    let policy = MeshPolicy.Policy(topology)
    self.policy = policy
    services = resources.filter { $0.address.type == "mesh.service" }.map { resource in
      let declared = resource.origin.flatMap(policy.service) ?? policy.services.first { $0.resourceName == resource.address.name }
      return Service(resource: resource, declared: declared)
    }
    organizations = Accounts.organizations(in: topology)
  }

  mutating func build() -> TopologyGraph {
    var topLevel: [TopologyGraph.Group] = []
    var looseNodes: [TopologyGraph.Node] = []
    var placedOrganizations: Set<DeclarationID> = []
    let accounts = topology.declarations(of: "account")
    for account in accounts {
      if let organization = organizations[account.id] {
        guard placedOrganizations.insert(organization.id).inserted else { continue }
        var group = TopologyGraph.Group(id: identifier("org", organization.name), title: "organization \(organization.name)")
        for member in accounts where organizations[member.id]?.id == organization.id {
          group.groups.append(accountGroup(member))
        }
        topLevel.append(group)
      } else {
        topLevel.append(accountGroup(account))
      }
    }
    // What has no declared home is drawn on its own, so that nothing declared goes missing.
    let accountIDs = Set(accounts.map(\.id))
    for cluster in topology.declarations(of: "cluster") where !(cluster.reference("account").map(accountIDs.contains) ?? false) {
      topLevel.append(clusterGroup(cluster))
    }
    for gateway in topology.declarations(of: "aws.transit_gateway") where nodeIDs[gateway.id] == nil {
      looseNodes += gatewayNodes(gateway)
    }
    for mesh in topology.declarations(of: "mesh") where nodeIDs[mesh.id] == nil {
      looseNodes.append(serverNode(mesh))
    }
    for service in services where serviceIDs[service.name] == nil {
      let id = identifier("service", service.name)
      serviceIDs[service.name] = id
      looseNodes.append(TopologyGraph.Node(id: id, lines: [service.service] + serviceLines(service), shape: .rounded))
    }
    if services.contains(where: \.isPublic) {
      looseNodes.append(TopologyGraph.Node(id: Self.outside, lines: ["outside the mesh"], shape: .circle))
    }

    addNetworkEdges()
    addAttestationEdges()
    addIssuanceEdges()
    addServiceEdges()
    return TopologyGraph(groups: topLevel, nodes: looseNodes, edges: edges)
  }

  // MARK: - Boxes and nodes

  private mutating func accountGroup(_ account: Declaration) -> TopologyGraph.Group {
    var title = "account \(account.name)"
    if let region = account.string("region") { title += " · \(region)" }
    var group = TopologyGraph.Group(id: identifier("account", account.name), title: title)
    for gateway in topology.declarations(of: "aws.transit_gateway") where gateway.reference("owner") == account.id {
      group.nodes += gatewayNodes(gateway)
    }
    for cluster in topology.declarations(of: "cluster") where cluster.reference("account") == account.id {
      group.groups.append(clusterGroup(cluster))
    }
    return group
  }

  private mutating func gatewayNodes(_ gateway: Declaration) -> [TopologyGraph.Node] {
    let id = identifier("tgw", gateway.name)
    nodeIDs[gateway.id] = id
    var nodes = [TopologyGraph.Node(id: id, lines: ["transit gateway \(gateway.name)"], shape: .hexagon)]
    let sharedWith = gateway.value("share_with")?.list?.compactMap(\.reference) ?? []
    if !sharedWith.isEmpty {
      let shareName = gateway.string("share_name") ?? "\(gateway.name)-share"
      let share = identifier("share", gateway.name)
      shareIDs[gateway.id] = share
      let principals = sharedWith.map { $0.kind == "aws.organization" ? "organization \($0.name)" : $0.name }
      nodes.append(
        TopologyGraph.Node(
          id: share, lines: ["RAM share \(shareName)", "with " + principals.joined(separator: ", ")],
          shape: .parallelogram))
    }
    return nodes
  }

  private mutating func clusterGroup(_ cluster: Declaration) -> TopologyGraph.Group {
    var group = TopologyGraph.Group(id: identifier("cluster", cluster.name), title: "cluster \(cluster.name)")
    let vpc = identifier("vpc", cluster.name)
    vpcIDs[cluster.id] = vpc
    group.nodes.append(TopologyGraph.Node(id: vpc, lines: ["VPC " + (cluster.string("cidr") ?? "")], shape: .box))
    for mesh in topology.declarations(of: "mesh") where serverCluster(of: mesh)?.id == cluster.id {
      group.nodes.append(serverNode(mesh))
    }
    for agents in topology.declarations(of: "spire.agents") where agents.reference("cluster") == cluster.id {
      let id = identifier("agents", agents.name)
      nodeIDs[agents.id] = id
      let account = "\(agents.string("namespace") ?? SPIRE.defaultNamespace):\(agents.string("service_account") ?? SPIRE.defaultAgentServiceAccount)"
      group.nodes.append(TopologyGraph.Node(id: id, lines: ["SPIRE agents \(agents.name)", "as \(account)"], shape: .parallelogram))
    }
    for workload in topology.declarations(of: "k8s.workload") where workload.reference("cluster") == cluster.id {
      group.nodes.append(workloadNode(workload))
    }
    for service in services where service.cluster == cluster.name && serviceIDs[service.name] == nil {
      let id = identifier("service", service.name)
      serviceIDs[service.name] = id
      group.nodes.append(TopologyGraph.Node(id: id, lines: [service.service] + serviceLines(service), shape: .rounded))
    }
    return group
  }

  private mutating func serverNode(_ mesh: Declaration) -> TopologyGraph.Node {
    let id = identifier("server", mesh.name)
    nodeIDs[mesh.id] = id
    let server = mesh.value("server")
    let expose = server?[field: "expose"]?.string ?? SPIRE.exposures[0]
    let port = server?[field: "port"]?.int ?? SPIRE.defaultPort
    return TopologyGraph.Node(
      id: id, lines: ["SPIRE server", "trust domain \(mesh.name)", "\(expose.replacing("_", with: " ")) :\(port)"], shape: .cylinder)
  }

  private mutating func workloadNode(_ workload: Declaration) -> TopologyGraph.Node {
    let id = identifier("workload", workload.id.name)
    nodeIDs[workload.id] = id
    var detail = "ns \(workload.string("namespace") ?? Kubernetes.defaultNamespace)"
    if let image = workload.string("image") { detail += " · \(image)" }
    let ports = workload.value("ports")?.list?.compactMap(\.int) ?? []
    if !ports.isEmpty { detail += " · " + ports.map { ":\($0)" }.joined(separator: " ") }
    var lines = [workload.name, detail]
    var shape = TopologyGraph.Shape.box
    for service in services where service.workloadID == workload.id.name && serviceIDs[service.name] == nil {
      serviceIDs[service.name] = id
      lines += serviceLines(service)
      shape = .rounded
    }
    return TopologyGraph.Node(id: id, lines: lines, shape: shape)
  }

  private func serviceLines(_ service: Service) -> [String] {
    var listener = "service \(service.name)"
    if let port = service.resource[attribute: "port"]?.int { listener += " :\(port)" }
    if let proto = service.string("protocol") { listener += " \(proto)" }
    listener += " · tls \(service.tls)"
    return [listener] + (service.identity.map { [$0] } ?? [])
  }

  // MARK: - Edges

  private mutating func addNetworkEdges() {
    for cluster in topology.declarations(of: "cluster") {
      guard let vpc = vpcIDs[cluster.id], let gateway = cluster.reference("network"), let target = nodeIDs[gateway] else { continue }
      edges.append(.init(from: vpc, to: target, label: "attachment", style: .link))
    }
    for gateway in topology.declarations(of: "aws.transit_gateway") {
      guard let from = nodeIDs[gateway.id], let share = shareIDs[gateway.id] else { continue }
      edges.append(.init(from: from, to: share, label: "shared through RAM", style: .dashed))
    }
  }

  private mutating func addAttestationEdges() {
    for agents in topology.declarations(of: "spire.agents") {
      guard let from = nodeIDs[agents.id], let mesh = agents.reference("mesh"), let server = nodeIDs[mesh] else { continue }
      var label = "k8s_psat \(agents.string("cluster_name") ?? agents.name)"
      if let role = topology.referenced(agents.value("api_role")) { label += ", TokenReview as \(role.name)" }
      edges.append(.init(from: from, to: server, label: label, style: .dashed))
    }
  }

  /// An arrow from the agents that issue an entry's SVID to each workload it selects.
  private mutating func addIssuanceEdges() {
    let entries = topology.declarations(of: "entry")
    let agentSets = topology.declarations(of: "spire.agents")
    func isNodeEntry(_ entry: Declaration) -> Bool {
      if case .reference(let id)? = entry.value("parent") { return id.kind == "mesh" }
      return SPIRE.path(of: entry.string("parent") ?? "") == "/spire/server"
    }
    for entry in entries where !isNodeEntry(entry) {
      let parentID: String?
      switch entry.value("parent") {
      case .reference(let id)? where id.kind == "entry": parentID = topology[id]?.name
      case .string(let text)?: parentID = text
      default: parentID = nil
      }
      guard let parentID else { continue }
      var issuers: [Declaration] = []
      if let alias = entries.first(where: { $0.name == parentID && isNodeEntry($0) }) {
        let selectors = Set(alias.value("selectors")?.list?.compactMap(\.string) ?? [])
        issuers = agentSets.filter { selectors.isSubset(of: SPIRE.nodeSelectors($0)) && sameTrustDomain($0, entry) }
      } else {
        issuers = agentSets.filter { agents in
          guard let mesh = agents.reference("mesh") else { return false }
          let prefix = SPIRE.agentIDPrefix(trustDomain: mesh.name, clusterName: agents.string("cluster_name") ?? agents.name)
          return parentID.hasPrefix(prefix + "/")
        }
      }
      let selectors = entry.value("selectors")?.list?.compactMap(\.string) ?? []
      for agents in issuers {
        guard let from = nodeIDs[agents.id] else { continue }
        for workload in topology.declarations(of: "k8s.workload") where workload.reference("cluster") == agents.reference("cluster") {
          let matches = SPIRE.containerSelectors(workload).contains { Set(selectors).isSubset(of: $0.selectors) }
          guard matches, let to = nodeIDs[workload.id] else { continue }
          edges.append(.init(from: from, to: to, label: "SVID \(entry.name)", style: .dashed))
        }
      }
    }
  }

  private func sameTrustDomain(_ agents: Declaration, _ entry: Declaration) -> Bool {
    agents.reference("mesh")?.name == SPIRE.trustDomain(of: entry.name)
  }

  /// Who may call whom, by the contract's rule; calls the policy refuses and `verify denied`
  /// pairs as crossed arrows.
  private mutating func addServiceEdges() {
    guard !services.isEmpty else { return }
    for service in services where service.isPublic {
      guard let to = serviceIDs[service.name] else { continue }
      edges.append(.init(from: Self.outside, to: to, label: "public, plain", style: .call))
    }
    var drawnDenials: Set<[String]> = []
    for caller in services {
      guard let from = serviceIDs[caller.name] else { continue }
      for callee in services where callee.name != caller.name {
        guard let to = serviceIDs[callee.name] else { continue }
        let calls = caller.calls.contains(callee.name)
        switch verdict(from: caller, to: callee) {
        case .undeclared: continue
        case .refused(let reason):
          if calls {
            drawnDenials.insert([caller.name, callee.name])
            edges.append(.init(from: from, to: to, label: "calls it, denied: \(reason)", style: .denied))
          }
          continue
        case .holds: break
        }
        var label = calls ? "calls it" : "admitted, not called"
        if caller.resource.placement.account != callee.resource.placement.account { label += " · cross-account" }
        edges.append(.init(from: from, to: to, label: label, style: calls ? .call : .dashed))
      }
    }
    for check in topology.declarations(of: "verify") where check.name == "denied" {
      guard let caller = service(named: check.value("subject")), let callee = service(named: check.value("peer")),
        let from = serviceIDs[caller.name], let to = serviceIDs[callee.name],
        drawnDenials.insert([caller.name, callee.name]).inserted, case .refused(let reason) = verdict(from: caller, to: callee)
      else { continue }
      edges.append(.init(from: from, to: to, label: "verify denied: \(reason)", style: .denied))
    }
  }

  /// What the policy says of an edge.
  private enum Verdict {
    /// Either end was not declared: no rule applies, no edge is drawn.
    case undeclared
    case holds
    /// The policy's reason.
    case refused(String)
  }

  /// Whether the policy lets `caller` reach `callee`.
  private func verdict(from caller: Service, to callee: Service) -> Verdict {
    guard let a = caller.declared, let b = callee.declared else { return .undeclared }
    return policy.refusal(from: a, to: b).map(Verdict.refused) ?? .holds
  }

  /// The service a check's operand names: a handle of its declaration, its resource name
  /// (`<td>/<name>`), its name, or its workload's name.
  private func service(named operand: ModelValue?) -> Service? {
    switch operand {
    case .reference(let id)?: return services.first { $0.resource.origin == id }
    case .string(let text)?:
      return services.first { $0.name == text } ?? services.first { $0.service == text } ?? services.first { $0.string("workload") == text }
    default: return nil
    }
  }

  // MARK: - Helpers

  private func serverCluster(of mesh: Declaration) -> Declaration? {
    let server = mesh.value("server")
    return topology.referenced(server?.reference == nil ? server?[field: "cluster"] : server).flatMap { $0.kind == "cluster" ? $0 : nil }
  }

  /// `prefix_name` with every character other than ASCII letters and digits as `_`, unique in the
  /// picture (a second one gets `_2`), so both Mermaid and DOT take it as it is.
  private mutating func identifier(_ prefix: String, _ name: String) -> String {
    let base = prefix + "_" + String(name.unicodeScalars.map { $0.isASCIIAlphanumeric ? Character($0) : "_" })
    var candidate = base
    var counter = 2
    while usedIDs.contains(candidate) {
      candidate = "\(base)_\(counter)"
      counter += 1
    }
    usedIDs.insert(candidate)
    return candidate
  }
}
