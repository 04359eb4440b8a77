public import SteepleModel
import enum SteepleSyntax.Spelling

/// The SPIRE family's rules across declarations: the mesh against its server's cluster, each agent
/// set against the server (allow list, cluster name, trust domain, API access, route), and each
/// entry against the trust domains, agents and workloads the script declares. Each is reported at
/// the field that causes it, with a note at the other side.
extension SPIRE {
  public func check(_ checker: inout TopologyChecker) {
    let index = Index(checker.topology)
    for mesh in checker.topology.declarations(of: "mesh") { checkMesh(mesh, index, &checker) }
    for agents in checker.topology.declarations(of: "spire.agents") { checkAgents(agents, index, &checker) }
    var seen: Set<DeclarationID> = []
    for entry in checker.topology.declarations(of: "entry") where seen.insert(entry.id).inserted { checkEntry(entry, index, &checker) }
  }

  /// What the checks look up: meshes, their servers and agent sets, entries, workloads.
  struct Index {
    let topology: Topology
    let meshes: [String: Declaration]
    let agentSets: [Declaration]
    let entries: [String: Declaration]
    let workloads: [Declaration]
    /// The proxy containers `mesh.service`s inject into each workload.
    let proxies: [DeclarationID: [String]]

    init(_ topology: Topology) {
      self.topology = topology
      var meshes: [String: Declaration] = [:]
      for mesh in topology.declarations(of: "mesh") where meshes[mesh.name] == nil { meshes[mesh.name] = mesh }
      self.meshes = meshes
      agentSets = topology.declarations(of: "spire.agents")
      var entries: [String: Declaration] = [:]
      for entry in topology.declarations(of: "entry") where entries[entry.name] == nil { entries[entry.name] = entry }
      self.entries = entries
      workloads = topology.declarations(of: "k8s.workload")
      proxies = SPIRE.injectedProxies(topology)
    }

    /// The cluster a mesh's server runs in (`server: hub` or `server: { cluster: hub }`).
    func serverCluster(_ mesh: Declaration) -> Declaration? {
      let server = mesh.value("server")
      return topology.referenced(server?.reference == nil ? server?[field: "cluster"] : server)
        .flatMap { $0.kind == "cluster" ? $0 : nil }
    }

    /// The role the server's pod acts as: `server.role`, else its cluster's `node_role`.
    func serverRole(_ mesh: Declaration) -> Declaration? {
      if let role = topology.referenced(mesh.value("server")?[field: "role"]) { return role }
      return serverCluster(mesh).flatMap { topology.referenced($0.value("node_role")) }
    }

    /// The agent sets that join a mesh.
    func agentSets(of mesh: Declaration) -> [Declaration] { agentSets.filter { $0.reference("mesh") == mesh.id } }

    /// The mesh an agent set joins, when declared.
    func mesh(of agents: Declaration) -> Declaration? { topology.referenced(agents.value("mesh")).flatMap { $0.kind == "mesh" ? $0 : nil } }
  }

  // MARK: - mesh

  func checkMesh(_ mesh: Declaration, _ index: Index, _ checker: inout TopologyChecker) {
    checkBundle(mesh, mesh, &checker)
    guard let cluster = index.serverCluster(mesh) else { return }
    if let owner = mesh.reference("owner"), let account = cluster.reference("account"), owner != account {
      checker.error(
        "mesh-owner-mismatch", "the owner of \(checker.describe(mesh)) is \(owner), but its server runs in \(account)",
        detail: "the trust domain's owner is the account of its server's cluster; leave owner out, or write \(account)",
        at: mesh.range(of: "owner"), notes: [checker.note(cluster, "the server's \(checker.describe(cluster)) is in \(account)")])
    }
    let remote = index.agentSets(of: mesh).filter { $0.reference("api_role") != nil && $0.reference("cluster") != cluster.id }
    if let first = remote.first, index.serverRole(mesh) == nil {
      checker.error(
        "server-without-role", "the SPIRE server of \(checker.describe(mesh)) has no IAM role to assume the agents' api_role with",
        detail: "give the server a role (server: { cluster: ..., role: ... }), or give \(checker.describe(cluster)) a node_role",
        at: mesh.range(of: "server"), notes: [.init("spire.agents \(ModelValue.string(first.name)) needs it here", at: first.range(of: "api_role"))])
    }
  }

