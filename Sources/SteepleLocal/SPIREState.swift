public import Foundation
import GRDB
public import SteepleSPIRE
import SteepleEngine

/// An agent the server attested, as the state keeps it: where it runs, its node selectors and its SVID.
public struct AttestedAgent: Sendable, CustomStringConvertible {
  /// Its ID, `spiffe://<td>/spire/agent/k8s_psat/<cluster>/<node UID>`.
  public var agentID: SPIFFEID { svid.spiffeID }
  /// The EKS cluster, namespace and pod it runs as, and its node.
  public var cluster: String
  public var namespace: String
  public var pod: String
  public var node: String
  /// The `k8s_psat` selectors attestation gave it.
  public var selectors: [Selector]
  /// Its own X.509-SVID (with its key).
  public var svid: X509SVID
  /// When it was attested.
  public var attestedAt: Date

  /// An attested agent with the given fields.
  public init(cluster: String, namespace: String, pod: String, node: String, selectors: [Selector], svid: X509SVID, attestedAt: Date) {
    self.cluster = cluster
    self.namespace = namespace
    self.pod = pod
    self.node = node
    self.selectors = selectors
    self.svid = svid
    self.attestedAt = attestedAt
  }

  /// Its ID, place and SVID's serial: never a key.
  public var description: String { "AttestedAgent(\(agentID), \(cluster)/\(namespace)/\(pod) on \(node), \(svid))" }
}

/// A workload SVID an agent holds for one entry.
public struct HeldSVID: Sendable, CustomStringConvertible {
  /// The entry it was issued for, and the agent that holds it.
  public var entryID: String
  public var agentID: SPIFFEID
  /// The SVID (with its key).
  public var svid: X509SVID

  /// A held SVID with the given fields.
  public init(entryID: String, agentID: SPIFFEID, svid: X509SVID) {
    self.entryID = entryID
    self.agentID = agentID
    self.svid = svid
  }

  /// Its entry, agent and SVID: never a key.
  public var description: String { "HeldSVID(entry \(entryID), agent \(agentID), \(svid))" }
}

struct SPIREServerRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireServer"
  var trustDomain: String
  var ca: ServerCA.Snapshot
  var entryRevision: Int64
}

struct SPIREKeyRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireKey"
  var trustDomain: String
  var name: String
  var pkcs8: Data
}

struct SPIREEntryRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireEntry"
  var trustDomain: String
  var id: String
  var ordinal: Int
  var spiffeID: String
  var parentID: String
  var revisionNumber: Int64
  var entry: RegistrationEntry
}

struct SPIREAgentRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireAgent"
  var trustDomain: String
  var agentID: String
  var cluster: String
  var namespace: String
  var pod: String
  var node: String
  var selectors: [Selector]
  var certificate: Data
  var authority: Data
  var serial: String
  var attestedAt: Double
}

struct SPIRESVIDRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireSVID"
  var trustDomain: String
  var entryID: String
  var agentID: String
  var spiffeID: String
  var certificate: Data
  var authority: Data
  var serial: String
  var notAfter: Double
}

/// The embedded SPIRE's state in the cloud's database: one server a trust domain with its CA (keys in
/// the `spireKey` table only), its entries with their revisions, its attested agents and the workload
/// SVIDs they hold.
enum SPIREState {
  static func caKeyName(_ keyID: String) -> String { "ca/\(keyID)" }
  static func svidKeyName(_ serial: String) -> String { "svid/\(serial)" }

  static func saveServer(_ ca: ServerCA, in db: Database) throws {
    let trustDomain = ca.trustDomain.name
    let revision = try SPIREServerRecord.fetchOne(db, key: trustDomain)?.entryRevision ?? 0
    try SPIREServerRecord(trustDomain: trustDomain, ca: ca.snapshot, entryRevision: revision).save(db)
    let keys = ca.exportPrivateKeys()
    try db.execute(
      sql: "DELETE FROM spireKey WHERE trustDomain = ? AND name LIKE 'ca/%'", arguments: [trustDomain])
    for (keyID, key) in keys { try SPIREKeyRecord(trustDomain: trustDomain, name: caKeyName(keyID), pkcs8: key).insert(db) }
  }

  static func server(_ trustDomain: TrustDomain, in db: Database) throws -> ServerCA? {
    guard let record = try SPIREServerRecord.fetchOne(db, key: trustDomain.name) else { return nil }
    var keys: [String: Data] = [:]
    for key in try SPIREKeyRecord.filter(Column("trustDomain") == trustDomain.name && Column("name").like("ca/%")).fetchAll(db) {
      keys[String(key.name.dropFirst(3))] = key.pkcs8
    }
    return try ServerCA(snapshot: record.ca, privateKeys: keys)
  }

