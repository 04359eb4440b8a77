public import Foundation

/// A SPIRE server's registration entries, in memory, with SPIRE's validation and revisions.
///
/// Entries keep their creation order (the order `entry show` lists them in). Each update that changes
/// an entry bumps its ``RegistrationEntry/revisionNumber``; ``revision`` counts every change to the
/// store. It is `Codable` so that its owner can persist it.
public struct EntryStore: Codable, Sendable, Equatable {
  /// The trust domain of every entry.
  public let trustDomain: TrustDomain
  /// The entries, in creation order.
  public private(set) var entries: [RegistrationEntry]
  /// How many changes the store has seen.
  public private(set) var revision: Int64

  /// An empty store for `trustDomain`.
  public init(trustDomain: TrustDomain) {
    self.trustDomain = trustDomain
    self.entries = []
    self.revision = 0
  }

  /// A store restored from storage: its entries in creation order and its revision, as saved.
  public init(trustDomain: TrustDomain, entries: [RegistrationEntry], revision: Int64) {
    self.trustDomain = trustDomain
    self.entries = entries
    self.revision = revision
  }

  /// The entry with `id`.
  public func entry(id: String) -> RegistrationEntry? { entries.first { $0.id == id } }

  /// Validates and adds `entry`, at revision 0, created at `now`. Its ID is kept when set, else a new
  /// UUID; the store rejects an ID in use and an entry like one it has (same SPIFFE ID, parent and
  /// selectors), as SPIRE does.
  @discardableResult
  public mutating func create(_ entry: RegistrationEntry, now: Date) throws(EntryStoreError) -> RegistrationEntry {
    var entry = entry
    if entry.id.isEmpty { entry.id = UUID().uuidString.lowercased() }
    try validate(entry)
    if self.entry(id: entry.id) != nil { throw .idInUse(entry.id) }
    if let similar = entries.first(where: { $0.isSimilar(to: entry) }) { throw .similarEntryExists(id: similar.id) }
    entry.revisionNumber = 0
    entry.createdAt = Int64(now.timeIntervalSince1970.rounded(.down))
    entries.append(entry)
    revision += 1
    return entry
  }

  /// Replaces the entry with `entry.id` by `entry`, keeping its creation time. When anything changed,
  /// its revision number goes up by one; when nothing did, the store is left as it was.
  @discardableResult
  public mutating func update(_ entry: RegistrationEntry) throws(EntryStoreError) -> RegistrationEntry {
    guard let index = entries.firstIndex(where: { $0.id == entry.id }) else { throw .notFound(entry.id) }
    try validate(entry)
    if let similar = entries.first(where: { $0.id != entry.id && $0.isSimilar(to: entry) }) {
      throw .similarEntryExists(id: similar.id)
    }
    let old = entries[index]
    var updated = entry
    updated.createdAt = old.createdAt
    updated.revisionNumber = old.revisionNumber
    guard updated != old else { return old }
    updated.revisionNumber += 1
    entries[index] = updated
    revision += 1
    return updated
  }

  /// Removes the entry with `id` and returns it.
  @discardableResult
  public mutating func delete(id: String) throws(EntryStoreError) -> RegistrationEntry {
    guard let index = entries.firstIndex(where: { $0.id == id }) else { throw .notFound(id) }
    revision += 1
    return entries.remove(at: index)
  }

  /// SPIRE's checks on an entry before it is stored.
  func validate(_ entry: RegistrationEntry) throws(EntryStoreError) {
    if entry.selectors.isEmpty { throw .noSelectors }
    if entry.spiffeID.trustDomain != trustDomain { throw .spiffeIDOutsideTrustDomain(entry.spiffeID, trustDomain) }
    if entry.spiffeID.isRoot { throw .spiffeIDWithoutPath(entry.spiffeID) }
    if entry.spiffeID.isReservedForSPIRE { throw .spiffeIDReserved(entry.spiffeID) }
    if entry.parentID.trustDomain != trustDomain { throw .parentIDOutsideTrustDomain(entry.parentID, trustDomain) }
    if entry.x509SVIDTTL < 0 { throw .negativeTTL("x509_svid_ttl", entry.x509SVIDTTL) }
    if entry.jwtSVIDTTL < 0 { throw .negativeTTL("jwt_svid_ttl", entry.jwtSVIDTTL) }
    if let bad = entry.dnsNames.first(where: { !DNSName.isValid($0) }) { throw .invalidDNSName(bad) }
    if entry.isNodeEntry, !entry.federatesWith.isEmpty { throw .nodeEntryFederates }
  }
}

extension RegistrationEntry {
  /// Whether SPIRE would call `other` the same entry: same SPIFFE ID, parent and selector set.
  func isSimilar(to other: RegistrationEntry) -> Bool {
    spiffeID == other.spiffeID && parentID == other.parentID && Set(selectors) == Set(other.selectors)
  }
}

/// Why the entry store refused a change.
public enum EntryStoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case noSelectors
  case spiffeIDOutsideTrustDomain(SPIFFEID, TrustDomain)
  case spiffeIDWithoutPath(SPIFFEID)
  case spiffeIDReserved(SPIFFEID)
  case parentIDOutsideTrustDomain(SPIFFEID, TrustDomain)
  case negativeTTL(String, Int32)
  case invalidDNSName(String)
  case nodeEntryFederates
  case idInUse(String)
  case similarEntryExists(id: String)
  case notFound(String)

  public var description: String {
    switch self {
    case .noSelectors: "an entry needs at least one selector: SPIRE refuses an empty selector list"
    case .spiffeIDOutsideTrustDomain(let id, let td): "the SPIFFE ID '\(id)' is not a member of the trust domain '\(td)'"
    case .spiffeIDWithoutPath(let id): "the SPIFFE ID '\(id)' has no path: an entry's ID must name a workload"
    case .spiffeIDReserved(let id): "the SPIFFE ID '\(id)' is under /spire/, which SPIRE reserves for its server and agents"
    case .parentIDOutsideTrustDomain(let id, let td): "the parent ID '\(id)' is not a member of the trust domain '\(td)'"
    case .negativeTTL(let field, let value): "\(field) cannot be negative (\(value)); 0 means the server's default"
    case .invalidDNSName(let name): "'\(name)' is not a valid DNS name"
    case .nodeEntryFederates: "a node entry cannot federate with other trust domains"
    case .idInUse(let id): "an entry with the ID '\(id)' already exists"
    case .similarEntryExists(let id): "a similar entry already exists (\(id)): same SPIFFE ID, parent ID and selectors"
    case .notFound(let id): "no entry has the ID '\(id)'"
    }
  }
}
