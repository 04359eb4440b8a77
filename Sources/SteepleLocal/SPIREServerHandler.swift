import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.server`: one SPIRE server a trust domain, a StatefulSet's pod `spire-server-0` in its
/// namespace (made with its service account when the script declares neither), and the address
/// agents connect to: the pod's (`pod_ip`), its node's (`node_port`), or an internal load balancer's
/// (`load_balancer`, an address of its own in the cluster's VPC).
enum SPIREServerHandler: ClockedResourceHandler {
  static let type = "spire.server"
  static let pod = "spire-server-0"
  static let container = "spire-server"
  static let exposures = ["load_balancer", "node_port", "pod_ip"]

  static func loadBalancerHolder(_ trustDomain: String) -> String { "nlb:spire-server/\(trustDomain)" }

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    let attributes = Attributes(resource)
    let trustDomain = try SPIRERuntime.trustDomain(try attributes.string("trust_domain")).name
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let namespace = try attributes.optionalString("namespace") ?? "spire"
    let serviceAccount = try attributes.optionalString("service_account") ?? "spire-server"
    let expose = try attributes.optionalString("expose") ?? "load_balancer"
    guard exposures.contains(expose) else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "expose must be one of \(exposures.joined(separator: ", ")), not '\(expose)'", address: resource.address)
    }
    let old = try SPIREServerRuntimeRecord.fetchOne(db, key: trustDomain)
    let made = try SPIRERuntime.ensure(namespace: namespace, serviceAccount: serviceAccount, in: cluster.name, db)
    let key: [String: any DatabaseValueConvertible] = ["cluster": cluster.name, "namespace": namespace, "name": pod]
    if let existing = try PodRecord.fetchOne(db, key: key), existing.serviceAccount != serviceAccount {
      try PodHandler.delete(existing, db)
    }
    if try PodRecord.fetchOne(db, key: key) == nil {
      let incarnation = String(try db.nextIncarnation(of: "pod/\(cluster.name)/\(namespace)/\(pod)"))
      try PodRecord(
        cluster: cluster.name, namespace: namespace, name: pod,
        uid: Identifiers.uuid("pod", cluster.uid, namespace, pod, incarnation), serviceAccount: serviceAccount,
        labels: ["app": "spire-server"], containers: [container], requestedNode: nil, node: "", ip: ""
      ).insert(db)
      try KubernetesObjects.schedulePods(in: cluster, db)
    }
    guard let running = try PodRecord.fetchOne(db, key: key), !running.node.isEmpty else {
      throw ProviderError(
        code: "Pending", message: "the SPIRE server's pod \(namespace)/\(pod) is Pending: \(cluster.name) has no node for it",
        address: resource.address)
    }
    let address: String
    switch expose {
    case "pod_ip": address = running.ip
    case "node_port":
      address = try NodeRecord.fetchOne(db, key: ["cluster": cluster.name, "name": running.node])?.ip ?? running.ip
    default:
      address = try Addresses.allocate(in: try VPCRecord.find(cluster.vpc, in: db)!, holder: loadBalancerHolder(trustDomain), in: db)
    }
    if expose != "load_balancer" { try Addresses.release(in: cluster.vpc, holder: loadBalancerHolder(trustDomain), in: db) }
    try SPIREServerRuntimeRecord(
      trustDomain: trustDomain, cluster: cluster.name, namespace: namespace, serviceAccount: serviceAccount, pod: pod,
      expose: expose, address: address, port: try attributes.int("port", default: 8081), role: try attributes.optionalString("role"),
      svidTTL: try attributes.int("svid_ttl", default: 3600),
      madeNamespace: old?.madeNamespace ?? made.namespace, madeServiceAccount: old?.madeServiceAccount ?? made.serviceAccount,
      stopped: false
    ).save(db)
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    guard let server = try SPIREServerRuntimeRecord.fetchOne(db, key: stored.name) else { return }
    if let cluster = try ClusterRecord.find(server.cluster, in: db) {
      try Addresses.release(in: cluster.vpc, holder: loadBalancerHolder(server.trustDomain), in: db)
    }
    if let running = try PodRecord.fetchOne(db, key: ["cluster": server.cluster, "namespace": server.namespace, "name": server.pod]) {
      try PodHandler.delete(running, db)
    }
    try SPIRERuntime.release(
      namespace: server.namespace, serviceAccount: server.serviceAccount, in: server.cluster,
      made: (server.madeNamespace, server.madeServiceAccount), db)
    try server.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let server = try SPIREServerRuntimeRecord.fetchOne(db, key: stored.name) else { return [] }
    return [
      ModelField("id", .string("spiffe://\(server.trustDomain)/spire/server")),
      ModelField("address", .string("\(server.address):\(server.port)")),
      ModelField("pod", .string("\(server.cluster)/\(server.namespace)/\(server.pod)")),
    ]
  }
}
