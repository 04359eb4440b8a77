import Foundation
import GRDB
import SteepleEngine
import SteepleSPIRE

/// What the embedded SPIRE's handlers share: the modelled clock, the Kubernetes objects they make
/// when the script did not declare them, and the agents' sync of their SVIDs.
enum SPIRERuntime {
  // MARK: - The modelled clock

  /// How far the modelled clock runs ahead of the cloud's, in seconds.
  static func clockOffset(_ db: Database) throws -> TimeInterval {
    try SPIREClockRecord.fetchOne(db, key: 1)?.offset ?? 0
  }

  /// The modelled time: the cloud's clock plus the offset `verify … { after: }` added.
  static func now(_ clock: Date, _ db: Database) throws -> Date { clock + (try clockOffset(db)) }

  // MARK: - Kubernetes objects made for SPIRE

  /// Makes the namespace and the service account when missing, and says which of them it made (so
  /// that removing takes away only those).
  static func ensure(namespace: String, serviceAccount: String, in cluster: String, _ db: Database) throws
    -> (namespace: Bool, serviceAccount: Bool)
  {
    _ = try ClusterRecord.named(cluster, in: db)
    let madeNamespace = try NamespaceRecord.fetchOne(db, key: ["cluster": cluster, "name": namespace]) == nil
    if madeNamespace { try KubernetesObjects.createNamespace(namespace, in: cluster, db) }
    let key: [String: any DatabaseValueConvertible] = ["cluster": cluster, "namespace": namespace, "name": serviceAccount]
    let madeServiceAccount = try ServiceAccountRecord.fetchOne(db, key: key) == nil
    if madeServiceAccount {
      try KubernetesObjects.createServiceAccount(serviceAccount, namespace: namespace, in: cluster, automatic: false, db)
    }
    return (madeNamespace, madeServiceAccount)
  }

  /// Removes what `ensure` made: the service account, and the namespace when nothing else is in it.
  static func release(namespace: String, serviceAccount: String, in cluster: String, made: (namespace: Bool, serviceAccount: Bool), _ db: Database)
    throws
  {
    if made.serviceAccount {
      _ = try ServiceAccountRecord.deleteOne(db, key: ["cluster": cluster, "namespace": namespace, "name": serviceAccount])
    }
    guard made.namespace else { return }
    let pods = try PodRecord.filter(Column("cluster") == cluster && Column("namespace") == namespace).fetchCount(db)
    let accounts = try ServiceAccountRecord.filter(
      Column("cluster") == cluster && Column("namespace") == namespace && Column("name") != "default"
    ).fetchCount(db)
    guard pods == 0, accounts == 0 else { return }
    _ = try ServiceAccountRecord.deleteOne(db, key: ["cluster": cluster, "namespace": namespace, "name": "default"])
    _ = try NamespaceRecord.deleteOne(db, key: ["cluster": cluster, "name": namespace])
  }

  // MARK: - Records

  static func trustDomain(_ name: String) throws -> TrustDomain {
    do {
      return try TrustDomain(name)
    } catch {
      throw ProviderError(code: "InvalidParameterValue", message: "'\(name)' is not a trust domain: \(error)")
    }
  }

  /// The trust domain of a resource named `<td>` or `<td>/<name>`.
  static func trustDomain(ofResourceName name: String) throws -> TrustDomain {
    try trustDomain(String(name.split(separator: "/", maxSplits: 1).first ?? ""))
  }

  static func serverRuntime(_ trustDomain: String, _ db: Database) throws -> SPIREServerRuntimeRecord {
    guard let server = try SPIREServerRuntimeRecord.fetchOne(db, key: trustDomain) else {
      throw ProviderError(code: "NotFound", message: "no SPIRE server runs for the trust domain '\(trustDomain)'")
    }
    return server
  }

  static func serverCA(_ trustDomain: TrustDomain, _ db: Database) throws -> ServerCA {
    guard let ca = try SPIREState.server(trustDomain, in: db) else {
      throw ProviderError(code: "NotFound", message: "the SPIRE server of '\(trustDomain)' has no CA yet")
    }
    return ca
  }

