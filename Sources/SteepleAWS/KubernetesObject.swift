/// One Kubernetes object of a manifest: its kind, API version, name and namespace, and the rest of
/// its body (`spec`, `data`, `rules`, ...), written in that order.
struct KubernetesObject {
  let apiVersion: String
  let kind: String
  let name: String
  /// `nil` for cluster-scoped kinds.
  let namespace: String?
  var labels: [(String, String)] = []
  var annotations: [(String, String)] = []
  var body: [(String, YAMLNode?)]

  init(
    _ apiVersion: String, _ kind: String, _ name: String, namespace: String?, labels: [(String, String)] = [],
    annotations: [(String, String)] = [], body: [(String, YAMLNode?)] = []
  ) {
    self.apiVersion = apiVersion
    self.kind = kind
    self.name = name
    self.namespace = namespace
    self.labels = labels
    self.annotations = annotations
    self.body = body
  }

  /// How `kubectl get` names it: `kind/namespace/name`, or `kind/name` for a cluster-scoped kind.
  var reference: String { [kind.lowercased(), namespace, name].compactMap { $0 }.joined(separator: "/") }

  var node: YAMLNode {
    let metadata = YAMLNode.object([
      ("name", .string(name)), ("namespace", namespace.map(YAMLNode.string)),
      ("labels", labels.isEmpty ? nil : .object(labels.map { ($0.0, .string($0.1)) })),
      ("annotations", annotations.isEmpty ? nil : .object(annotations.map { ($0.0, .string($0.1)) })),
    ])
    return .object([("apiVersion", .string(apiVersion)), ("kind", .string(kind)), ("metadata", metadata)] + body)
  }

  // MARK: - Kinds the renderer writes

  static func namespace(_ name: String) -> KubernetesObject { KubernetesObject("v1", "Namespace", name, namespace: nil) }

  static func serviceAccount(_ name: String, in namespace: String) -> KubernetesObject {
    KubernetesObject("v1", "ServiceAccount", name, namespace: namespace)
  }

  static func configMap(_ name: String, in namespace: String, data: [(String, String)]) -> KubernetesObject {
    KubernetesObject("v1", "ConfigMap", name, namespace: namespace, body: [("data", .object(data.map { ($0.0, .block($0.1)) }))])
  }

  /// A rule of a Role or ClusterRole.
  static func rule(_ group: String, _ resources: [String], _ verbs: [String], names: [String] = []) -> YAMLNode {
    .object([
      ("apiGroups", .strings([group])), ("resources", .strings(resources)),
      ("resourceNames", names.isEmpty ? nil : .strings(names)), ("verbs", .strings(verbs)),
    ])
  }

  static func clusterRole(_ name: String, rules: [YAMLNode]) -> KubernetesObject {
    KubernetesObject("rbac.authorization.k8s.io/v1", "ClusterRole", name, namespace: nil, body: [("rules", .list(rules))])
  }

  static func role(_ name: String, in namespace: String, rules: [YAMLNode]) -> KubernetesObject {
    KubernetesObject("rbac.authorization.k8s.io/v1", "Role", name, namespace: namespace, body: [("rules", .list(rules))])
  }

  /// A subject of a binding: a service account, or a group (an EKS access entry's Kubernetes group).
  enum Subject {
    case serviceAccount(String, namespace: String)
    case group(String)

    var node: YAMLNode {
      switch self {
      case .serviceAccount(let name, let namespace):
        return .object([("kind", .string("ServiceAccount")), ("name", .string(name)), ("namespace", .string(namespace))])
      case .group(let name):
        return .object([("kind", .string("Group")), ("apiGroup", .string("rbac.authorization.k8s.io")), ("name", .string(name))])
      }
    }
  }

  static func binding(_ name: String, in namespace: String?, role: String, subjects: [Subject]) -> KubernetesObject {
    KubernetesObject(
      "rbac.authorization.k8s.io/v1", namespace == nil ? "ClusterRoleBinding" : "RoleBinding", name, namespace: namespace,
      body: [
        (
          "roleRef",
          .object([
            ("apiGroup", .string("rbac.authorization.k8s.io")), ("kind", .string(namespace == nil ? "ClusterRole" : "Role")),
            ("name", .string(role)),
          ])
        ),
        ("subjects", .list(subjects.map(\.node))),
      ])
  }
}