  // MARK: - spire.agents

  func checkAgents(_ agents: Declaration, _ index: Index, _ checker: inout TopologyChecker) {
    guard let mesh = index.mesh(of: agents) else { return }
    let namespace = agents.string("namespace") ?? Self.defaultNamespace
    let serviceAccount = agents.string("service_account") ?? Self.defaultAgentServiceAccount
    let own = "\(namespace):\(serviceAccount)"
    if let allow = agents[field: "allow"]?.list?.compactMap(\.string), !allow.contains(own) {
      checker.error(
        "agents-not-allowed", "the agents' own service account \(ModelValue.string(own)) is not in the allow list",
        detail: "the server rejects the tokens of service accounts outside service_account_allow_list; add \(ModelValue.string(own)) to allow, or leave allow out",
        at: agents.range(of: "allow"),
        notes: [.init("the agents run as \(ModelValue.string(own))", at: agents.range(of: agents[field: "service_account"] == nil ? "namespace" : "service_account"))],
        suggestion: Spelling.nearest(to: own, in: allow).map { _ in own })
    }
    let siblings = index.agentSets(of: mesh)
    if let clusterName = agents[field: "cluster_name"]?.string, !siblings.contains(where: { $0.name == clusterName }) {
      checker.error(
        "unknown-psat-cluster", "the server's k8s_psat knows no cluster \(ModelValue.string(clusterName))",
        detail: "the server's clusters map has one key per spire.agents of \(checker.describe(mesh)): \(siblings.map { ModelValue.string($0.name).description }.joined(separator: ", ")); leave cluster_name out to use the name",
        at: agents.range(of: "cluster_name"), notes: [checker.note(mesh, "the server of \(checker.describe(mesh)) is declared here")],
        suggestion: Spelling.nearest(to: clusterName, in: siblings.map(\.name)) ?? agents.name)
    }
    if let trustDomain = agents[field: "trust_domain"]?.string, trustDomain != mesh.name {
      checker.error(
        "trust-domain-mismatch", "the agents say trust domain \(ModelValue.string(trustDomain)), but their server's is \(ModelValue.string(mesh.name))",
        detail: "agents and their server must be configured with one trust domain; leave trust_domain out to use the mesh's",
        at: agents.range(of: "trust_domain"), notes: [checker.note(mesh)], suggestion: mesh.name)
    }
    checkBundle(agents, mesh, &checker)
    guard let cluster = checker.topology.referenced(agents.value("cluster")), cluster.kind == "cluster",
      let serverCluster = index.serverCluster(mesh), cluster.id != serverCluster.id
    else { return }
    checkRoute(agents, cluster, serverCluster, &checker)
    guard let roleID = agents.reference("api_role") else {
      checker.error(
        "missing-api-role", "spire.agents \(ModelValue.string(agents.name)) is missing its field 'api_role'",
        detail: "the server runs in \(checker.describe(serverCluster)); to call the TokenReview API of \(checker.describe(cluster)) it assumes a role there: add api_role: aws.role(...) mapped into the cluster with aws.cluster_access",
        at: agents.range, notes: [checker.note(serverCluster, "the server runs in \(checker.describe(serverCluster))")])
      return
    }
    guard let role = checker.topology[roleID] else { return }
    checkAccess(agents, role, cluster, &checker)
    if let serverRole = index.serverRole(mesh) { checkTrust(agents, role, serverRole, &checker) }
  }

