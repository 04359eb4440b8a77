import SteepleCatalog
import SteepleEngine
import SteepleModel

/// The Kubernetes manifests of every cluster: SPIRE's server and agents with the least RBAC they
/// need, the trust bundle's ConfigMap access, the workloads, and an Envoy beside each mesh workload.
/// Per cluster three files, applied in order: namespaces, SPIRE, workloads.
struct KubernetesRenderer {
  let input: RenderInput
  let stacks: CloudFormationRenderer

  static let folder = "kubernetes"
  /// The SPIRE images, by version.
  static func serverImage(_ version: String) -> String { "ghcr.io/spiffe/spire-server:\(version)" }
  static func agentImage(_ version: String) -> String { "ghcr.io/spiffe/spire-agent:\(version)" }
  /// The agents' health port; they run on the node's network, so not the common 8080.
  static let agentHealthPort = 9982
  /// The ClusterRole that lets a SPIRE server attest agents of a cluster it reaches from outside.
  static let psatRole = "spire-server-psat"
  static let bundleRole = "spire-bundle-publisher"

  /// A cluster's objects, by file.
  struct ClusterObjects {
    var namespaces: [KubernetesObject] = []
    var spire: [KubernetesObject] = []
    var workloads: [KubernetesObject] = []

    mutating func addNamespace(_ name: String) {
      if !namespaces.contains(where: { $0.name == name }) { namespaces.append(.namespace(name)) }
    }
  }

  /// A `{{name}}` placeholder's source.
  enum Placeholder {
    case stack(StackParameter)
    case object(ObjectValue)
  }

  private(set) var objects: [String: ClusterObjects] = [:]
  private(set) var placeholders: [String: Placeholder] = [:]
  private(set) var placements: [ResourceAddress: ResourcePlacement] = [:]
  /// SPIRE configs and Envoy bootstraps, also written as files of their own for reading.
  private(set) var files: [Artifact] = []
  private(set) var notes: [String] = []

  init(input: RenderInput, stacks: CloudFormationRenderer) {
    self.input = input
    self.stacks = stacks
    for cluster in input.all("eks.cluster") { objects[cluster.address.name] = ClusterObjects() }
    for namespace in input.all("k8s.namespace") {
      guard let cluster = namespace.string("cluster"), let name = namespace.string("namespace") else { continue }
      objects[cluster, default: ClusterObjects()].addNamespace(name)
      placements[namespace.address] = .manifest(path: Self.path(cluster, .namespaces), objects: ["namespace/\(name)"])
    }
    for account in input.all("k8s.service_account") {
      guard let cluster = account.string("cluster"), let namespace = account.string("namespace"), let name = account.string("service_account")
      else { continue }
      let object = KubernetesObject.serviceAccount(name, in: namespace)
      objects[cluster, default: ClusterObjects()].workloads.append(object)
      placements[account.address] = .manifest(path: Self.path(cluster, .workloads), objects: [object.reference])
    }
    for server in input.all("spire.server") { renderServer(server) }
    for agents in input.all("spire.agents") { renderAgents(agents) }
    for pod in input.all("k8s.pod") { renderWorkload(pod) }
  }

  enum File: String, CaseIterable {
    case namespaces = "1-namespaces.yaml"
    case spire = "2-spire.yaml"
    case workloads = "3-workloads.yaml"
  }

  static func path(_ cluster: String, _ file: File) -> String { "\(folder)/\(cluster)/\(file.rawValue)" }

  func isRemote(fromServerIn serverCluster: String?) -> (String) -> Bool { { $0 != serverCluster } }

  private mutating func placeholder(_ name: String, _ source: Placeholder) -> String {
    placeholders[name] = source
    return "{{\(name)}}"
  }

  /// A stack output as a placeholder.
  private mutating func stackValue(_ key: String, _ suffix: String) -> String {
    guard let parameter = stacks.output(key, suffix) else { return "" }
    return placeholder(parameter.name, .stack(parameter))
  }

  // MARK: - SPIRE server

