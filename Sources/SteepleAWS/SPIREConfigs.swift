import SteepleCatalog
import SteepleEngine

/// SPIRE 1.15's `server.conf` and `agent.conf` for a trust domain, from its `spire.server`,
/// `spire.ca`, `spire.psat_cluster`, `spire.bundle` and `spire.agents` resources, with the keys of
/// SPIRE 1.15's documentation (`doc/spire_server.md`, `doc/spire_agent.md` and the plugin docs):
/// `service_account_allow_list` (not 0.10's whitelist), `default_x509_svid_ttl` and
/// `default_jwt_svid_ttl` (not `default_svid_ttl`), the BundlePublisher `k8s_configmap` (not the
/// notifier deprecated after 1.15.3), and no `enable_sds` (SDS is always on).
enum SPIREConfigs {
  /// The folder the configs are written to, for reading (the ConfigMaps carry the same text).
  static let folder = "spire"
  /// Paths inside the server's and agents' containers.
  static let serverDataDirectory = "/run/spire/data"
  static let serverSocket = "/tmp/spire-server/private/api.sock"
  static let serverConfigDirectory = "/run/spire/config"
  static let kubeconfigDirectory = "/run/spire/kubeconfigs"
  static let agentSocketDirectory = "/run/spire/agent-sockets"
  static let agentSocket = agentSocketDirectory + "/spire-agent.sock"
  static let bundleDirectory = "/run/spire/bundle"
  static let healthPort = 8080
  /// The bundle ConfigMap the server publishes into each agent cluster, and its key.
  static let bundleConfigMap = "spire-bundle"
  static let bundleKey = "bundle.crt"

  /// A duration in seconds as SPIRE reads one (Go's `time.ParseDuration`): `24h`, `1h`, `5m`, `90s`.
  static func duration(_ seconds: Int) -> String {
    if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
    if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
    return "\(seconds)s"
  }

  /// The kubeconfig file of a k8s_psat cluster the server reaches from outside it.
  static func kubeconfigPath(_ clusterName: String) -> String { "\(kubeconfigDirectory)/\(clusterName)" }

  static func healthChecks(port: Int) -> HCLItem {
    .block(
      ["health_checks"],
      [
        .attribute("listener_enabled", .bool(true)), .attribute("bind_address", .string("0.0.0.0")),
        .attribute("bind_port", .int(port)), .attribute("live_path", .string("/live")), .attribute("ready_path", .string("/ready")),
      ])
  }

