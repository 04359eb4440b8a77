import SteepleEngine
public import SteepleModel

/// The mesh's policy: `mesh.service` (a workload's listener, the SVID its proxy presents, who it
/// admits and what it calls) and `mesh.allow` (a caller admitted to a service declared elsewhere),
/// the rules that prove the policy can hold, and the `mesh.service` / `mesh.allow` resources they
/// lower to.
///
/// The words are provider-neutral (AWS App Mesh was discontinued): what Envoy fed by SPIRE's SDS
/// expresses, and what the local data plane enforces. A service is known by `<trust domain>/<name>`,
/// the trust domain of its identity.
public struct MeshPolicy: Family {
  public init() {}

  // MARK: - Defaults

  public static let protocols = ["http", "tcp", "grpc"]
  /// `strict`: a client certificate chained to the trust domain is required; `permissive`: plain
  /// text is accepted too; `none`: plain only.
  public static let tlsModes = ["strict", "permissive", "none"]
  /// The injected proxy container, which fetches the SVID and which entries select.
  public static let defaultProxy = "envoy"

  // MARK: - Kinds

  public static let service = KindSchema(
    kind: "mesh.service", summary: "a workload's listener in the mesh: the SVID its proxy presents, who it admits, what it calls",
    form: #"mesh.service("yelb-appserver", workload: app, identity: app_id, port: 4567, allow: [ui_id], calls: [db])"#,
    nameFormat: .dnsLabel,
    fields: [
      FieldSchema("workload", .reference(["k8s.workload"]), .required, "the pods behind it"),
      FieldSchema(
        "identity", .oneOf([.reference(["entry"]), .string(.spiffeID)]), .required,
        "the SVID its proxy presents: an entry, or a SPIFFE ID (the SDS secret name)"),
      FieldSchema("port", .int(1...65535), .required, "the listener's port, one of the workload's ports"),
      FieldSchema("protocol", .choice(protocols), .defaultValue(.string("http")), "what the listener carries"),
      FieldSchema(
        "tls", .choice(tlsModes), .defaultValue(.string("strict")),
        "strict: a client certificate chained to the trust domain's bundle is required; permissive: plain text too; none: plain only"),
      FieldSchema(
        "allow", .list(.oneOf([.reference(["entry", "mesh.service"]), .string(.spiffeID)])), .defaultValue(.list([])),
        "the callers admitted, as exact URI SAN matchers: entries, services (their identity) or SPIFFE IDs; every mesh.allow naming this service adds one"),
      FieldSchema(
        "calls", .list(.reference(["mesh.service"])), .defaultValue(.list([])),
        "its backends: an upstream presenting this service's SVID and accepting only the backend's identity"),
      FieldSchema("public", .bool, .defaultValue(.bool(false)), "reachable from outside the mesh, plain, through a load balancer"),
      FieldSchema("proxy", .string(.dnsLabel), .defaultValue(.string(defaultProxy)), "the injected proxy container, which entries select"),
    ],
    function: HostFunction(module: "mesh", name: "service"),
    computed: [
      ComputedMember("identity_id", "the SPIFFE ID its proxy presents") { identityID($0.value("identity")).map(ModelValue.string) }
    ])

  public static let allow = KindSchema(
    kind: "mesh.allow", summary: "admits a caller to a service declared elsewhere",
    form: #"mesh.allow(to: app, from: tracker, reason: "the tracker reads votes")"#,
    fields: [
      FieldSchema("to", .reference(["mesh.service"]), .required, "the service whose listener admits the caller"),
      FieldSchema(
        "from", .oneOf([.reference(["entry", "mesh.service"]), .string(.spiffeID)]), .required,
        "the caller: an entry, a service (its identity) or a SPIFFE ID"),
      FieldSchema("reason", .string(.string), .optional, "why it is admitted, shown in plans"),
    ],
    scope: .derived(fields: ["to", "from"]),
    function: HostFunction(module: "mesh", name: "allow", takesName: false))

  public var kinds: [KindSchema] { [Self.service, Self.allow] }

  // MARK: - Identities