  mutating func renderServer(_ server: Resource) {
    guard let cluster = server.string("cluster") else { return }
    let trustDomain = server.string("trust_domain") ?? server.address.name
    let namespace = server.string("namespace") ?? SPIRE.defaultNamespace
    let account = server.string("service_account") ?? "spire-server"
    let version = server.string("version") ?? SPIRE.defaultVersion
    let port = server.int("port") ?? SPIRE.defaultPort
    let remote = isRemote(fromServerIn: cluster)
    let psats = input.all("spire.psat_cluster").filter { $0.string("trust_domain") == trustDomain }
    let remotePSATs = psats.filter { remote($0.string("cluster") ?? "") }
    let path = Self.path(cluster, .spire)
    var spire: [KubernetesObject] = []

    let config = SPIREConfigs.server(server, input: input, isRemote: remote).text
    files.append(Artifact(path: "\(SPIREConfigs.folder)/\(cluster)/server.conf", contents: config))
    let configMap = KubernetesObject.configMap("spire-server", in: namespace, data: [("server.conf", config)])
    spire.append(.serviceAccount(account, in: namespace))
    spire.append(configMap)

    // Kubeconfigs of the clusters reached from outside: `aws eks get-token` as each one's access role.
    var kubeconfigs: [(String, String)] = []
    for psat in remotePSATs {
      let name = psat.string("cluster_name") ?? psat.address.name
      let target = psat.string("cluster") ?? ""
      let clusterKey = StackItems.key("eks.cluster", target)
      let region = input.access(input.account(ofCluster: target) ?? "").region
      var args = ["eks", "get-token", "--cluster-name", EKS.eksName(target), "--region", region]
      if let role = psat.string("api_role") { args += ["--role-arn", stackValue(StackItems.key("iam.role", role), "Arn")] }
      let kubeconfig = YAMLNode.object([
        ("apiVersion", .string("v1")), ("kind", .string("Config")),
        (
          "clusters",
          .list([
            .object([
              ("name", .string(target)),
              (
                "cluster",
                .object([
                  ("server", .string(stackValue(clusterKey, "Endpoint"))),
                  ("certificate-authority-data", .string(stackValue(clusterKey, "CertificateAuthorityData"))),
                ])
              ),
            ])
          ])
        ),
        ("contexts", .list([.object([("name", .string(target)), ("context", .object([("cluster", .string(target)), ("user", .string("spire-server"))]))])])),
        ("current-context", .string(target)),
        (
          "users",
          .list([
            .object([
              ("name", .string("spire-server")),
              (
                "user",
                .object([
                  (
                    "exec",
                    .object([
                      ("apiVersion", .string("client.authentication.k8s.io/v1beta1")), ("command", .string("aws")),
                      ("args", .strings(args)), ("interactiveMode", .string("Never")),
                    ])
                  )
                ])
              ),
            ])
          ])
        ),
      ])
      kubeconfigs.append((name, kubeconfig.text))
    }
    var kubeconfigMap: KubernetesObject?
    if !kubeconfigs.isEmpty {
      let map = KubernetesObject.configMap("spire-kubeconfigs", in: namespace, data: kubeconfigs)
      spire.append(map)
      kubeconfigMap = map
    }

    // In its own cluster the server reviews tokens and publishes the bundle as its service account.
    let localPSATs = psats.filter { !remote($0.string("cluster") ?? "") }
    if !localPSATs.isEmpty {
      let role = KubernetesObject.clusterRole("\(namespace)-spire-server", rules: Self.psatRules)
      spire.append(role)
      spire.append(.binding(role.name, in: nil, role: role.name, subjects: [.serviceAccount(account, namespace: namespace)]))
    }

    let image =
      remotePSATs.isEmpty ? Self.serverImage(version) : "\(stackValue(StackItems.serverImageRepository, "Uri")):\(version)"
    let labels = [("app", "spire-server")]
    let volumes: [YAMLNode] =
      [
        .object([("name", .string("config")), ("configMap", .object([("name", .string("spire-server"))]))]),
        .object([("name", .string("server-socket")), ("emptyDir", .map([]))]),
      ]
      + (kubeconfigMap == nil ? [] : [.object([("name", .string("kubeconfigs")), ("configMap", .object([("name", .string("spire-kubeconfigs"))]))])])
    let mounts: [YAMLNode] =
      [
        Self.mount("config", SPIREConfigs.serverConfigDirectory, readOnly: true), Self.mount("data", SPIREConfigs.serverDataDirectory),
        Self.mount("server-socket", "/tmp/spire-server/private"),
      ] + (kubeconfigMap == nil ? [] : [Self.mount("kubeconfigs", SPIREConfigs.kubeconfigDirectory, readOnly: true)])
    let region = input.access(server.placement.account ?? "").region
    let statefulSet = KubernetesObject(
      "apps/v1", "StatefulSet", "spire-server", namespace: namespace, labels: labels,
      body: [
        (
          "spec",
          .object([
            ("replicas", .int(1)), ("serviceName", .string("spire-server")),
            ("selector", Self.selector(labels)),
            (
              "template",
              Self.podTemplate(
                labels,
                spec: [
                  ("serviceAccountName", .string(account)),
                  (
                    "containers",
                    .list([
                      .object([
                        ("name", .string("spire-server")), ("image", .string(image)),
                        ("args", .strings(["-config", "\(SPIREConfigs.serverConfigDirectory)/server.conf"])),
                        (
                          "env",
                          .list([
                            .object([("name", .string("AWS_REGION")), ("value", .string(region))]),
                            .object([("name", .string("AWS_STS_REGIONAL_ENDPOINTS")), ("value", .string("regional"))]),
                          ])
                        ),
                        (
                          "ports",
                          .list([
                            .object([("name", .string("grpc")), ("containerPort", .int(port)), ("protocol", .string("TCP"))]),
                            .object([("name", .string("health")), ("containerPort", .int(SPIREConfigs.healthPort)), ("protocol", .string("TCP"))]),
                          ])
                        ),
                        ("livenessProbe", Self.probe("/live", port: SPIREConfigs.healthPort)),
                        ("readinessProbe", Self.probe("/ready", port: SPIREConfigs.healthPort)),
                        ("volumeMounts", .list(mounts)),
                      ])
                    ])
                  ),
                  ("volumes", .list(volumes)),
                ])
            ),
            (
              "volumeClaimTemplates",
              .list([
                .object([
                  ("metadata", .object([("name", .string("data"))])),
                  (
                    "spec",
                    .object([
                      ("accessModes", .strings(["ReadWriteOnce"])),
                      ("resources", .object([("requests", .object([("storage", .string("1Gi"))]))])),
                    ])
                  ),
                ])
              ])
            ),
          ])
        )
      ])
    spire.append(statefulSet)
    let service = Self.serverService(server, namespace: namespace, port: port, labels: labels)
    spire.append(service)

    objects[cluster, default: ClusterObjects()].addNamespace(namespace)
    objects[cluster, default: ClusterObjects()].spire.append(contentsOf: spire)
    placements[server.address] = .manifest(
      path: path, objects: [configMap.reference, statefulSet.reference, service.reference] + (kubeconfigMap.map { [$0.reference] } ?? []))
    if let ca = input["spire.ca", trustDomain] { placements[ca.address] = .manifest(path: path, objects: [configMap.reference]) }
    for psat in psats {
      placements[psat.address] = .manifest(path: path, objects: [configMap.reference] + (remote(psat.string("cluster") ?? "") ? [kubeconfigMap?.reference].compactMap { $0 } : []))
    }
  }

