import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.agents`: one cluster's SPIRE agents, a DaemonSet with one agent a node, each attested for
/// real when applied: through the network to the server's address, the server's `k8s_psat`
/// attestor (the cluster's TokenReview as its `api_role`, the allow list, the cluster name), the
/// agents' trust domain and their bootstrap bundle. A refusal fails the action with its first cause.
/// Attested agents get their SVIDs from the server's CA and sync the SVIDs of their entries.
///
/// Attestation calls the cloud's APIs, so it runs in `prepare`, outside the action's transaction, in
/// idempotent steps: the DaemonSet (and its namespace and service account when the script declares
/// neither), then each agent not yet attested, then their SVIDs. `put` records the set and syncs.
enum SPIREAgentsHandler: ClockedResourceHandler {
  static let type = "spire.agents"

  struct Wanted {
    let trustDomain: TrustDomain
    let name: String
    let cluster: String
    let namespace: String
    let serviceAccount: String
    let clusterName: String
    let configuredTrustDomain: String

    init(_ resource: Resource) throws {
      let attributes = Attributes(resource)
      trustDomain = try SPIRERuntime.trustDomain(ofResourceName: resource.address.name)
      name = String(resource.address.name.split(separator: "/", maxSplits: 1).last ?? "")
      cluster = try attributes.string("cluster")
      namespace = try attributes.optionalString("namespace") ?? "spire"
      serviceAccount = try attributes.optionalString("service_account") ?? "spire-agent"
      clusterName = try attributes.optionalString("cluster_name") ?? name
      configuredTrustDomain = try attributes.optionalString("trust_domain") ?? trustDomain.name
    }
  }

  static func prepare(_ resource: Resource, previous: StoredResource?, cloud: LocalCloud) async throws {
    let wanted = try Wanted(resource)
    let pods = try cloud.write { db -> [AgentPod] in
      let old = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": wanted.trustDomain.name, "name": wanted.name])
      let made = try SPIRERuntime.ensure(namespace: wanted.namespace, serviceAccount: wanted.serviceAccount, in: wanted.cluster, db)
      try SPIREAgentSetRecord(
        trustDomain: wanted.trustDomain.name, name: wanted.name, cluster: wanted.cluster, namespace: wanted.namespace,
        serviceAccount: wanted.serviceAccount, clusterName: wanted.clusterName, configuredTrustDomain: wanted.configuredTrustDomain,
        madeNamespace: old?.madeNamespace ?? made.namespace, madeServiceAccount: old?.madeServiceAccount ?? made.serviceAccount,
        stopped: false
      ).save(db)
      return try AgentDaemonSet.reconcile(
        cluster: wanted.cluster, namespace: wanted.namespace, name: AgentDaemonSet.daemonSetName,
        serviceAccount: wanted.serviceAccount, in: db)
    }
    let clock = cloud.clock()
    let (setup, attested, now) = try cloud.read { db in
      let now = try SPIRERuntime.now(clock, db)
      guard let setup = try SPIREAttestationSetup.read(trustDomain: wanted.trustDomain, name: wanted.name, db) else {
        throw ProviderError.state("the agent set \(wanted.trustDomain)/\(wanted.name) was not recorded")
      }
      let attested = Set(try SPIRERuntime.agentRecords(of: setup.set, db).map(\.pod))
      return (setup, attested, now)
    }
    var attestations: [(AgentPod, AgentAttestation)] = []
    for pod in pods where !attested.contains(pod.name) {
      do {
        attestations.append((pod, try await setup.attest(pod, cloud: cloud)))
      } catch {
        if previous == nil { try cloud.write { db in try undo(wanted, db) } }
        throw error.providerError
      }
    }
    guard !attestations.isEmpty else { return }
    try cloud.write { [attestations] db in
      let ca = try SPIRERuntime.serverCA(wanted.trustDomain, db)
      for (pod, attestation) in attestations {
        let svid = try ca.current.issueSVID(for: attestation.agentID, ttl: TimeInterval(setup.server.svidTTL), now: now)
        try SPIREState.saveAgent(
          AttestedAgent(
            cluster: pod.cluster, namespace: pod.namespace, pod: pod.name, node: pod.node, selectors: attestation.selectors,
            svid: svid, attestedAt: now),
          in: db)
      }
    }
  }

  /// Takes away what a first, failed attempt made, so that a refused agent set leaves nothing behind.
  static func undo(_ wanted: Wanted, _ db: Database) throws {
    guard let set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": wanted.trustDomain.name, "name": wanted.name]) else {
      return
    }
    try removeSet(set, db)
  }

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    let wanted = try Wanted(resource)
    guard let set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": wanted.trustDomain.name, "name": wanted.name]) else {
      throw ProviderError.state("the agents of \(resource.address.name) were not attested")
    }
    let cluster = try ClusterRecord.named(set.cluster, in: db)
    let running = Set(try AgentDaemonSet.agents(of: AgentDaemonSet.daemonSetName, cluster: cluster, namespace: set.namespace, db).map(\.name))
    let agents = try SPIRERuntime.agentRecords(of: set, db)
    // Agents whose pods are gone (their node left) leave the server.
    for agent in agents where !running.contains(agent.pod) { try SPIREState.removeAgent(try SPIFFEID(parsing: agent.agentID), in: db) }
    let attested = Set(agents.map(\.pod))
    if let missing = running.sorted().first(where: { !attested.contains($0) }) {
      throw ProviderError.state("the agent \(set.cluster)/\(set.namespace)/\(missing) was not attested")
    }
    try SPIRERuntime.sync(wanted.trustDomain, now: try SPIRERuntime.now(now, db), db)
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    let parts = stored.name.split(separator: "/", maxSplits: 1).map(String.init)
    guard parts.count == 2, let set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": parts[0], "name": parts[1]]) else {
      return
    }
    try removeSet(set, db)
  }

  /// Evicts the set's agents (and the SVIDs they held), deletes their pods, and what was made for them.
  static func removeSet(_ set: SPIREAgentSetRecord, _ db: Database) throws {
    for agent in try SPIRERuntime.agentRecords(of: set, db) { try SPIREState.removeAgent(try SPIFFEID(parsing: agent.agentID), in: db) }
    try AgentDaemonSet.remove(cluster: set.cluster, namespace: set.namespace, name: AgentDaemonSet.daemonSetName, in: db)
    try SPIRERuntime.release(
      namespace: set.namespace, serviceAccount: set.serviceAccount, in: set.cluster,
      made: (set.madeNamespace, set.madeServiceAccount), db)
    try set.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let parts = stored.name.split(separator: "/", maxSplits: 1).map(String.init)
    guard parts.count == 2, let set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": parts[0], "name": parts[1]]) else {
      return []
    }
    let agents = try SPIRERuntime.agentRecords(of: set, db)
    return [
      ModelField("agents", .int(agents.count)),
      ModelField("agent_ids", .list(agents.map { .string($0.agentID) })),
    ]
  }
}