  /// `bundle: "copy"` goes stale when the CA rotates; `insecure` trusts whoever answers. Each is
  /// reported where it is written: on the mesh, or on the agents that override it.
  func checkBundle(_ declaration: Declaration, _ mesh: Declaration, _ checker: inout TopologyChecker) {
    guard let delivery = declaration[field: "bundle"]?.string else { return }
    let whose = declaration.kind == "mesh" ? "the agents of \(checker.describe(mesh))" : "the agents of \(ModelValue.string(declaration.name))"
    switch delivery {
    case "copy":
      let ttl = mesh[field: "ca_ttl"]?.description ?? "\"24h\""
      checker.warning(
        "bundle-goes-stale", "\(whose) get a copy of the bundle, which goes stale when the CA rotates (ca_ttl \(ttl))",
        detail: "agents that start after the CA rotated cannot attest with the old bundle; use bundle: \"publish\" to keep a ConfigMap fresh",
        at: declaration.range(of: "bundle"))
    case "insecure":
      checker.warning(
        "insecure-bootstrap", "\(whose) trust the first server they reach (insecure_bootstrap)",
        detail: "anyone on the path can pose as the server; use it in tests only, and bundle: \"publish\" otherwise",
        at: declaration.range(of: "bundle"))
    default: break
    }
  }

  /// Agents in another cluster reach the server through a transit gateway both clusters attach to,
  /// shared with the agents' account.
  func checkRoute(_ agents: Declaration, _ cluster: Declaration, _ serverCluster: Declaration, _ checker: inout TopologyChecker) {
    let topology = checker.topology
    let gateway = topology.referenced(cluster.value("network"))
    let serverGateway = topology.referenced(serverCluster.value("network"))
    var problem: String?
    if serverGateway == nil {
      problem = "\(checker.describe(serverCluster)) is on no transit gateway"
    } else if gateway?.id != serverGateway?.id {
      problem = gateway.map { "\(checker.describe(cluster)) is on \(checker.describe($0)), the server's on \(checker.describe(serverGateway!))" }
        ?? "\(checker.describe(cluster)) is on no transit gateway"
    } else if let gateway, let account = cluster.reference("account"), gateway.reference("owner") != account,
      !Network.receivers(of: gateway, in: topology).contains(account)
    {
      problem = "\(checker.describe(gateway)) is not shared with \(account)"
    }
    guard let problem else { return }
    checker.error(
      "no-route-to-server", "the agents in \(checker.describe(cluster)) have no route to their SPIRE server: \(problem)",
      detail: "attach both clusters to one transit gateway (network: ...) shared with the agents' account, or run the agents in the server's cluster",
      at: agents.range(of: "cluster"), notes: [checker.note(serverCluster, "the server runs in \(checker.describe(serverCluster))")])
  }

  /// `api_role` must be mapped into the agents' cluster, and no more than it needs.
  func checkAccess(_ agents: Declaration, _ role: Declaration, _ cluster: Declaration, _ checker: inout TopologyChecker) {
    let accesses = checker.topology.declarations(of: "aws.cluster_access").filter {
      $0.reference("cluster") == cluster.id && $0.reference("role") == role.id
    }
    guard let access = accesses.first else {
      checker.error(
        "api-role-not-mapped", "\(checker.describe(role)) is not mapped into \(checker.describe(cluster)): TokenReview answers Unauthorized",
        detail: "map it: aws.cluster_access(cluster: ..., role: ...), so the server may review the agents' tokens and read pods and nodes",
        at: agents.range(of: "api_role"), notes: [checker.note(cluster)])
      return
    }
    let groups = access.value("groups")?.list?.compactMap(\.string) ?? []
    if groups.contains("system:masters") {
      checker.warning(
        "api-role-too-broad", "\(checker.describe(role)) is cluster admin in \(checker.describe(cluster)), more than the server needs",
        detail: "the server needs only to create tokenreviews, get pods and nodes, and update its bundle ConfigMap; map it to a group with those rights",
        at: agents.range(of: "api_role"), notes: [.init("system:masters is given here", at: access.range(of: "groups"))])
    }
  }

  /// `api_role` must let the server's role (or its account) assume it.
  func checkTrust(_ agents: Declaration, _ role: Declaration, _ serverRole: Declaration, _ checker: inout TopologyChecker) {
    let account = serverRole.reference("account")
    let trusted = (role.value("trust")?.list ?? []).contains { principal in
      switch principal {
      case .reference(let id): return id == serverRole.id || id == account
      case .string(let text): return text == "role:\(serverRole.id.name)" || account.map { text == "account:\($0.name)" } ?? false
      default: return false
      }
    }
    guard !trusted else { return }
    checker.error(
      "api-role-not-trusted", "\(checker.describe(role)) does not trust the SPIRE server's \(checker.describe(serverRole))",
      detail: "the server assumes api_role from its own role; add that role (or its account) to the api_role's trust",
      at: agents.range(of: "api_role"), notes: [.init("its trust is written here", at: role.range(of: "trust"))])
  }