  /// What k8s_psat needs in an agent cluster: create TokenReviews, get pods and nodes.
  static let psatRules = [
    KubernetesObject.rule("authentication.k8s.io", ["tokenreviews"], ["create"]),
    KubernetesObject.rule("", ["pods", "nodes"], ["get"]),
  ]

  static func serverService(_ server: Resource, namespace: String, port: Int, labels: [(String, String)]) -> KubernetesObject {
    let expose = server.string("expose") ?? "load_balancer"
    var portNode: [(String, YAMLNode?)] = [
      ("name", .string("grpc")), ("port", .int(port)), ("targetPort", .string("grpc")), ("protocol", .string("TCP")),
    ]
    if expose == "node_port" { portNode.append(("nodePort", .int(nodePort(for: port)))) }
    let type =
      switch expose {
      case "load_balancer": "LoadBalancer"
      case "node_port": "NodePort"
      default: "ClusterIP"
      }
    return KubernetesObject(
      "v1", "Service", "spire-server", namespace: namespace, labels: labels,
      annotations: expose == "load_balancer" ? Self.internalLoadBalancer : [],
      body: [("spec", .object([("type", .string(type)), ("selector", Self.labels(labels)), ("ports", .list([.object(portNode)]))]))])
  }

  /// A node port in Kubernetes's default range, from the server's port.
  static func nodePort(for port: Int) -> Int { 30000 + port % 2768 }

