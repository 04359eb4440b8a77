import SteepleEngine
public import SteepleModel

/// The SPIRE family: `mesh` (a trust domain and its SPIRE server), `spire.agents` (one cluster's
/// agents) and `entry` (a registration entry), the rules that prove the server's and the agents'
/// sides agree, and the SPIRE resources they lower to.
///
/// Each fact SPIRE configures on two sides (the k8s_psat cluster name, the service-account allow
/// list, the trust domain) is written once and derived on the other; where it is overridden,
/// `check` proves the two sides agree.
public struct SPIRE: Family {
  public init() {}

  // MARK: - Defaults

  /// The namespace the server and the agents run in when the script names none.
  public static let defaultNamespace = "spire"
  public static let defaultServerServiceAccount = "spire-server"
  public static let defaultAgentServiceAccount = "spire-agent"
  /// The port agents reach the server's API on.
  public static let defaultPort = 8081
  /// The SPIRE version the configuration is written for.
  public static let defaultVersion = "1.15.3"
  /// How agents reach a server in another cluster.
  public static let exposures = ["load_balancer", "node_port", "pod_ip"]
  /// How agents get the bootstrap bundle.
  public static let bundleDeliveries = ["publish", "copy", "external", "insecure"]
  public static let keyTypes = ["ec-p256", "ec-p384", "rsa-2048"]

  // MARK: - Kinds

  public static let mesh = KindSchema(
    kind: "mesh", summary: "a SPIFFE trust domain and its SPIRE server, named by the trust domain",
    form: #"let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }"#,
    nameFormat: .trustDomain,
    fields: [
      FieldSchema(
        "server", .oneOf([.reference(["cluster"]), .shape(server)]), .required,
        "where the SPIRE server runs: { cluster: hub }, with namespace, service_account, role, expose and port, or the cluster alone"),
      FieldSchema(
        "bundle", .choice(bundleDeliveries), .defaultValue(.string("publish")),
        "how agents get the bootstrap bundle: published to a ConfigMap in each agent cluster, copied once, delivered outside, or insecure_bootstrap"),
      FieldSchema("ca_ttl", .duration, .defaultValue(.string("24h")), "how long the server's CA lives (SPIRE's ca_ttl)"),
      FieldSchema("svid_ttl", .duration, .defaultValue(.string("1h")), "the X.509-SVIDs' default lifetime (default_x509_svid_ttl)"),
      FieldSchema("jwt_svid_ttl", .duration, .defaultValue(.string("5m")), "the JWT-SVIDs' default lifetime (default_jwt_svid_ttl)"),
      FieldSchema("key_type", .choice(keyTypes), .defaultValue(.string("ec-p256")), "the CA's key type (ca_key_type)"),
      FieldSchema("version", .string(.string), .defaultValue(.string(defaultVersion)), "the SPIRE version its configuration is written for"),
      FieldSchema(
        "owner", .reference(["account"]), .derived("the server cluster's account"),
        "the account that owns the trust domain; when written it must be the server cluster's"),
    ],
    computed: [
      ComputedMember("id", "the trust domain's SPIFFE ID, spiffe://<name>") { .string("spiffe://\($0.name)") },
      ComputedMember("server_id", "the server's SPIFFE ID, the parent of node entries: spiffe://<name>/spire/server") {
        .string(serverID($0.name))
      },
    ])

  static let server = [
    FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster the server runs in"),
    FieldSchema("namespace", .string(.dnsLabel), .defaultValue(.string(defaultNamespace)), "its namespace"),
    FieldSchema(
      "service_account", .string(.dnsSubdomain), .defaultValue(.string(defaultServerServiceAccount)), "its service account"),
    FieldSchema("role", .reference(["aws.role"]), .optional, "the IAM role its pod acts as; the cluster's node_role when left out"),
    FieldSchema("expose", .choice(exposures), .defaultValue(.string("load_balancer")), "how agents in other clusters reach it"),
    FieldSchema("port", .int(1...65535), .defaultValue(.int(defaultPort)), "the port agents reach it on"),
  ]