  // MARK: - entry

  /// The selectors SPIRE's k8s_psat attestor reports for an agent set's agents.
  public static func nodeSelectors(_ agents: Declaration) -> [String] {
    [
      "k8s_psat:cluster:\(agents.string("cluster_name") ?? agents.name)",
      "k8s_psat:agent_ns:\(agents.string("namespace") ?? defaultNamespace)",
      "k8s_psat:agent_sa:\(agents.string("service_account") ?? defaultAgentServiceAccount)",
    ]
  }

  /// The proxy containers the `mesh.service`s in front of each workload inject into its pods.
  public static func injectedProxies(_ topology: Topology) -> [DeclarationID: [String]] {
    var proxies: [DeclarationID: [String]] = [:]
    for service in topology.declarations(of: "mesh.service") {
      guard let workload = service.reference("workload") else { continue }
      let proxy = service.string("proxy") ?? MeshPolicy.defaultProxy
      if !(proxies[workload]?.contains(proxy) ?? false) { proxies[workload, default: []].append(proxy) }
    }
    return proxies
  }

  /// The selectors SPIRE's k8s workload attestor reports for each container of a workload's pods:
  /// the declared containers, then each `injected` proxy not among them.
  public static func containerSelectors(_ workload: Declaration, injected: [String] = []) -> [(container: String, selectors: [String])] {
    let namespace = workload.string("namespace") ?? Kubernetes.defaultNamespace
    let serviceAccount = workload.string("service_account") ?? Kubernetes.defaultServiceAccount
    var pod = ["k8s:ns:\(namespace)", "k8s:sa:\(serviceAccount)", "k8s:pod-name:\(workload.name)"]
    if case .record(let labels)? = workload.value("labels") {
      for label in labels { if let value = label.value.string { pod.append("k8s:pod-label:\(label.name):\(value)") } }
    }
    let declared = workload.value("containers")?.list?.compactMap(\.string) ?? []
    let main = declared.contains(workload.name) ? workload.name : declared.first
    let containers = declared + injected.filter { !declared.contains($0) }
    return containers.map { container in
      var selectors = pod + ["k8s:container-name:\(container)"]
      if container == main, let image = workload.string("image") { selectors.append("k8s:container-image:\(image)") }
      return (container, selectors)
    }
  }

  /// What an entry's parent is.
  enum Parent {
    /// A mesh's server: the entry is a node entry.
    case server(Declaration)
    /// A node entry's ID: the entry's workloads are on the agents it aliases.
    case alias(Declaration)
    /// Agents of one set.
    case agents(Declaration)
  }