  /// The server's configuration. `remote` says whether a cluster is reached by a kubeconfig.
  static func server(_ server: Resource, input: RenderInput, isRemote: (String) -> Bool) -> HCLDocument {
    let trustDomain = server.string("trust_domain") ?? server.address.name
    let ca = input["spire.ca", trustDomain]
    var serverBody: [HCLItem] = [
      .attribute("bind_address", .string("0.0.0.0")), .attribute("bind_port", .int(server.int("port") ?? SPIRE.defaultPort)),
      .attribute("trust_domain", .string(trustDomain)), .attribute("data_dir", .string(serverDataDirectory)),
      .attribute("log_level", .string("INFO")), .attribute("socket_path", .string(serverSocket)),
    ]
    if let keyType = ca?.string("key_type") { serverBody.append(.attribute("ca_key_type", .string(keyType))) }
    if let ttl = ca?.int("ca_ttl") { serverBody.append(.attribute("ca_ttl", .string(duration(ttl)))) }
    if let ttl = server.int("svid_ttl") { serverBody.append(.attribute("default_x509_svid_ttl", .string(duration(ttl)))) }
    if let ttl = server.int("jwt_svid_ttl") { serverBody.append(.attribute("default_jwt_svid_ttl", .string(duration(ttl)))) }

    let psatClusters = input.all("spire.psat_cluster").filter { $0.string("trust_domain") == trustDomain }
    let attestation = HCLValue.map(
      psatClusters.map { psat in
        let name = psat.string("cluster_name") ?? psat.address.name
        let cluster = psat.string("cluster") ?? ""
        return HCLMapEntry(
          name,
          .fields([
            ("service_account_allow_list", .list(psat.strings("allow").map(HCLValue.string))),
            ("kube_config_file", isRemote(cluster) ? .string(kubeconfigPath(name)) : nil),
          ]))
      })
    // Each published bundle goes to its agents' cluster through that cluster's kubeconfig.
    let published = input.all("spire.bundle").filter { $0.string("trust_domain") == trustDomain && $0.string("delivery") == "publish" }
    let publishing = HCLValue.map(
      published.map { bundle in
        let cluster = bundle.string("cluster") ?? ""
        let psat = psatClusters.first { $0.string("cluster") == cluster }
        let kubeconfig = psat.flatMap { isRemote(cluster) ? kubeconfigPath($0.string("cluster_name") ?? "") : nil }
        return HCLMapEntry(
          String(bundle.address.name.split(separator: "/").last ?? ""),
          .fields([
            ("configmap_name", .string(bundleConfigMap)), ("configmap_key", .string(bundleKey)),
            ("namespace", .string(bundle.string("namespace") ?? SPIRE.defaultNamespace)),
            ("kubeconfig_path", kubeconfig.map(HCLValue.string)), ("format", .string("pem")),
          ]))
      })
    var plugins: [HCLItem] = [
      .block(
        ["DataStore", "sql"],
        [
          .block(
            ["plugin_data"],
            [
              .attribute("database_type", .string("sqlite3")),
              .attribute("connection_string", .string("\(serverDataDirectory)/datastore.sqlite3")),
            ])
        ]),
      .block(["KeyManager", "disk"], [.block(["plugin_data"], [.attribute("keys_path", .string("\(serverDataDirectory)/keys.json"))])]),
      .block(["NodeAttestor", "k8s_psat"], [.block(["plugin_data"], [.attribute("clusters", attestation)])]),
    ]
    if !published.isEmpty {
      plugins.append(.block(["BundlePublisher", "k8s_configmap"], [.block(["plugin_data"], [.attribute("clusters", publishing)])]))
    }
    return HCLDocument([.block(["server"], serverBody), .block(["plugins"], plugins), healthChecks(port: healthPort)])
  }

  /// An agent set's configuration; `serverAddress` may be a `{{placeholder}}` the driver fills.
  static func agent(_ agents: Resource, bundle: Resource?, serverAddress: String, serverPort: Int, healthPort: Int) -> HCLDocument {
    let insecure = bundle?.string("delivery") == "insecure"
    var body: [HCLItem] = [
      .attribute("data_dir", .string("/run/spire/data")), .attribute("log_level", .string("INFO")),
      .attribute("server_address", .string(serverAddress)), .attribute("server_port", .int(serverPort)),
      .attribute("socket_path", .string(agentSocket)), .attribute("trust_domain", .string(agents.string("trust_domain") ?? "")),
    ]
    body.append(insecure ? .attribute("insecure_bootstrap", .bool(true)) : .attribute("trust_bundle_path", .string("\(bundleDirectory)/\(bundleKey)")))
    return HCLDocument([
      .block(["agent"], body),
      .block(
        ["plugins"],
        [
          .block(["KeyManager", "memory"], [.block(["plugin_data"], [])]),
          .block(
            ["NodeAttestor", "k8s_psat"],
            [.block(["plugin_data"], [.attribute("cluster", .string(agents.string("cluster_name") ?? agents.address.name))])]),
          .block(
            ["WorkloadAttestor", "k8s"],
            [
              .block(
                ["plugin_data"],
                [
                  // EKS kubelets serve certificates the API server's CA does not sign, as the SPIRE chart assumes.
                  .attribute("skip_kubelet_verification", .bool(true)), .attribute("node_name_env", .string("MY_NODE_NAME")),
                ])
            ]),
        ]),
      healthChecks(port: healthPort),
    ])
  }
}
