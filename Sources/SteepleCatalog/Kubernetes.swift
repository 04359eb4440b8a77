import SteepleEngine
public import SteepleModel
import enum SteepleSyntax.Spelling

/// The Kubernetes family: `k8s.namespace`, `k8s.service_account` and `k8s.workload` inside a
/// cluster, the rules of label keys and values, and the `k8s.*` resources.
public struct Kubernetes: Family {
  public init() {}

  // MARK: - Validation data and defaults

  /// Namespaces every cluster has without declaring them.
  public static let builtInNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]
  /// The namespace and the service account an object is in when the script names none.
  public static let defaultNamespace = "default"
  public static let defaultServiceAccount = "default"

  // MARK: - Kinds

  public static let namespace = KindSchema(
    kind: "k8s.namespace", summary: "a Kubernetes namespace in a cluster",
    form: #"k8s.namespace("yelb", in: edge)"#, nameFormat: .dnsLabel,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
      FieldSchema("labels", .record(.string(.labelValue)), .defaultValue(.record([])), "the namespace's labels"),
    ],
    scope: .cluster(field: "cluster", namespace: nil),
    function: HostFunction(module: "k8s", name: "namespace", labelAliases: ["in": "cluster"]))

  public static let serviceAccount = KindSchema(
    kind: "k8s.service_account", summary: "a Kubernetes service account in a namespace",
    form: #"k8s.service_account("spire-agent-front", in: edge, namespace: "spire")"#, nameFormat: .dnsSubdomain,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
      FieldSchema(
        "namespace", .string(.dnsLabel), .defaultValue(.string(defaultNamespace)), "the namespace; declare it with k8s.namespace"),
    ],
    scope: .cluster(field: "cluster", namespace: "namespace"),
    function: HostFunction(module: "k8s", name: "service_account", labelAliases: ["in": "cluster"]))

  public static let workload = KindSchema(
    kind: "k8s.workload", summary: "a pod in a cluster, with labels and containers",
    form: #"k8s.workload("yelb-ui", in: edge, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])"#,
    nameFormat: .dnsSubdomain,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
      FieldSchema(
        "namespace", .string(.dnsLabel), .defaultValue(.string(defaultNamespace)), "the namespace; declare it with k8s.namespace"),
      FieldSchema(
        "service_account", .string(.dnsSubdomain), .defaultValue(.string(defaultServiceAccount)),
        "the service account the pod runs as; declare it with k8s.service_account"),
      FieldSchema("labels", .record(.string(.labelValue)), .defaultValue(.record([])), "the pod's labels"),
      FieldSchema("containers", .list(.string(.dnsLabel)), .required, "the names of the pod's containers"),
      FieldSchema("image", .string(.string), .optional, "the main container's image, such as redis:4.0.2; a k8s:container-image selector"),
      FieldSchema("ports", .list(.int(1...65535)), .defaultValue(.list([])), "the ports the pod listens on"),
      FieldSchema("replicas", .int(1...Int.max), .defaultValue(.int(1)), "how many pods run it"),
    ],
    scope: .cluster(field: "cluster", namespace: "namespace"),
    function: HostFunction(module: "k8s", name: "workload", labelAliases: ["in": "cluster"]))

  public var kinds: [KindSchema] { [Self.namespace, Self.serviceAccount, Self.workload] }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `k8s.namespace` | `<cluster>/<ns>` | cluster*, namespace* | `k8s.namespace(...)` |
  /// | `k8s.service_account` | `<cluster>/<ns>/<sa>` | cluster*, namespace*, service_account* | `k8s.service_account(...)` |
  /// | `k8s.pod` | `<cluster>/<ns>/<pod>` | cluster*, namespace*, service_account, labels, containers | `k8s.workload(...)` |
  public var resourceTypes: [ResourceType] {
    [
      ResourceType("k8s.namespace", replaceOnChange: ["cluster", "namespace"], durations: .init(create: 1, update: 1, delete: 5)),
      ResourceType(
        "k8s.service_account", replaceOnChange: ["cluster", "namespace", "service_account"],
        durations: .init(create: 1, update: 1, delete: 1)),
      ResourceType("k8s.pod", replaceOnChange: ["cluster", "namespace"], durations: .init(create: 10, update: 10, delete: 30)),
    ]
  }

  // MARK: - Checks

  /// Label keys have Kubernetes's form; namespaces and service accounts an object uses are declared.
  public func check(_ checker: inout TopologyChecker) {
    checkLabelKeys(&checker)
    checkNamespaces(&checker)
  }

  func checkLabelKeys(_ checker: inout TopologyChecker) {
    for declaration in checker.topology.declarations where declaration.kind.hasPrefix("k8s.") {
      guard let schema = declaration.schema else { continue }
      for field in declaration.fields {
        guard case .record(let items) = field.value, case .record? = schema.field(field.name)?.type else { continue }
        for item in items {
          guard let problem = Self.labelKeyProblem(item.name) else { continue }
          checker.error(
            "invalid-value", "\(ModelValue.string(item.name)) is not a valid label key: \(problem)",
            detail: "a label key is an optional DNS prefix and '/', then a name such as app", at: declaration.range(of: field.name))
        }
      }
    }
  }

  /// A Kubernetes label key: `[prefix/]name`, the name 1 to 63 characters of letters, digits, '-',
  /// '_', '.', starting and ending with a letter or digit; the prefix a DNS subdomain.
  static func labelKeyProblem(_ key: String) -> String? {
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2 else { return "it has more than one '/'" }
    if parts.count == 2, let problem = StringFormat.dnsSubdomain.problem(with: String(parts[0])) { return "its prefix: \(problem)" }
    let name = String(parts.last!)
    if name.isEmpty { return "the name is empty" }
    return StringFormat.labelValue.problem(with: name)
  }

  func checkNamespaces(_ checker: inout TopologyChecker) {
    let topology = checker.topology
    var namespaces: [String: [String]] = [:]
    var serviceAccounts: Set<String> = []
    for declaration in topology.declarations {
      guard let cluster = declaration.reference("cluster"), cluster.kind == "cluster" else { continue }
      if declaration.kind == "k8s.namespace" { namespaces[cluster.name, default: []].append(declaration.name) }
      if declaration.kind == "k8s.service_account" { serviceAccounts.insert(declaration.id.name) }
    }
    let sharedClusterNames = EKS.sharedClusterNames(in: topology)
    for declaration in topology.declarations where declaration.kind == "k8s.service_account" || declaration.kind == "k8s.workload" {
      guard let cluster = declaration.reference("cluster"), cluster.kind == "cluster", let clusterDeclaration = topology[cluster],
        let namespace = declaration.string("namespace"), StringFormat.dnsLabel.problem(with: namespace) == nil
      else { continue }
      let clusterName = ModelValue.string(sharedClusterNames[cluster] ?? clusterDeclaration.name)
      let declared = namespaces[cluster.name] ?? []
      if !Self.builtInNamespaces.contains(namespace), !declared.contains(namespace) {
        checker.error(
          "undeclared-namespace", "namespace \(ModelValue.string(namespace)) is not declared in cluster \(clusterName)",
          detail: "declare it with k8s.namespace(\(ModelValue.string(namespace)), in: ...)", at: declaration.range(of: "namespace"),
          suggestion: Spelling.nearest(to: namespace, in: declared))
        continue
      }
      guard declaration.kind == "k8s.workload", let account = declaration.string("service_account"), account != Self.defaultServiceAccount
      else { continue }
      if !serviceAccounts.contains("\(cluster.name)/\(namespace)/\(account)") {
        checker.error(
          "undeclared-service-account",
          "service account \(ModelValue.string(account)) is not declared in namespace \(ModelValue.string(namespace)) of cluster \(clusterName)",
          detail: "declare it with k8s.service_account(\(ModelValue.string(account)), in: ..., namespace: \(ModelValue.string(namespace))), or use \"default\"",
          at: declaration.range(of: "service_account"))
      }
    }
  }

  /// `<cluster>/<namespace>/<name>` of a namespaced object such as a workload, its cluster as the
  /// lowering names it (`EKS.sharedClusterNames`).
  public static func path(of object: Declaration, sharedClusterNames: [DeclarationID: String]) -> String {
    guard let cluster = object.reference("cluster"), let shared = sharedClusterNames[cluster], object.id.name.hasPrefix(cluster.name + "/")
    else { return object.id.name }
    return shared + object.id.name.dropFirst(cluster.name.count)
  }

  /// The paths a script may write for a namespaced object: its path, and the one with its
  /// cluster's name alone (which names as many objects as accounts have a cluster of that name).
  public static func writtenPaths(of object: Declaration, in topology: Topology, sharedClusterNames: [DeclarationID: String]) -> [String] {
    let path = path(of: object, sharedClusterNames: sharedClusterNames)
    guard let cluster = object.reference("cluster"), let shared = sharedClusterNames[cluster], let plain = topology[cluster]?.name
    else { return [path] }
    return [path, plain + path.dropFirst(shared.count)]
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    guard let cluster = lowering.find(declaration.reference("cluster"), "cluster"), let account = cluster.reference("account") else {
      return
    }
    let clusterName = lowering.clusterName(cluster)
    let placement = Placement(account: account.name, cluster: clusterName)
    let eks = Lowering.address("eks.cluster", clusterName)
    let namespace = declaration.string("namespace") ?? declaration.name
    let namespaceAddress = Lowering.address("k8s.namespace", "\(clusterName)/\(namespace)")
    let declaredNamespace = lowering.contains(namespaceAddress) ? namespaceAddress : nil
    switch declaration.kind {
    case "k8s.namespace":
      lowering.add(
        "k8s.namespace", "\(clusterName)/\(declaration.name)", placement,
        [("cluster", .string(clusterName)), ("namespace", .string(declaration.name))],
        dependencies: [eks], origin: declaration)
    case "k8s.service_account":
      lowering.add(
        "k8s.service_account", "\(clusterName)/\(namespace)/\(declaration.name)", placement,
        [("cluster", .string(clusterName)), ("namespace", .string(namespace)), ("service_account", .string(declaration.name))],
        dependencies: [eks, declaredNamespace], origin: declaration)
    case "k8s.workload":
      let serviceAccount = declaration.string("service_account") ?? Self.defaultServiceAccount
      let serviceAccountAddress = Lowering.address("k8s.service_account", "\(clusterName)/\(namespace)/\(serviceAccount)")
      lowering.add(
        "k8s.pod", "\(clusterName)/\(namespace)/\(declaration.name)", placement,
        [
          ("cluster", .string(clusterName)), ("namespace", .string(namespace)), ("service_account", .string(serviceAccount)),
          ("labels", declaration.value("labels")), ("containers", declaration.value("containers")),
        ],
        dependencies: [
          eks, Lowering.address("eks.nodegroup", "\(clusterName)/nodegroup"), declaredNamespace,
          lowering.contains(serviceAccountAddress) ? serviceAccountAddress : nil,
        ],
        origin: declaration)
    default: break
    }
  }
}

extension StringFormat {
  /// A Kubernetes label value: at most 63 letters, digits, `-`, `_` or `.`, starting and ending with
  /// a letter or digit, or empty.
  public static let labelValue = StringFormat(
    "label-value", title: "label value", example: "letters, digits, '-', '_' and '.', such as yelb-ui"
  ) { text in
    if text.isEmpty { return nil }
    if text.utf8.count > 63 { return "it is longer than 63 characters" }
    guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last, first.isASCIIAlphanumeric, last.isASCIIAlphanumeric
    else { return "it must start and end with a letter or a digit" }
    return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "-_.".unicodeScalars.contains($0) })
      ? nil : "it may contain only letters, digits, '-', '_' and '.'"
  }
}