  func checkEntry(_ entry: Declaration, _ index: Index, _ checker: inout TopologyChecker) {
    guard StringFormat.spiffeID.problem(with: entry.name) == nil, let trustDomain = Self.trustDomain(of: entry.name) else { return }
    let path = Self.path(of: entry.name)
    if path.isEmpty || path == "/spire" || path.hasPrefix("/spire/") {
      checker.error(
        "reserved-spiffe-id", path.isEmpty ? "an entry's SPIFFE ID needs a path" : "\(ModelValue.string(entry.name)) is under /spire/, which SPIRE keeps for itself",
        detail: "SPIRE refuses entries for the trust domain itself and under /spire (its server and agents); choose another path, such as /ns/<namespace>/sa/<service account>",
        at: entry.nameRange)
      return
    }
    guard let mesh = index.meshes[trustDomain] else {
      let suggestion = Spelling.nearest(to: trustDomain, in: index.meshes.keys.sorted()).map { "spiffe://\($0)\(path)" }
      checker.error(
        "unknown-trust-domain", "\(ModelValue.string(entry.name)) is in trust domain \(ModelValue.string(trustDomain)), which no mesh declares",
        detail: index.meshes.isEmpty ? "declare it: mesh \(ModelValue.string(trustDomain)) { server: { cluster: ... } }"
          : "the declared trust domains are: \(index.meshes.keys.sorted().joined(separator: ", "))",
        at: entry.nameRange, suggestion: suggestion)
      return
    }
    guard let parentValue = entry.value("parent") else { return }
    let parentID: String
    switch parentValue {
    case .reference(let id) where id.kind == "mesh": parentID = Self.serverID(id.name)
    case .reference(let id) where id.kind == "entry": parentID = checker.topology[id]?.name ?? id.name
    case .string(let text) where StringFormat.spiffeID.problem(with: text) == nil: parentID = text
    default: return
    }
    let parentRange = entry.range(of: "parent")
    if let parentDomain = Self.trustDomain(of: parentID), parentDomain != trustDomain {
      checker.error(
        "parent-in-other-trust-domain", "the parent \(ModelValue.string(parentID)) is in trust domain \(ModelValue.string(parentDomain)), the entry in \(ModelValue.string(trustDomain))",
        detail: "an entry's parent is its own trust domain's server or agents: parent: \(trustDomain)'s mesh, or one of its node entries",
        at: parentRange, notes: [checker.note(mesh)])
      return
    }
    guard let parent = resolveParent(parentID, mesh, index) else {
      let candidates = [Self.serverID(mesh.name)] + index.entries.values.filter { isNodeEntry($0) }.map(\.name).sorted()
        + index.agentSets(of: mesh).map { Self.agentIDPrefix(trustDomain: mesh.name, clusterName: $0.string("cluster_name") ?? $0.name) + "/..." }
      checker.error(
        "unknown-parent", "the parent \(ModelValue.string(parentID)) is neither the server, a node entry, nor an agent of \(checker.describe(mesh))",
        detail: "no agent would be authorized to obtain this entry; the parents in this trust domain are: \(candidates.joined(separator: ", "))",
        at: parentRange, suggestion: Spelling.nearest(to: parentID, in: candidates.filter { !$0.hasSuffix("/...") }))
      return
    }
    let selectors = entry.value("selectors")?.list?.compactMap(\.string) ?? []
    let isNode: Bool
    if case .server = parent { isNode = true } else { isNode = false }
    let wrongPrefix = isNode ? "k8s:" : "k8s_psat:"
    if let wrong = selectors.first(where: { $0.hasPrefix(wrongPrefix) }) {
      checker.error(
        isNode ? "workload-selector-on-node-entry" : "node-selector-on-workload-entry",
        isNode ? "a node entry (parent: the server) cannot select workloads with \(ModelValue.string(wrong))"
          : "a workload entry cannot select agents with \(ModelValue.string(wrong))",
        detail: isNode ? "a node entry holds k8s_psat: selectors of agents; for workloads, make the parent a node entry or an agent"
          : "k8s_psat: selectors describe agents: put them in a node entry (parent: the mesh) and make that entry this one's parent",
        at: entry.range(of: "selectors"))
      return
    }
    if isNode {
      checkNodeSelectors(entry, selectors, mesh, index, &checker)
    } else {
      checkWorkloadSelectors(entry, selectors, parent, index, &checker)
    }
  }

  func isNodeEntry(_ entry: Declaration) -> Bool {
    switch entry.value("parent") {
    case .reference(let id)?: return id.kind == "mesh"
    case .string(let text)?: return Self.path(of: text) == "/spire/server"
    default: return false
    }
  }

  func resolveParent(_ id: String, _ mesh: Declaration, _ index: Index) -> Parent? {
    if id == Self.serverID(mesh.name) { return .server(mesh) }
    if let entry = index.entries[id], isNodeEntry(entry) { return .alias(entry) }
    for agents in index.agentSets(of: mesh) {
      let prefix = Self.agentIDPrefix(trustDomain: mesh.name, clusterName: agents.string("cluster_name") ?? agents.name)
      if id.hasPrefix(prefix + "/") { return .agents(agents) }
    }
    return nil
  }