  /// Annotations of a load balancer reached only over the transit gateway.
  static let internalLoadBalancer = [
    ("service.beta.kubernetes.io/aws-load-balancer-internal", "true"),
    ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb"),
  ]

  /// Where agents of `cluster` reach their server: the Service's name in the server's cluster,
  /// else what the server's exposure gives (a load balancer's name, a node's or the pod's address).
  mutating func serverAddress(_ server: Resource, from cluster: String) -> (address: String, port: Int) {
    let serverCluster = server.string("cluster") ?? ""
    let namespace = server.string("namespace") ?? SPIRE.defaultNamespace
    let port = server.int("port") ?? SPIRE.defaultPort
    if cluster == serverCluster { return ("spire-server.\(namespace).svc.cluster.local", port) }
    let name = "SpireServerAddress" + CFN.logicalID(server.string("trust_domain") ?? "")
    switch server.string("expose") ?? "load_balancer" {
    case "node_port":
      let value = ObjectValue(
        name: name, cluster: serverCluster, object: "nodes", jsonPath: #"{.items[0].status.addresses[?(@.type=="InternalIP")].address}"#)
      return (placeholder(name, .object(value)), Self.nodePort(for: port))
    case "pod_ip":
      let value = ObjectValue(name: name, cluster: serverCluster, object: "pod/\(namespace)/spire-server-0", jsonPath: "{.status.podIP}")
      return (placeholder(name, .object(value)), port)
    default:
      let value = ObjectValue(
        name: name, cluster: serverCluster, object: "service/\(namespace)/spire-server", jsonPath: "{.status.loadBalancer.ingress[0].hostname}")
      return (placeholder(name, .object(value)), port)
    }
  }

  // MARK: - SPIRE agents

  mutating func renderAgents(_ agents: Resource) {
    guard let cluster = agents.string("cluster") else { return }
    let trustDomain = agents.string("trust_domain") ?? ""
    guard let server = input.all("spire.server").first(where: { $0.string("trust_domain") == trustDomain }) else { return }
    let namespace = agents.string("namespace") ?? SPIRE.defaultNamespace
    let account = agents.string("service_account") ?? SPIRE.defaultAgentServiceAccount
    let version = server.string("version") ?? SPIRE.defaultVersion
    let setName = String(agents.address.name.split(separator: "/").last ?? "")
    let sets = input.all("spire.agents").filter { $0.string("cluster") == cluster }
    let objectName = sets.count > 1 ? "spire-agent-\(setName)" : "spire-agent"
    let bundle = input["spire.bundle", agents.address.name]
    let path = Self.path(cluster, .spire)
    let (address, port) = serverAddress(server, from: cluster)
    let config = SPIREConfigs.agent(agents, bundle: bundle, serverAddress: address, serverPort: port, healthPort: Self.agentHealthPort).text
    files.append(Artifact(path: "\(SPIREConfigs.folder)/\(cluster)/\(objectName).conf", contents: config))

    var spire: [KubernetesObject] = []
    let serviceAccount = KubernetesObject.serviceAccount(account, in: namespace)
    let configMap = KubernetesObject.configMap(objectName, in: namespace, data: [("agent.conf", config)])
    let role = KubernetesObject.clusterRole(
      "\(namespace)-\(objectName)", rules: [KubernetesObject.rule("", ["pods", "nodes", "nodes/proxy"], ["get"])])
    let binding = KubernetesObject.binding(role.name, in: nil, role: role.name, subjects: [.serviceAccount(account, namespace: namespace)])
    let labels = [("app", objectName)]
    let daemonSet = KubernetesObject(
      "apps/v1", "DaemonSet", objectName, namespace: namespace, labels: labels,
      body: [
        (
          "spec",
          .object([
            ("selector", Self.selector(labels)),
            (
              "template",
              Self.podTemplate(
                labels,
                spec: [
                  ("serviceAccountName", .string(account)), ("hostPID", .bool(true)), ("hostNetwork", .bool(true)),
                  ("dnsPolicy", .string("ClusterFirstWithHostNet")),
                  (
                    "containers",
                    .list([
                      .object([
                        ("name", .string("spire-agent")), ("image", .string(Self.agentImage(version))),
                        ("args", .strings(["-config", "/run/spire/config/agent.conf"])),
                        (
                          "env",
                          .list([
                            .object([
                              ("name", .string("MY_NODE_NAME")),
                              ("valueFrom", .object([("fieldRef", .object([("fieldPath", .string("spec.nodeName"))]))])),
                            ])
                          ])
                        ),
                        ("livenessProbe", Self.probe("/live", port: Self.agentHealthPort)),
                        ("readinessProbe", Self.probe("/ready", port: Self.agentHealthPort)),
                        (
                          "volumeMounts",
                          .list(
                            [
                              Self.mount("config", "/run/spire/config", readOnly: true),
                              Self.mount("token", "/var/run/secrets/tokens", readOnly: true),
                              Self.mount("sockets", SPIREConfigs.agentSocketDirectory), Self.mount("data", "/run/spire/data"),
                            ] + (bundle?.string("delivery") == "insecure" ? [] : [Self.mount("bundle", SPIREConfigs.bundleDirectory, readOnly: true)]))
                        ),
                      ])
                    ])
                  ),
                  (
                    "volumes",
                    .list(
                      [
                        .object([("name", .string("config")), ("configMap", .object([("name", .string(objectName))]))]),
                        .object([
                          ("name", .string("token")),
                          (
                            "projected",
                            .object([
                              (
                                "sources",
                                .list([
                                  .object([
                                    (
                                      "serviceAccountToken",
                                      .object([
                                        ("path", .string("spire-agent")), ("expirationSeconds", .int(7200)),
                                        ("audience", .string("spire-server")),
                                      ])
                                    )
                                  ])
                                ])
                              )
                            ])
                          ),
                        ]),
                        .object([
                          ("name", .string("sockets")),
                          (
                            "hostPath",
                            .object([("path", .string(SPIREConfigs.agentSocketDirectory)), ("type", .string("DirectoryOrCreate"))])
                          ),
                        ]),
                        .object([("name", .string("data")), ("emptyDir", .map([]))]),
                      ]
                        + (bundle?.string("delivery") == "insecure"
                          ? []
                          : [
                            .object([
                              ("name", .string("bundle")),
                              ("configMap", .object([("name", .string(SPIREConfigs.bundleConfigMap))])),
                            ])
                          ]))
                  ),
                ])
            ),
          ])
        )
      ])
    spire += [serviceAccount, role, binding, configMap]

    // The server's identity in this cluster: its access entry's groups when it comes from outside,
    // else its own service account.
    let psat = input.all("spire.psat_cluster").first { $0.string("trust_domain") == trustDomain && $0.string("cluster") == cluster }
    let serverCluster = server.string("cluster")
    var subjects: [KubernetesObject.Subject] = []
    if cluster == serverCluster {
      subjects = [.serviceAccount(server.string("service_account") ?? "spire-server", namespace: server.string("namespace") ?? SPIRE.defaultNamespace)]
    } else if let role = psat?.string("api_role") {
      let access = input.all("eks.access").first { $0.string("cluster") == cluster && $0.string("role") == role }
      subjects = (access?.strings("groups") ?? []).map { .group($0) }
      if subjects.isEmpty {
        notes.append(
          "The access role \(role) has no Kubernetes group in \(cluster) (aws.cluster_access with groups:), so no RBAC binds it: the SPIRE server cannot review tokens there.")
      }
    }
    var psatObjects: [String] = []
    if cluster != serverCluster, !subjects.isEmpty, !spireHas(cluster, Self.psatRole) {
      let psatRole = KubernetesObject.clusterRole(Self.psatRole, rules: Self.psatRules)
      let psatBinding = KubernetesObject.binding(Self.psatRole, in: nil, role: Self.psatRole, subjects: subjects)
      spire += [psatRole, psatBinding]
      psatObjects = [psatRole.reference, psatBinding.reference]
    }
    var bundleObjects: [String] = []
    if let bundle, bundle.string("delivery") == "publish", !subjects.isEmpty {
      // Server-Side Apply by the BundlePublisher creates the ConfigMap, then patches it.
      let bundleRole = KubernetesObject.role(
        Self.bundleRole, in: namespace,
        rules: [
          KubernetesObject.rule("", ["configmaps"], ["get", "patch"], names: [SPIREConfigs.bundleConfigMap]),
          KubernetesObject.rule("", ["configmaps"], ["create"]),
        ])
      let bundleBinding = KubernetesObject.binding(Self.bundleRole, in: namespace, role: Self.bundleRole, subjects: subjects)
      if !spireHas(cluster, Self.bundleRole, namespace: namespace) { spire += [bundleRole, bundleBinding] }
      bundleObjects = [bundleRole.reference, bundleBinding.reference]
      placements[bundle.address] = .manifest(path: path, objects: bundleObjects)
    } else if let bundle {
      placements[bundle.address] = .command(summary: Self.bundleCommand(bundle, server: server))
    }
    spire.append(daemonSet)
    objects[cluster, default: ClusterObjects()].addNamespace(namespace)
    objects[cluster, default: ClusterObjects()].spire.append(contentsOf: spire)
    placements[agents.address] = .manifest(
      path: path, objects: [serviceAccount.reference, role.reference, binding.reference, configMap.reference, daemonSet.reference] + psatObjects)
  }

  func spireHas(_ cluster: String, _ name: String, namespace: String? = nil) -> Bool {
    objects[cluster]?.spire.contains { $0.name == name && $0.namespace == namespace } ?? false
  }

  /// How a bundle that is not published reaches its agents.
  static func bundleCommand(_ bundle: Resource, server: Resource) -> String {
    let namespace = bundle.string("namespace") ?? SPIRE.defaultNamespace
    switch bundle.string("delivery") {
    case "copy":
      return "copy the bundle once: kubectl exec -n \(server.string("namespace") ?? SPIRE.defaultNamespace) spire-server-0 -- /opt/spire/bin/spire-server bundle show, into ConfigMap \(namespace)/\(SPIREConfigs.bundleConfigMap) key \(SPIREConfigs.bundleKey) of \(bundle.string("cluster") ?? "")"
    case "insecure": return "none: the agents bootstrap without a bundle (insecure_bootstrap), for tests only"
    default:
      return "you provide ConfigMap \(namespace)/\(SPIREConfigs.bundleConfigMap) (key \(SPIREConfigs.bundleKey)) in \(bundle.string("cluster") ?? "")"
    }
  }

  // MARK: - Workloads and their proxies

  mutating func renderWorkload(_ pod: Resource) {
    guard let cluster = pod.string("cluster"), let namespace = pod.string("namespace") else { return }
    let name = String(pod.address.name.split(separator: "/").last ?? "")
    let declaration = input.origin(of: pod)
    let labelPairs: [(String, String)] =
      (pod[attribute: "labels"].flatMap { value -> [(String, String)]? in
        guard case .record(let fields) = value else { return nil }
        return fields.compactMap { field in field.value.string.map { (field.name, $0) } }
      } ?? [])
    let labels = labelPairs.isEmpty ? [("app", name)] : labelPairs
    let containers = pod.strings("containers")
    let service = input.all("mesh.service").first { $0.string("cluster") == cluster && $0.string("namespace") == namespace && $0.string("workload") == name }
    let proxy = service?.string("proxy")
    let main = containers.first { $0 != proxy } ?? name
    let image = declaration?.string("image")
    let ports = declaration?.value("ports")?.list?.compactMap(\.int) ?? []
    let replicas = declaration?.value("replicas")?.int ?? 1
    if image == nil {
      notes.append("Workload \(name) in \(cluster) declares no image; its Deployment runs busybox until the script names one (k8s.workload(image: ...)).")
    }
    for extra in containers where extra != main && extra != proxy {
      notes.append("Container \(extra) of \(name) in \(cluster) has no image of its own, so it is not rendered.")
    }
    var podContainers: [YAMLNode] = [
      .object([
        ("name", .string(main)), ("image", .string(image ?? "busybox:1.36")),
        ("ports", ports.isEmpty ? nil : .list(ports.map { .object([("containerPort", .int($0)), ("protocol", .string("TCP"))]) })),
      ])
    ]
    var volumes: [YAMLNode] = []
    var hostAliases: [YAMLNode] = []
    var workloadObjects: [KubernetesObject] = []
    var placementObjects: [String] = []
    if let service, let proxy {
      let serviceName = service.string("service") ?? name
      let envoyName = "\(serviceName)-envoy"
      let upstreams = service.strings("calls").compactMap { call -> EnvoyConfig.Upstream? in
        guard let callee = input["mesh.service", call] else { return nil }
        return upstream(callee, from: cluster)
      }
      let admits = Array(
        Set(
          service.strings("allow")
            + input.all("mesh.allow").filter { $0.string("to") == service.address.name }.compactMap { $0.string("from") })
      ).sorted()
      let bootstrap = EnvoyConfig.bootstrap(service, admits: admits, upstreams: upstreams).text
      files.append(Artifact(path: "\(EnvoyConfig.folder)/\(cluster)/\(serviceName).yaml", contents: bootstrap))
      let configMap = KubernetesObject.configMap(envoyName, in: namespace, data: [("envoy.yaml", bootstrap)])
      workloadObjects.append(configMap)
      podContainers.append(
        .object([
          ("name", .string(proxy)), ("image", .string(EnvoyConfig.image)),
          ("args", .strings(["-c", "/etc/envoy/envoy.yaml"])),
          ("ports", .list([.object([("name", .string("mesh")), ("containerPort", .int(EnvoyConfig.inboundPort)), ("protocol", .string("TCP"))])])),
          (
            "volumeMounts",
            .list([Self.mount("envoy-config", "/etc/envoy", readOnly: true), Self.mount("spire-agent-socket", SPIREConfigs.agentSocketDirectory, readOnly: true)])
          ),
        ]))
      volumes = [
        .object([("name", .string("envoy-config")), ("configMap", .object([("name", .string(envoyName))]))]),
        .object([
          ("name", .string("spire-agent-socket")),
          ("hostPath", .object([("path", .string(SPIREConfigs.agentSocketDirectory)), ("type", .string("Directory"))])),
        ]),
      ]
      // The workload dials its callees by their names; those resolve to its own proxy.
      let callees = upstreams.map { $0.service.string("service") ?? "" }.filter { !$0.isEmpty }
      if !callees.isEmpty { hostAliases = [.object([("ip", .string("127.0.0.1")), ("hostnames", .strings(callees))])] }
      let meshService = Self.meshService(service, name: serviceName, namespace: namespace, labels: labels, crossCluster: hasCallers(service, outside: cluster))
      workloadObjects.append(meshService)
      placementObjects = [configMap.reference, meshService.reference]
    } else if !ports.isEmpty {
      workloadObjects.append(
        KubernetesObject(
          "v1", "Service", name, namespace: namespace,
          body: [
            (
              "spec",
              .object([
                ("selector", Self.labels(labels)),
                ("ports", .list(ports.map { .object([("name", .string("port-\($0)")), ("port", .int($0)), ("targetPort", .int($0))]) })),
              ])
            )
          ]))
    }
    let deployment = KubernetesObject(
      "apps/v1", "Deployment", name, namespace: namespace, labels: labels,
      body: [
        (
          "spec",
          .object([
            ("replicas", .int(replicas)), ("selector", Self.selector(labels)),
            (
              "template",
              Self.podTemplate(
                labels,
                spec: [
                  ("serviceAccountName", .string(pod.string("service_account") ?? Kubernetes.defaultServiceAccount)),
                  ("hostAliases", hostAliases.isEmpty ? nil : .list(hostAliases)), ("containers", .list(podContainers)),
                  ("volumes", volumes.isEmpty ? nil : .list(volumes)),
                ])
            ),
          ])
        )
      ])
    workloadObjects.insert(deployment, at: 0)
    objects[cluster, default: ClusterObjects()].addNamespace(namespace)
    objects[cluster, default: ClusterObjects()].workloads.append(contentsOf: workloadObjects)
    let path = Self.path(cluster, .workloads)
    placements[pod.address] = .manifest(path: path, objects: [deployment.reference])
    if let service { placements[service.address] = .manifest(path: path, objects: placementObjects) }
    for admission in input.all("mesh.allow") where admission.string("to") == service?.address.name {
      placements[admission.address] = .manifest(path: path, objects: placementObjects.prefix(1).map { $0 })
    }
  }

  /// Whether a service is called from another cluster (then its Service is an internal load balancer).
  func hasCallers(_ service: Resource, outside cluster: String) -> Bool {
    input.all("mesh.service").contains { $0.strings("calls").contains(service.address.name) && $0.string("cluster") != cluster }
  }

  /// Where a caller in `cluster` reaches a callee: its Service's DNS name in the same cluster, its
  /// load balancer's name from another.
  mutating func upstream(_ callee: Resource, from cluster: String) -> EnvoyConfig.Upstream {
    let name = callee.string("service") ?? ""
    let namespace = callee.string("namespace") ?? Kubernetes.defaultNamespace
    let port = callee.int("port") ?? 0
    let calleeCluster = callee.string("cluster") ?? ""
    if calleeCluster == cluster { return .init(service: callee, host: "\(name).\(namespace).svc.cluster.local", port: port) }
    let placeholderName = "Service" + CFN.logicalID(StackItems.idWords(ofClusterNamed: calleeCluster), namespace, name) + "Address"
    let value = ObjectValue(
      name: placeholderName, cluster: calleeCluster, object: "service/\(namespace)/\(name)", jsonPath: "{.status.loadBalancer.ingress[0].hostname}")
    return .init(service: callee, host: placeholder(placeholderName, .object(value)), port: port)
  }

  static func meshService(_ service: Resource, name: String, namespace: String, labels: [(String, String)], crossCluster: Bool) -> KubernetesObject {
    let isPublic = service.bool("public") ?? false
    let type = isPublic || crossCluster ? "LoadBalancer" : "ClusterIP"
    return KubernetesObject(
      "v1", "Service", name, namespace: namespace, annotations: !isPublic && crossCluster ? internalLoadBalancer : [],
      body: [
        (
          "spec",
          .object([
            ("type", .string(type)), ("selector", Self.labels(labels)),
            (
              "ports",
              .list([
                .object([
                  ("name", .string("mesh")), ("port", .int(service.int("port") ?? 0)), ("targetPort", .int(EnvoyConfig.inboundPort)),
                  ("protocol", .string("TCP")),
                ])
              ])
            ),
          ])
        )
      ])
  }

  // MARK: - Pieces

  static func labels(_ pairs: [(String, String)]) -> YAMLNode { .object(pairs.map { ($0.0, .string($0.1)) }) }

  /// A controller's (StatefulSet, DaemonSet, Deployment) selector of its pods: those labelled `labels`.
  static func selector(_ labels: [(String, String)]) -> YAMLNode { .object([("matchLabels", Self.labels(labels))]) }

  /// A controller's pod template: pods labelled `labels`, with `spec` as their spec.
  static func podTemplate(_ labels: [(String, String)], spec: [(String, YAMLNode?)]) -> YAMLNode {
    .object([("metadata", .object([("labels", Self.labels(labels))])), ("spec", .object(spec))])
  }

  static func mount(_ name: String, _ path: String, readOnly: Bool = false) -> YAMLNode {
    .object([("name", .string(name)), ("mountPath", .string(path)), ("readOnly", readOnly ? .bool(true) : nil)])
  }

  static func probe(_ path: String, port: Int) -> YAMLNode {
    .object([
      ("httpGet", .object([("path", .string(path)), ("port", .int(port))])), ("initialDelaySeconds", .int(5)),
      ("periodSeconds", .int(10)),
    ])
  }
}