  static func requireServer(_ trustDomain: TrustDomain, in db: Database) throws {
    guard try SPIREServerRecord.fetchOne(db, key: trustDomain.name) != nil else {
      throw ProviderError(code: "NotFound", message: "no SPIRE server serves the trust domain '\(trustDomain)'")
    }
  }

  static func saveEntries(_ store: EntryStore, in db: Database) throws {
    let trustDomain = store.trustDomain.name
    guard var server = try SPIREServerRecord.fetchOne(db, key: trustDomain) else {
      try requireServer(store.trustDomain, in: db)
      return
    }
    try db.execute(sql: "DELETE FROM spireEntry WHERE trustDomain = ?", arguments: [trustDomain])
    for (ordinal, entry) in store.entries.enumerated() {
      try SPIREEntryRecord(
        trustDomain: trustDomain, id: entry.id, ordinal: ordinal, spiffeID: entry.spiffeID.description,
        parentID: entry.parentID.description, revisionNumber: entry.revisionNumber, entry: entry
      ).insert(db)
    }
    server.entryRevision = store.revision
    try server.update(db)
  }

  static func entries(_ trustDomain: TrustDomain, in db: Database) throws -> EntryStore {
    let revision = try SPIREServerRecord.fetchOne(db, key: trustDomain.name)?.entryRevision ?? 0
    let entries = try SPIREEntryRecord.filter(Column("trustDomain") == trustDomain.name).order(Column("ordinal")).fetchAll(db)
    return EntryStore(trustDomain: trustDomain, entries: entries.map(\.entry), revision: revision)
  }

  static func saveKey(_ svid: X509SVID, trustDomain: String, in db: Database) throws {
    try SPIREKeyRecord(trustDomain: trustDomain, name: svidKeyName(svid.serialNumber), pkcs8: svid.exportPrivateKeyPKCS8DER())
      .save(db)
  }

  static func restore(certificate: Data, authority: Data, serial: String, trustDomain: String, in db: Database) throws -> X509SVID {
    guard let key = try SPIREKeyRecord.fetchOne(db, key: ["trustDomain": trustDomain, "name": svidKeyName(serial)]) else {
      throw ProviderError.state("the key of the stored SVID \(serial) is missing from the key store")
    }
    return try X509SVID(certificateDER: Array(certificate), authorityDER: Array(authority), keyPKCS8DER: key.pkcs8)
  }

  static func saveAgent(_ agent: AttestedAgent, in db: Database) throws {
    let trustDomain = agent.agentID.trustDomain.name
    if let old = try SPIREAgentRecord.fetchOne(db, key: ["trustDomain": trustDomain, "agentID": agent.agentID.description]),
      old.serial != agent.svid.serialNumber
    {
      _ = try SPIREKeyRecord.deleteOne(db, key: ["trustDomain": trustDomain, "name": svidKeyName(old.serial)])
    }
    try saveKey(agent.svid, trustDomain: trustDomain, in: db)
    try SPIREAgentRecord(
      trustDomain: trustDomain, agentID: agent.agentID.description, cluster: agent.cluster, namespace: agent.namespace,
      pod: agent.pod, node: agent.node, selectors: agent.selectors, certificate: Data(agent.svid.certificateDER),
      authority: Data(agent.svid.authorityDER), serial: agent.svid.serialNumber,
      attestedAt: agent.attestedAt.timeIntervalSince1970
    ).save(db)
  }

  static func agents(_ trustDomain: TrustDomain, in db: Database) throws -> [AttestedAgent] {
    try SPIREAgentRecord.filter(Column("trustDomain") == trustDomain.name).order(Column("agentID")).fetchAll(db).map {
      AttestedAgent(
        cluster: $0.cluster, namespace: $0.namespace, pod: $0.pod, node: $0.node, selectors: $0.selectors,
        svid: try restore(certificate: $0.certificate, authority: $0.authority, serial: $0.serial, trustDomain: $0.trustDomain, in: db),
        attestedAt: Date(timeIntervalSince1970: $0.attestedAt))
    }
  }

  static func removeAgent(_ agentID: SPIFFEID, in db: Database) throws {
    let trustDomain = agentID.trustDomain.name
    for svid in try SPIRESVIDRecord.filter(Column("trustDomain") == trustDomain && Column("agentID") == agentID.description).fetchAll(db) {
      _ = try SPIREKeyRecord.deleteOne(db, key: ["trustDomain": trustDomain, "name": svidKeyName(svid.serial)])
      try svid.delete(db)
    }
    if let agent = try SPIREAgentRecord.fetchOne(db, key: ["trustDomain": trustDomain, "agentID": agentID.description]) {
      _ = try SPIREKeyRecord.deleteOne(db, key: ["trustDomain": trustDomain, "name": svidKeyName(agent.serial)])
      try agent.delete(db)
    }
  }