  /// The agent sets whose agents show every one of these `k8s_psat:` selectors.
  func agentSets(matching selectors: [String], in mesh: Declaration, _ index: Index) -> [Declaration] {
    index.agentSets(of: mesh).filter { Set(selectors).isSubset(of: Self.nodeSelectors($0)) }
  }

  func checkNodeSelectors(_ entry: Declaration, _ selectors: [String], _ mesh: Declaration, _ index: Index, _ checker: inout TopologyChecker) {
    guard selectors.allSatisfy({ $0.hasPrefix("k8s_psat:") }), agentSets(matching: selectors, in: mesh, index).isEmpty else { return }
    let sets = index.agentSets(of: mesh)
    let closest = sets.max { a, b in
      Set(selectors).intersection(Self.nodeSelectors(a)).count < Set(selectors).intersection(Self.nodeSelectors(b)).count
    }
    var detail = "no spire.agents of \(checker.describe(mesh)) shows all of them"
    if let closest {
      let extra = selectors.filter { !Self.nodeSelectors(closest).contains($0) }
      detail = "the closest, spire.agents \(ModelValue.string(closest.name)), shows \(Self.nodeSelectors(closest).joined(separator: ", ")), not \(extra.joined(separator: ", "))"
    }
    checker.error(
      "selectors-match-no-agents", "the selectors of node entry \(ModelValue.string(entry.name)) match no agents",
      detail: detail, at: entry.range(of: "selectors"), notes: closest.map { [checker.note($0, "spire.agents \(ModelValue.string($0.name)) is declared here")] } ?? [])
  }

  func checkWorkloadSelectors(
    _ entry: Declaration, _ selectors: [String], _ parent: Parent, _ index: Index, _ checker: inout TopologyChecker
  ) {
    guard !index.workloads.isEmpty, selectors.allSatisfy({ $0.hasPrefix("k8s:") }) else { return }
    var matches: [Declaration] = []
    var closest: (workload: Declaration, container: String, missing: [String])?
    for workload in index.workloads {
      for (container, shown) in Self.containerSelectors(workload, injected: index.proxies[workload.id] ?? []) {
        let missing = selectors.filter { !shown.contains($0) }
        if missing.isEmpty {
          if !matches.contains(where: { $0.id == workload.id }) { matches.append(workload) }
        } else if closest == nil || missing.count < closest!.missing.count {
          closest = (workload, container, missing)
        }
      }
    }
    guard !matches.isEmpty else {
      var detail = "SPIRE issues this ID to no pod: the entry's selectors must all be shown by one container"
      if let closest {
        detail = "the closest, container \(ModelValue.string(closest.container)) of \(checker.describe(closest.workload)), lacks \(closest.missing.joined(separator: ", "))"
      }
      checker.error(
        "selectors-match-no-workload", "the selectors of \(ModelValue.string(entry.name)) match no container of a declared workload",
        detail: detail, at: entry.range(of: "selectors"), notes: closest.map { [checker.note($0.workload)] } ?? [])
      return
    }
    let served: [Declaration]
    switch parent {
    case .server: return
    case .agents(let agents): served = [agents]
    case .alias(let alias):
      guard let mesh = index.meshes[Self.trustDomain(of: alias.name) ?? ""] else { return }
      served = agentSets(matching: alias.value("selectors")?.list?.compactMap(\.string) ?? [], in: mesh, index)
    }
    let clusters = Set(served.compactMap { $0.reference("cluster") })
    guard !clusters.isEmpty, !matches.contains(where: { $0.reference("cluster").map(clusters.contains) ?? false }) else { return }
    let workload = matches[0]
    checker.error(
      "parent-does-not-serve-workload",
      "the workloads of \(ModelValue.string(entry.name)) run in \(workload.reference("cluster")?.description ?? "another cluster"), where its parent's agents do not",
      detail: "its parent's agents run in \(clusters.map(\.description).sorted().joined(separator: ", ")); make the parent the node entry or agents of the workloads' cluster",
      at: entry.range(of: "parent"), notes: [checker.note(workload)])
  }
}