  /// The SPIFFE ID an `identity`, `allow` item or `from` names when it is an entry or an ID; a
  /// service's needs the topology (`Policy.id(of:)`).
  static func identityID(_ value: ModelValue?) -> String? {
    switch value {
    case .reference(let id)? where id.kind == "entry": return id.name
    case .string(let text)? where StringFormat.spiffeID.problem(with: text) == nil: return text
    default: return nil
    }
  }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `mesh.service` | `<td>/<service>` | trust_domain*, service*, identity, cluster, namespace, workload, port, protocol, tls, allow, calls, public, proxy | `mesh.service(...)` |
  /// | `mesh.allow` | `<td>/<to service> <- <from SPIFFE ID>` | trust_domain*, to*, from*, reason | `mesh.allow(...)` |
  ///
  /// A service depends on its workload's pod and, when one is lowered, the `spire.entry` of its
  /// identity; an admission on the service it admits to.
  public var resourceTypes: [ResourceType] {
    [
      ResourceType("mesh.service", replaceOnChange: ["trust_domain", "service"], durations: .init(create: 2, update: 2, delete: 2)),
      ResourceType("mesh.allow", replaceOnChange: ["trust_domain", "to", "from"], durations: .init(create: 1, update: 1, delete: 1)),
    ]
  }

  /// What a service and an admission become: the policy record each proxy enforces.
  public func expansion(of kind: String) -> [String] {
    switch kind {
    case "mesh.service":
      return [
        "mesh.service <td>/<name>: its proxy's policy (listener port and TLS mode, admitted SPIFFE IDs, upstreams for calls); the local provider serves it as a TLS 1.3 listener on loopback when verify or steeple serve runs"
      ]
    case "mesh.allow": return ["mesh.allow <td>/<to> <- <from ID>: one more SPIFFE ID the service's listener admits"]
    default: return []
    }
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {}

  /// Services and admissions are lowered once every other declaration is, so a service finds its
  /// workload's pod and its identity's entry wherever they were declared.
  public func finish(_ lowering: inout Lowering) {
    let policy = Policy(lowering.topology)
    for service in policy.services { lowerService(service, policy, &lowering) }
    for admission in policy.admissions { lowerAdmission(admission, policy, &lowering) }
  }

  func lowerService(_ service: Policy.Service, _ policy: Policy, _ lowering: inout Lowering) {
    guard let trustDomain = service.trustDomain, let workload = service.workload,
      let cluster = lowering.find(workload.reference("cluster"), "cluster"), let account = cluster.reference("account")
    else { return }
    let namespace = workload.string("namespace") ?? Kubernetes.defaultNamespace
    let clusterName = lowering.clusterName(cluster)
    let pod = Lowering.address("k8s.pod", "\(clusterName)/\(namespace)/\(workload.name)")
    let entry = Lowering.address("spire.entry", service.identity ?? "")
    let declaration = service.declaration
    lowering.add(
      "mesh.service", service.resourceName ?? "", Placement(account: account.name, cluster: clusterName),
      [
        ("trust_domain", .string(trustDomain)), ("service", .string(declaration.name)), ("identity", service.identity.map(ModelValue.string)),
        ("cluster", .string(clusterName)), ("namespace", .string(namespace)), ("workload", .string(workload.name)),
        ("port", declaration.value("port")), ("protocol", declaration.value("protocol")), ("tls", .string(service.tls)),
        ("allow", .list(service.allow.map { .string($0.id) })),
        ("calls", .list(service.calls.compactMap { policy.service($0)?.resourceName.map(ModelValue.string) })),
        ("public", declaration.value("public")), ("proxy", .string(service.proxy)),
      ],
      dependencies: [lowering.contains(pod) ? pod : nil, lowering.contains(entry) ? entry : nil], origin: declaration)
  }

  func lowerAdmission(_ admission: Policy.Admission, _ policy: Policy, _ lowering: inout Lowering) {
    guard let declaration = admission.declaration, let to = policy.service(admission.to), let toName = to.resourceName,
      let trustDomain = to.trustDomain
    else { return }
    let service = Lowering.address("mesh.service", toName)
    lowering.add(
      "mesh.allow", Policy.admissionName(to: toName, from: admission.from), lowering.resources.first { $0.address == service }?.placement ?? Placement(),
      [
        ("trust_domain", .string(trustDomain)), ("to", .string(toName)), ("from", .string(admission.from)),
        ("reason", declaration.value("reason")),
      ],
      dependencies: [lowering.contains(service) ? service : nil], origin: declaration)
  }
}