  static func saveSVID(_ held: HeldSVID, in db: Database) throws {
    let trustDomain = held.agentID.trustDomain.name
    let key: [String: any DatabaseValueConvertible] = [
      "trustDomain": trustDomain, "entryID": held.entryID, "agentID": held.agentID.description,
    ]
    if let old = try SPIRESVIDRecord.fetchOne(db, key: key), old.serial != held.svid.serialNumber {
      _ = try SPIREKeyRecord.deleteOne(db, key: ["trustDomain": trustDomain, "name": svidKeyName(old.serial)])
    }
    try saveKey(held.svid, trustDomain: trustDomain, in: db)
    try SPIRESVIDRecord(
      trustDomain: trustDomain, entryID: held.entryID, agentID: held.agentID.description,
      spiffeID: held.svid.spiffeID.description, certificate: Data(held.svid.certificateDER),
      authority: Data(held.svid.authorityDER), serial: held.svid.serialNumber,
      notAfter: held.svid.notAfter.timeIntervalSince1970
    ).save(db)
  }

  static func svids(_ trustDomain: TrustDomain, heldBy agent: SPIFFEID? = nil, in db: Database) throws -> [HeldSVID] {
    var request = SPIRESVIDRecord.filter(Column("trustDomain") == trustDomain.name)
    if let agent { request = request.filter(Column("agentID") == agent.description) }
    return try request.order(Column("spiffeID"), Column("agentID"), Column("entryID"))
      .fetchAll(db).map {
        HeldSVID(
          entryID: $0.entryID, agentID: try SPIFFEID(parsing: $0.agentID),
          svid: try restore(certificate: $0.certificate, authority: $0.authority, serial: $0.serial, trustDomain: $0.trustDomain, in: db))
      }
  }
}

extension LocalCloud {
  /// The trust domains whose SPIRE server the state holds.
  public func spireTrustDomains() throws -> [TrustDomain] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT trustDomain FROM spireServer ORDER BY trustDomain").map { try TrustDomain($0) }
    }
  }

  /// Stores the server's CA: its certificates and rotation state, and its keys (owner-only, in no output).
  public func saveServer(_ ca: ServerCA) throws { try write { try SPIREState.saveServer(ca, in: $0) } }

  /// The server's CA as stored, with its keys, or `nil` when no server serves `trustDomain`.
  public func server(_ trustDomain: TrustDomain) throws -> ServerCA? { try read { try SPIREState.server(trustDomain, in: $0) } }

  /// Stores the server's entries, replacing those it had, and the store's revision.
  public func saveEntries(_ store: EntryStore) throws { try write { try SPIREState.saveEntries(store, in: $0) } }

  /// The server's entries in creation order (empty when it has none).
  public func entries(_ trustDomain: TrustDomain) throws -> EntryStore { try read { try SPIREState.entries(trustDomain, in: $0) } }

  /// Stores an attested agent and its SVID (replacing the one it had).
  public func saveAgent(_ agent: AttestedAgent) throws { try write { try SPIREState.saveAgent(agent, in: $0) } }

  /// The attested agents of `trustDomain`, by ID.
  public func attestedAgents(_ trustDomain: TrustDomain) throws -> [AttestedAgent] {
    try read { try SPIREState.agents(trustDomain, in: $0) }
  }

  /// Forgets an agent, its SVID and the workload SVIDs it held.
  public func removeAgent(_ agentID: SPIFFEID) throws { try write { try SPIREState.removeAgent(agentID, in: $0) } }

  /// Stores a workload SVID an agent holds for an entry (replacing the one it held).
  public func saveSVID(_ held: HeldSVID) throws { try write { try SPIREState.saveSVID(held, in: $0) } }

  /// The workload SVIDs the agents of `trustDomain` hold, by SPIFFE ID.
  public func heldSVIDs(_ trustDomain: TrustDomain) throws -> [HeldSVID] { try read { try SPIREState.svids(trustDomain, in: $0) } }

  /// Removes the server of `trustDomain` and everything it had: keys, entries, agents, SVIDs.
  public func removeServer(_ trustDomain: TrustDomain) throws {
    try write { db in _ = try SPIREServerRecord.deleteOne(db, key: trustDomain.name) }
  }
}
