/// A SPIRE registration entry, with the fields of SPIRE's `Entry` type.
///
/// An entry says: a workload (or node) whose attested selectors include all of ``selectors``, reporting
/// through the agent ``parentID`` (or an alias of it), gets SVIDs for ``spiffeID``.
public struct RegistrationEntry: Codable, Sendable, Equatable, Identifiable {
  /// The entry ID: chosen by the user, or a UUID.
  public var id: String
  /// The ID of the SVIDs it issues.
  public var spiffeID: SPIFFEID
  /// The agent, node alias or (for node entries) the server that may obtain them.
  public var parentID: SPIFFEID
  /// All must be among the workload's (or agent's) selectors.
  public var selectors: [Selector]
  /// X.509-SVID TTL in seconds; 0 means the server's default.
  public var x509SVIDTTL: Int32
  /// JWT-SVID TTL in seconds; 0 means the server's default.
  public var jwtSVIDTTL: Int32
  /// Trust domains whose bundles the workload also receives.
  public var federatesWith: [TrustDomain]
  /// DNS SANs; the first is also the subject's CN.
  public var dnsNames: [String]
  /// Whether the SVID grants access to the server's APIs.
  public var admin: Bool
  /// Whether the entry describes a downstream SPIRE server.
  public var downstream: Bool
  /// Whether the SVID is pushed through an SVIDStore plugin.
  public var storeSVID: Bool
  /// A string that tells apart several SVIDs of one workload.
  public var hint: String
  /// Bumped on every update.
  public var revisionNumber: Int64
  /// Creation time, epoch seconds.
  public var createdAt: Int64
  /// Epoch seconds after which the entry is pruned; 0 for never.
  public var expiresAt: Int64

  /// An entry with the given fields; the ID, revision and creation time are usually set by ``EntryStore``.
  public init(
    id: String = "", spiffeID: SPIFFEID, parentID: SPIFFEID, selectors: [Selector], x509SVIDTTL: Int32 = 0,
    jwtSVIDTTL: Int32 = 0, federatesWith: [TrustDomain] = [], dnsNames: [String] = [], admin: Bool = false,
    downstream: Bool = false, storeSVID: Bool = false, hint: String = "", revisionNumber: Int64 = 0,
    createdAt: Int64 = 0, expiresAt: Int64 = 0
  ) {
    self.id = id
    self.spiffeID = spiffeID
    self.parentID = parentID
    self.selectors = selectors
    self.x509SVIDTTL = x509SVIDTTL
    self.jwtSVIDTTL = jwtSVIDTTL
    self.federatesWith = federatesWith
    self.dnsNames = dnsNames
    self.admin = admin
    self.downstream = downstream
    self.storeSVID = storeSVID
    self.hint = hint
    self.revisionNumber = revisionNumber
    self.createdAt = createdAt
    self.expiresAt = expiresAt
  }

  /// Whether this is a node entry (an alias for the agents that match it): its parent is the server.
  public var isNodeEntry: Bool { parentID == parentID.trustDomain.serverID }

  /// Whether all of the entry's selectors are in `selectors` (SPIRE's subset rule).
  public func applies(toSelectors selectors: Set<Selector>) -> Bool {
    self.selectors.allSatisfy(selectors.contains)
  }

  /// The entry's selectors that `selectors` lacks.
  public func missingSelectors(from selectors: Set<Selector>) -> [Selector] {
    self.selectors.filter { !selectors.contains($0) }
  }
}
