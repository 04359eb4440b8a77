import Foundation
import GRDB
import SteepleEngine

/// One SPIRE agent: the pod the agents' DaemonSet runs on one node of its cluster.
public struct AgentPod: Sendable, Hashable {
  /// The cluster's EKS name.
  public let cluster: String
  /// The agents' namespace.
  public let namespace: String
  /// The pod's name, `<daemonset>-<5 characters>` as a DaemonSet names its pods.
  public let name: String
  /// The service account the pod runs as: the subject of its projected token.
  public let serviceAccount: String
  /// The node it runs on, and that node's UID and private address.
  public let node: String
  public let nodeUID: String
  public let nodeIP: String
  /// The cluster's VPC, where the agent's packets start.
  public let vpc: String
}

/// A SPIRE agents' DaemonSet: one pod on every node of the cluster, no more and no fewer, placed on
/// its node (the pods of nodes that are gone are deleted; new nodes get one).
enum AgentDaemonSet {
  /// The agents' container.
  static let container = "spire-agent"
  /// The DaemonSet's name where a script applies it.
  static let daemonSetName = "spire-agent"

  /// Brings the DaemonSet `name` to one pod a node, running as `serviceAccount`, and returns them by node.
  static func reconcile(cluster clusterName: String, namespace: String, name: String, serviceAccount: String, in db: Database)
    throws -> [AgentPod]
  {
    let cluster = try ClusterRecord.named(clusterName, in: db)
    _ = try KubernetesObjects.namespace(namespace, in: cluster.name, db)
    try KubernetesObjects.requireServiceAccount(serviceAccount, namespace: namespace, cluster: cluster.name, pod: "\(name)-", db)
    let nodes = try NodeRecord.filter(Column("cluster") == cluster.name).order(Column("ordinal")).fetchAll(db)
    var existing = try pods(of: name, cluster: cluster.name, namespace: namespace, db)
    for pod in existing where !nodes.contains(where: { podName(name, on: $0, of: cluster) == pod.name }) || pod.serviceAccount != serviceAccount {
      try PodHandler.delete(pod, db)
    }
    existing = try pods(of: name, cluster: cluster.name, namespace: namespace, db)
    for node in nodes where !existing.contains(where: { $0.name == podName(name, on: node, of: cluster) }) {
      let pod = podName(name, on: node, of: cluster)
      let incarnation = String(try db.nextIncarnation(of: "pod/\(cluster.name)/\(namespace)/\(pod)"))
      try PodRecord(
        cluster: cluster.name, namespace: namespace, name: pod,
        uid: Identifiers.uuid("pod", cluster.uid, namespace, pod, incarnation), serviceAccount: serviceAccount,
        labels: ["app": name], containers: [container], requestedNode: node.name, node: "", ip: ""
      ).insert(db)
    }
    try KubernetesObjects.schedulePods(in: cluster, db)
    return try agents(of: name, cluster: cluster, namespace: namespace, db)
  }

  /// Deletes the DaemonSet's pods.
  static func remove(cluster: String, namespace: String, name: String, in db: Database) throws {
    for pod in try pods(of: name, cluster: cluster, namespace: namespace, db) { try PodHandler.delete(pod, db) }
  }

  /// The DaemonSet's pods that run, with their nodes.
  static func agents(of name: String, cluster: ClusterRecord, namespace: String, _ db: Database) throws -> [AgentPod] {
    let nodes = Dictionary(
      uniqueKeysWithValues: try NodeRecord.filter(Column("cluster") == cluster.name).fetchAll(db).map { ($0.name, $0) })
    return try pods(of: name, cluster: cluster.name, namespace: namespace, db).compactMap { pod in
      guard let node = nodes[pod.node] else { return nil }
      return AgentPod(
        cluster: cluster.name, namespace: namespace, name: pod.name, serviceAccount: pod.serviceAccount, node: node.name,
        nodeUID: node.uid, nodeIP: node.ip, vpc: cluster.vpc)
    }.sorted { $0.node < $1.node }
  }

  static func pods(of name: String, cluster: String, namespace: String, _ db: Database) throws -> [PodRecord] {
    try PodRecord.filter(Column("cluster") == cluster && Column("namespace") == namespace).fetchAll(db).filter {
      $0.labels["app"] == name && $0.containers == [container] && $0.requestedNode != nil
    }
  }

  /// The pod's name on `node`: the DaemonSet's name and five characters derived from the node.
  static func podName(_ name: String, on node: NodeRecord, of cluster: ClusterRecord) -> String {
    "\(name)-" + Identifiers.hex("daemonset-pod", cluster.uid, name, node.uid, count: 5)
  }
}

extension LocalCloud {
  /// The audience of the agents' projected tokens, as SPIRE's `k8s_psat` expects it.
  public static let agentTokenAudience = "spire-server"

  /// Runs the SPIRE agents' DaemonSet `name` in `namespace` of `cluster` as `serviceAccount` (both must
  /// exist): one agent pod on every node. Idempotent; after the node group changed, it brings the pods
  /// back to one a node.
  @discardableResult
  public func runAgents(cluster: String, namespace: String, serviceAccount: String, name: String = "spire-agent") throws
    -> [AgentPod]
  {
    try write { db in
      try AgentDaemonSet.reconcile(cluster: cluster, namespace: namespace, name: name, serviceAccount: serviceAccount, in: db)
    }
  }

  /// The agents of the DaemonSet `name` that run now, by node.
  public func agents(cluster: String, namespace: String, name: String = "spire-agent") throws -> [AgentPod] {
    try read { db in
      try AgentDaemonSet.agents(of: name, cluster: try ClusterRecord.named(cluster, in: db), namespace: namespace, db)
    }
  }

  /// Deletes the agents of the DaemonSet `name`.
  public func removeAgents(cluster: String, namespace: String, name: String = "spire-agent") throws {
    try write { db in try AgentDaemonSet.remove(cluster: cluster, namespace: namespace, name: name, in: db) }
  }

  /// The token in the agent's projected service-account volume: audience `spire-server`, bound to its
  /// pod and node, signed by its cluster's issuer (the kubelet renews it; each call reads a fresh one).
  public func agentToken(_ agent: AgentPod, expirationSeconds: Int = 600) throws -> String {
    try projectedToken(
      cluster: agent.cluster, namespace: agent.namespace, pod: agent.name, audiences: [Self.agentTokenAudience],
      expirationSeconds: expirationSeconds)
  }

  /// The private address of a node of the cluster.
  public func nodeAddress(cluster: String, node: String) throws -> String {
    try read { db in
      guard let record = try NodeRecord.fetchOne(db, key: ["cluster": cluster, "name": node]) else {
        throw ProviderError.kubernetesNotFound("nodes", node)
      }
      return record.ip
    }
  }
}