  public static let agents = KindSchema(
    kind: "spire.agents", summary: "one cluster's SPIRE agents, one per node, attested by k8s_psat",
    form: #"spire.agents("frontend-k8s-cluster", cluster: edge, mesh: td, service_account: "spire-agent-front", api_role: access)"#,
    nameFormat: .tagName,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster they run in, one agent per node"),
      FieldSchema("mesh", .reference(["mesh"]), .required, "the trust domain they join"),
      FieldSchema("namespace", .string(.dnsLabel), .defaultValue(.string(defaultNamespace)), "their namespace"),
      FieldSchema(
        "service_account", .string(.dnsSubdomain), .defaultValue(.string(defaultAgentServiceAccount)),
        "what the agents run as: the subject of their projected token"),
      FieldSchema(
        "api_role", .reference(["aws.role"]), .optional,
        "the role the server assumes to call this cluster's API (TokenReview, pods, nodes, the bundle ConfigMap); required outside the server's cluster"),
      FieldSchema(
        "allow", .list(.string(.serviceAccountRef)), .derived("[\"<namespace>:<service_account>\"]"),
        "the server's service_account_allow_list for this cluster"),
      FieldSchema(
        "cluster_name", .string(.tagName), .derived("the name", template: "{name}"), "the cluster name the agents say in their k8s_psat attestation"),
      FieldSchema("trust_domain", .string(.trustDomain), .derived("the mesh's name"), "the agents' configured trust domain"),
      FieldSchema("bundle", .choice(bundleDeliveries), .derived("the mesh's bundle"), "how this cluster's agents get the bootstrap bundle"),
    ],
    scope: .account(field: "mesh"),
    function: HostFunction(module: "spire", name: "agents"),
    computed: [
      ComputedMember("agent_id_prefix", "the agents' SPIFFE IDs start so: spiffe://<mesh>/spire/agent/k8s_psat/<cluster_name>") {
        guard let mesh = $0.reference("mesh") else { return nil }
        return .string(agentIDPrefix(trustDomain: mesh.name, clusterName: $0.string("cluster_name") ?? $0.name))
      }
    ])

  public static let entry = KindSchema(
    kind: "entry", summary: "a SPIRE registration entry: which workloads or agents get this SPIFFE ID",
    form: #"entry "spiffe://am-multi-account-mesh/frontend" { parent: alias, selectors: ["k8s:ns:yelb", "k8s:sa:default"] }"#,
    nameFormat: .spiffeID,
    fields: [
      FieldSchema(
        "parent", .oneOf([.reference(["mesh", "entry"]), .string(.spiffeID)]), .required,
        "who may obtain it: a mesh (its server: a node entry), an entry (its ID: a node alias), or a SPIFFE ID"),
      FieldSchema(
        "selectors", .list(.string(.selector)), .required,
        "what a workload (k8s:...) or an agent (k8s_psat:...) must show, every one of them"),
      FieldSchema("ttl", .duration, .optional, "the X.509-SVIDs' lifetime; the mesh's svid_ttl when left out"),
      FieldSchema("jwt_ttl", .duration, .optional, "the JWT-SVIDs' lifetime; the mesh's jwt_svid_ttl when left out"),
      FieldSchema("dns_names", .list(.string(.dnsSubdomain)), .defaultValue(.list([])), "DNS SANs; the first is also the subject's CN"),
      FieldSchema("admin", .bool, .defaultValue(.bool(false)), "whether the SVID may call the server's APIs"),
      FieldSchema("downstream", .bool, .defaultValue(.bool(false)), "whether it is for a downstream SPIRE server"),
      FieldSchema("hint", .string(.string), .optional, "tells apart several SVIDs of one workload"),
    ],
    computed: [
      ComputedMember("trust_domain", "the trust domain of its SPIFFE ID") { trustDomain(of: $0.name).map(ModelValue.string) }
    ])

  public var kinds: [KindSchema] { [Self.mesh, Self.entry, Self.agents] }

  // MARK: - Identities

  /// `spiffe://<td>/spire/server`.
  public static func serverID(_ trustDomain: String) -> String { "spiffe://\(trustDomain)/spire/server" }

  /// `spiffe://<td>/spire/agent/k8s_psat/<cluster name>`.
  public static func agentIDPrefix(trustDomain: String, clusterName: String) -> String {
    "spiffe://\(trustDomain)/spire/agent/k8s_psat/\(clusterName)"
  }

  /// The trust domain of a SPIFFE ID, or `nil` when the text is not one.
  public static func trustDomain(of id: String) -> String? {
    guard id.hasPrefix("spiffe://") else { return nil }
    let domain = id.dropFirst("spiffe://".count).prefix { $0 != "/" }
    return domain.isEmpty ? nil : String(domain)
  }

  /// The path of a SPIFFE ID, with its leading `/` (empty for the trust domain's own ID).
  public static func path(of id: String) -> String {
    guard let domain = trustDomain(of: id) else { return "" }
    return String(id.dropFirst("spiffe://".count + domain.count))
  }

}

extension StringFormat {
  /// A SPIFFE trust domain: lowercase letters, digits, `.`, `-` and `_`, at most 255 bytes.
  public static let trustDomain = StringFormat(
    "trust-domain", title: "trust domain", example: "lowercase letters, digits, '.', '-' and '_', such as am-multi-account-mesh"
  ) { text in
    if text.isEmpty { return "it is empty" }
    if text.utf8.count > 255 { return "it is longer than 255 bytes" }
    if text.hasPrefix("spiffe://") { return "write the trust domain alone, without spiffe://" }
    guard text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) })
    else {
      return text.lowercased() != text ? "a trust domain is lowercase" : "a trust domain has only lowercase letters, digits, '.', '-' and '_'"
    }
    return nil
  }

  /// A selector: `<type>:<value>`, such as `k8s:ns:yelb` or `k8s_psat:cluster:frontend-k8s-cluster`.
  public static let selector = StringFormat(
    "selector", title: "selector", example: "type:value, such as k8s:ns:yelb or k8s_psat:agent_sa:spire-agent"
  ) { text in
    guard let colon = text.firstIndex(of: ":") else { return "write the type, a ':', then the value, such as k8s:ns:yelb" }
    if colon == text.startIndex { return "the type before ':' is empty" }
    if text.index(after: colon) == text.endIndex { return "the value after ':' is empty" }
    return nil
  }

  /// A service account by namespace: `<namespace>:<service account>`, as SPIRE's allow lists write it.
  public static let serviceAccountRef = StringFormat(
    "namespace:service-account", title: "namespace:service-account pair", example: "namespace:service_account, such as spire:spire-agent"
  ) { text in
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return "write the namespace, one ':', then the service account" }
    if let problem = StringFormat.dnsLabel.problem(with: String(parts[0])) { return "the namespace: \(problem)" }
    if let problem = StringFormat.dnsSubdomain.problem(with: String(parts[1])) { return "the service account: \(problem)" }
    return nil
  }
}
