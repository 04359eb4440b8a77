import SteepleEngine
public import SteepleModel

/// What a trust domain expands into: the SPIRE server and its CA in the server's cluster, one
/// k8s_psat cluster entry in the server's configuration and one agent DaemonSet per agent set, the
/// bootstrap bundle delivered to each agent cluster, and one registration entry per `entry`.
extension SPIRE {
  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `spire.server` | trust domain | trust_domain*, cluster*, namespace*, service_account, role, expose, port, version, svid_ttl, jwt_svid_ttl | `mesh` |
  /// | `spire.ca` | trust domain | trust_domain*, key_type*, ca_ttl | `mesh` |
  /// | `spire.psat_cluster` | `<td>/<cluster_name>` | trust_domain*, cluster_name*, cluster, allow, api_role | `spire.agents` |
  /// | `spire.agents` | `<td>/<name>` | trust_domain*, cluster*, namespace*, service_account, cluster_name, server_cluster, port | `spire.agents` |
  /// | `spire.bundle` | `<td>/<name>` | trust_domain*, cluster*, delivery, namespace | `spire.agents` |
  /// | `spire.entry` | SPIFFE ID | spiffe_id*, parent_id, selectors, x509_svid_ttl, jwt_svid_ttl, dns_names, admin, downstream, hint | `entry` |
  ///
  /// TTLs are seconds, the mesh's when the entry leaves them out. The server waits for its
  /// cluster's nodes; agents for their cluster's nodes, their psat entry and their bundle; an entry
  /// for the server, its CA (the agents sync SVIDs for it at once) and the entry that is its parent.
  public var resourceTypes: [ResourceType] {
    [
      ResourceType(
        "spire.server", replaceOnChange: ["trust_domain", "cluster", "namespace"], durations: .init(create: 60, update: 30, delete: 20)),
      ResourceType("spire.ca", replaceOnChange: ["trust_domain", "key_type"], durations: .init(create: 2, update: 2, delete: 1)),
      ResourceType("spire.psat_cluster", replaceOnChange: ["trust_domain", "cluster_name"], durations: .init(create: 5, update: 5, delete: 5)),
      ResourceType(
        "spire.agents", replaceOnChange: ["trust_domain", "cluster", "namespace"], durations: .init(create: 45, update: 30, delete: 20)),
      ResourceType("spire.bundle", replaceOnChange: ["trust_domain", "cluster"], durations: .init(create: 2, update: 2, delete: 1)),
      ResourceType("spire.entry", replaceOnChange: ["spiffe_id"], durations: .init(create: 1, update: 1, delete: 1)),
    ]
  }

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    let index = Index(lowering.topology)
    switch declaration.kind {
    case "mesh": lowerMesh(declaration, index, &lowering)
    case "spire.agents": lowerAgents(declaration, index, &lowering)
    case "entry": lowerEntry(declaration, index, &lowering)
    default: break
    }
  }

  static func serverPlacement(_ cluster: Declaration, _ lowering: Lowering) -> Placement? {
    cluster.reference("account").map { Placement(account: $0.name, cluster: lowering.clusterName(cluster)) }
  }

  func lowerMesh(_ mesh: Declaration, _ index: Index, _ lowering: inout Lowering) {
    guard let cluster = index.serverCluster(mesh), let placement = Self.serverPlacement(cluster, lowering) else { return }
    let eksCluster = lowering.clusterName(cluster)
    let server = mesh.value("server")
    func serverField(_ name: String) -> ModelValue? { server?[field: name] ?? Self.server.first { $0.name == name }?.defaultValue }
    lowering.add(
      "spire.server", mesh.name, placement,
      [
        ("trust_domain", .string(mesh.name)), ("cluster", .string(eksCluster)), ("namespace", serverField("namespace")),
        ("service_account", serverField("service_account")), ("role", index.serverRole(mesh).map { .string($0.id.name) }),
        ("expose", serverField("expose")), ("port", serverField("port")), ("version", mesh.value("version")),
        ("svid_ttl", Self.seconds(mesh.value("svid_ttl"))), ("jwt_svid_ttl", Self.seconds(mesh.value("jwt_svid_ttl"))),
      ],
      dependencies: [
        Lowering.address("eks.cluster", eksCluster), Lowering.address("eks.nodegroup", "\(eksCluster)/nodegroup"),
      ],
      origin: mesh)
    lowering.add(
      "spire.ca", mesh.name, placement,
      [("trust_domain", .string(mesh.name)), ("key_type", mesh.value("key_type")), ("ca_ttl", Self.seconds(mesh.value("ca_ttl")))],
      dependencies: [Lowering.address("spire.server", mesh.name)], origin: mesh)
  }

  func lowerAgents(_ agents: Declaration, _ index: Index, _ lowering: inout Lowering) {
    guard let mesh = index.mesh(of: agents), let serverCluster = index.serverCluster(mesh),
      let serverPlacement = Self.serverPlacement(serverCluster, lowering), let cluster = lowering.find(agents.reference("cluster"), "cluster"),
      let placement = Self.serverPlacement(cluster, lowering)
    else { return }
    let eksCluster = lowering.clusterName(cluster)
    let namespace = agents.string("namespace") ?? Self.defaultNamespace
    let serviceAccount = agents.string("service_account") ?? Self.defaultAgentServiceAccount
    let clusterName = agents.string("cluster_name") ?? agents.name
    let allow = agents[field: "allow"] ?? .list([.string("\(namespace):\(serviceAccount)")])
    let role = agents.reference("api_role").flatMap { lowering.topology[$0] }
    let psat = "\(mesh.name)/\(clusterName)"
    lowering.add(
      "spire.psat_cluster", psat, serverPlacement,
      [
        ("trust_domain", .string(mesh.name)), ("cluster_name", .string(clusterName)), ("cluster", .string(eksCluster)),
        ("allow", allow), ("api_role", role.map { .string($0.id.name) }),
      ],
      dependencies: [
        Lowering.address("spire.server", mesh.name), role.map { Lowering.address("iam.role", $0.id.name) },
        role.map { Lowering.address("eks.access", "\(eksCluster)/\($0.id.name)") }.flatMap { lowering.contains($0) ? $0 : nil },
      ],
      origin: agents)
    let bundle = "\(mesh.name)/\(agents.name)"
    lowering.add(
      "spire.bundle", bundle, placement,
      [
        ("trust_domain", .string(mesh.name)), ("cluster", .string(eksCluster)),
        ("delivery", agents.value("bundle") ?? mesh.value("bundle")), ("namespace", .string(namespace)),
      ],
      dependencies: [Lowering.address("spire.ca", mesh.name), Lowering.address("eks.cluster", eksCluster)], origin: agents)
    lowering.add(
      "spire.agents", bundle, placement,
      [
        ("trust_domain", .string(agents.string("trust_domain") ?? mesh.name)), ("cluster", .string(eksCluster)),
        ("namespace", .string(namespace)), ("service_account", .string(serviceAccount)), ("cluster_name", .string(clusterName)),
        ("server_cluster", .string(lowering.clusterName(serverCluster))),
        ("port", mesh.value("server")?[field: "port"] ?? .int(Self.defaultPort)),
      ],
      dependencies: [
        Lowering.address("eks.nodegroup", "\(eksCluster)/nodegroup"), Lowering.address("spire.psat_cluster", psat),
        Lowering.address("spire.bundle", bundle),
      ],
      origin: agents)
  }

  /// Agents in another cluster than their server's attest across the network: they wait for the
  /// routes of both VPCs (to each other, through the transit gateway) and for both attachments, as a
  /// real agent cannot reach its server before them. The routes are made in the network family's
  /// `finish`, so the dependencies are added here, after it.
  public func finish(_ lowering: inout Lowering) {
    var vpcOfCluster: [String: String] = [:]
    var routesOfVPC: [String: [ResourceAddress]] = [:]
    for resource in lowering.resources {
      switch resource.address.type {
      case "eks.cluster":
        if let vpc = resource[attribute: "vpc"]?.string { vpcOfCluster[resource.address.name] = vpc }
      case "ec2.route":
        if let vpc = resource[attribute: "vpc"]?.string { routesOfVPC[vpc, default: []].append(resource.address) }
      default: break
      }
    }
    for agents in lowering.resources where agents.address.type == "spire.agents" {
      guard let cluster = agents[attribute: "cluster"]?.string, let server = agents[attribute: "server_cluster"]?.string, cluster != server,
        let agentVPC = vpcOfCluster[cluster], let serverVPC = vpcOfCluster[server], agentVPC != serverVPC
      else { continue }
      var path: [ResourceAddress] = []
      for vpc in [agentVPC, serverVPC] {
        path += routesOfVPC[vpc] ?? []
        let attachment = Lowering.address("ec2.transit_gateway_attachment", vpc)
        if lowering.contains(attachment) { path.append(attachment) }
      }
      lowering.addDependencies(path, to: agents.address)
    }
  }

  func lowerEntry(_ entry: Declaration, _ index: Index, _ lowering: inout Lowering) {
    guard let trustDomain = Self.trustDomain(of: entry.name), let mesh = index.meshes[trustDomain],
      let serverCluster = index.serverCluster(mesh), let placement = Self.serverPlacement(serverCluster, lowering)
    else { return }
    var parentEntry: String?
    let parentID: String?
    switch entry.value("parent") {
    case .reference(let id)? where id.kind == "mesh": parentID = Self.serverID(id.name)
    case .reference(let id)? where id.kind == "entry":
      parentID = lowering.topology[id]?.name
      parentEntry = parentID
    case .string(let text)?:
      parentID = text
      parentEntry = index.entries[text] == nil ? nil : text
    default: parentID = nil
    }
    lowering.add(
      "spire.entry", entry.name, placement,
      [
        ("spiffe_id", .string(entry.name)), ("parent_id", parentID.map(ModelValue.string)), ("selectors", entry.value("selectors")),
        ("x509_svid_ttl", Self.seconds(entry.value("ttl") ?? mesh.value("svid_ttl"))),
        ("jwt_svid_ttl", Self.seconds(entry.value("jwt_ttl") ?? mesh.value("jwt_svid_ttl"))),
        ("dns_names", entry.value("dns_names")), ("admin", entry.value("admin")), ("downstream", entry.value("downstream")),
        ("hint", entry.value("hint")),
      ],
      dependencies: [
        Lowering.address("spire.server", mesh.name), Lowering.address("spire.ca", mesh.name),
        parentEntry.map { Lowering.address("spire.entry", $0) },
      ],
      origin: entry)
  }

  /// A duration as its seconds.
  static func seconds(_ value: ModelValue?) -> ModelValue? { value.flatMap(ModelDuration.seconds).map(ModelValue.int) }
}

extension SPIRE {
  /// What a mesh, an agent set and an entry become, as the lowering above and the providers make them.
  public func expansion(of kind: String) -> [String] {
    switch kind {
    case "mesh":
      return [
        "spire.server <td>: the SPIRE server in the server's cluster (its namespace and service account too, unless declared), at its exposed address and port",
        "spire.ca <td>: the CA of key_type and the JWT signing key, rotated as SPIRE rotates them, keys kept owner-only",
      ]
    case "spire.agents":
      return [
        "spire.psat_cluster <td>/<cluster_name>: the server's k8s_psat entry for this cluster (allow list, the api_role it reviews tokens as) and that role's RBAC in the cluster (create tokenreviews; get pods and nodes)",
        "spire.bundle <td>/<name>: the bootstrap bundle for this cluster's agents (publish: a ConfigMap kept fresh; copy: copied once)",
        "spire.agents <td>/<name>: the agents' namespace and service account (unless declared) and a DaemonSet of one agent per node, each attested by its projected token",
      ]
    case "entry":
      return ["spire.entry <SPIFFE ID>: a registration entry in the server, with revisions, from which the agents issue SVIDs"]
    default:
      return []
    }
  }
}