  /// The agents (attested agent records) that belong to an agent set: its DaemonSet's pods.
  static func agentRecords(of set: SPIREAgentSetRecord, _ db: Database) throws -> [SPIREAgentRecord] {
    try SPIREAgentRecord.filter(
      Column("trustDomain") == set.trustDomain && Column("cluster") == set.cluster && Column("namespace") == set.namespace
    ).order(Column("agentID")).fetchAll(db).filter { $0.pod.hasPrefix("\(AgentDaemonSet.daemonSetName)-") }
  }

  // MARK: - Agents' sync

  /// Brings every running agent of `trustDomain` up to date at `now`, as a SPIRE agent's sync does:
  /// it holds a current SVID for every entry authorized for it (parent its ID or a node alias it
  /// matches, and their descendants), renews those past half their lifetime, and drops those whose
  /// entries are gone. A stopped agent, or any agent of a stopped server, does nothing.
  static func sync(_ trustDomain: TrustDomain, now: Date, _ db: Database) throws {
    guard let server = try SPIREServerRuntimeRecord.fetchOne(db, key: trustDomain.name), !server.stopped,
      let ca = try SPIREState.server(trustDomain, in: db)
    else { return }
    let store = try SPIREState.entries(trustDomain, in: db)
    let stopped = Set(
      try SPIREAgentSetRecord.filter(Column("trustDomain") == trustDomain.name && Column("stopped") == true).fetchAll(db)
        .map { "\($0.cluster)/\($0.namespace)" })
    var held: [String: [String: HeldSVID]] = [:]
    for svid in try SPIREState.svids(trustDomain, in: db) { held[svid.agentID.description, default: [:]][svid.entryID] = svid }
    for agent in try SPIREState.agents(trustDomain, in: db) where !stopped.contains("\(agent.cluster)/\(agent.namespace)") {
      var cache = SVIDCache()
      let current = held[agent.agentID.description] ?? [:]
      for (entryID, svid) in current { cache.store(svid.svid, forEntry: entryID) }
      let authorized = store.authorizedEntries(agentID: agent.agentID, agentSelectors: Set(agent.selectors))
      let byID = Dictionary(uniqueKeysWithValues: authorized.map { ($0.id, $0) })
      // Entries gone, or whose ID changed, leave the cache.
      for (entryID, svid) in current where byID[entryID]?.spiffeID != svid.svid.spiffeID {
        cache.remove(entryID: entryID)
        try deleteHeld(svid, db)
      }
      func issue(_ entryID: String) throws -> X509SVID {
        guard let entry = byID[entryID] else { throw ProviderError(code: "NotFound", message: "no entry \(entryID)") }
        let ttl = entry.x509SVIDTTL > 0 ? TimeInterval(entry.x509SVIDTTL) : TimeInterval(server.svidTTL)
        return try ca.current.issueSVID(for: entry.spiffeID, ttl: ttl, dnsNames: entry.dnsNames, now: now)
      }
      var renewed = Set(try cache.rotate(at: now, issue: issue))
      for entry in authorized where cache.svids[entry.id] == nil {
        cache.store(try issue(entry.id), forEntry: entry.id)
        renewed.insert(entry.id)
      }
      for entryID in renewed.sorted() {
        guard let svid = cache.svids[entryID] else { continue }
        try SPIREState.saveSVID(HeldSVID(entryID: entryID, agentID: agent.agentID, svid: svid), in: db)
      }
    }
  }

  static func deleteHeld(_ held: HeldSVID, _ db: Database) throws {
    let trustDomain = held.agentID.trustDomain.name
    _ = try SPIREKeyRecord.deleteOne(db, key: ["trustDomain": trustDomain, "name": SPIREState.svidKeyName(held.svid.serialNumber)])
    _ = try SPIRESVIDRecord.deleteOne(
      db, key: ["trustDomain": trustDomain, "entryID": held.entryID, "agentID": held.agentID.description])
  }

  /// The bundle an agent cluster holds, as delivered (`nil` when none was).
  static func deliveredBundle(_ record: SPIREBundleDeliveryRecord?, trustDomain: TrustDomain) throws -> TrustBundle? {
    guard let record, !record.authorities.isEmpty else { return nil }
    return try TrustBundle(
      trustDomain: trustDomain, x509AuthoritiesDER: record.authorities.map { Array($0) }, sequence: UInt64(record.sequence))
  }
}
