import Foundation

@testable import SteepleSPIRE

/// The six registration entries of the tutorial's `register_server_entries.sh` (seed repo §5.3).
enum TutorialEntries {
  static let trustDomain = try! TrustDomain("am-multi-account-mesh")

  static func id(_ path: String) -> SPIFFEID { try! SPIFFEID(trustDomain: trustDomain, path: path) }
  static func selectors(_ texts: String...) -> [Selector] { texts.map { try! Selector(parsing: $0) } }

  static func node(_ agentSet: String, cluster: String) -> RegistrationEntry {
    RegistrationEntry(
      spiffeID: id("/ns/spire/sa/\(agentSet)"), parentID: trustDomain.serverID,
      selectors: selectors("k8s_psat:cluster:\(cluster)", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:\(agentSet)"))
  }

  static func workload(_ path: String, parent agentSet: String, app: String, tier: String) -> RegistrationEntry {
    RegistrationEntry(
      spiffeID: id(path), parentID: id("/ns/spire/sa/\(agentSet)"),
      selectors: selectors(
        "k8s:ns:yelb", "k8s:sa:default", "k8s:pod-label:app:\(app)", "k8s:pod-label:tier:\(tier)", "k8s:container-name:envoy"))
  }

  static let all: [RegistrationEntry] = [
    node("spire-agent-front", cluster: "frontend-k8s-cluster"),
    node("spire-agent-back", cluster: "backend-k8s-cluster"),
    workload("/frontend", parent: "spire-agent-front", app: "yelb-ui", tier: "frontend"),
    workload("/redis", parent: "spire-agent-back", app: "redis-server", tier: "cache"),
    workload("/yelbdb", parent: "spire-agent-back", app: "yelb-db", tier: "backenddb"),
    workload("/yelbapp", parent: "spire-agent-back", app: "yelb-appserver", tier: "middletier"),
  ]

  /// A store holding the six, with entry IDs `entry-1` … `entry-6`, created at the tests' fixed time.
  static func store() throws -> EntryStore {
    var store = EntryStore(trustDomain: trustDomain)
    for (index, entry) in all.enumerated() {
      var entry = entry
      entry.id = "entry-\(index + 1)"
      try store.create(entry, now: testNow)
    }
    return store
  }

  /// The node selectors k8s_psat gives an agent of `cluster` running as `spire:<serviceAccount>`.
  static func agentSelectors(cluster: String, serviceAccount: String, node: String = "node-1") -> Set<Selector> {
    Set(
      selectors(
        "k8s_psat:cluster:\(cluster)", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:\(serviceAccount)",
        "k8s_psat:agent_pod_name:spire-agent-x1", "k8s_psat:agent_pod_uid:pod-uid-1",
        "k8s_psat:agent_node_name:\(node)", "k8s_psat:agent_node_uid:\(node)-uid"))
  }

  /// The selectors the k8s workload attestor reports for the envoy container of a yelb pod.
  static func envoySelectors(app: String, tier: String) -> Set<Selector> {
    Set(
      selectors(
        "k8s:ns:yelb", "k8s:sa:default", "k8s:pod-label:app:\(app)", "k8s:pod-label:tier:\(tier)",
        "k8s:container-name:envoy", "k8s:pod-name:\(app)-7d9f", "k8s:container-image:envoy:v1.25.1.0-prod"))
  }
}
