import SteepleEngine

/// One mesh service as the rendered manifests run it: its Deployment (named as its workload), the
/// Envoy container beside the workload, and what the Envoy bootstrap gives it (an upstream cluster per
/// callee, a listener admitting the policy's SPIFFE IDs).
struct MeshEndpoint: Hashable, Sendable {
  /// `<trust domain>/<service>`, the `mesh.service` resource's name.
  let name: String
  /// The service's own name (its Kubernetes Service, its callers' upstream cluster suffix).
  let service: String
  let identity: String
  let tls: String
  let port: Int
  let cluster: String
  let namespace: String
  let workload: String
  /// The Envoy container's name.
  let proxy: String
  /// The `mesh.service` names it calls.
  let calls: [String]
  /// The SPIFFE IDs its listener admits, in order.
  let admits: [String]

  init?(_ resource: Resource, allows: [Resource]) {
    guard resource.address.type == "mesh.service", let cluster = resource[attribute: "cluster"]?.string,
      let workload = resource[attribute: "workload"]?.string, let proxy = resource[attribute: "proxy"]?.string
    else { return nil }
    name = resource.address.name
    service = resource[attribute: "service"]?.string ?? String(resource.address.name.split(separator: "/").last ?? "")
    identity = resource[attribute: "identity"]?.string ?? ""
    tls = resource[attribute: "tls"]?.string ?? "strict"
    port = resource[attribute: "port"]?.int ?? 0
    self.cluster = cluster
    namespace = resource[attribute: "namespace"]?.string ?? "default"
    self.workload = String(workload.split(separator: "/").last ?? "")
    self.proxy = proxy
    calls = resource[attribute: "calls"]?.list?.compactMap(\.string) ?? []
    let allowed = (resource[attribute: "allow"]?.list?.compactMap(\.string) ?? [])
      + allows.filter { $0[attribute: "to"]?.string == resource.address.name }.compactMap { $0[attribute: "from"]?.string }
    admits = Array(Set(allowed)).sorted()
  }

  /// The Deployment the workload runs as.
  var deployment: KubernetesObjectName { KubernetesObjectName(kind: "deployment", namespace: namespace, name: workload) }

  /// Whether its proxy has an upstream cluster for `callee`.
  func calls(_ callee: MeshEndpoint) -> Bool { calls.contains(callee.name) }
}
