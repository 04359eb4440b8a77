public import SteepleSPIRE

/// What one workload is entitled to (`SteepleSPIRE.X509SVID`s: the generated message of the same
/// name is the wire form), as its Workload API socket hands it out: its X.509-SVIDs (the
/// default one first, each with its key) and the bundles it trusts (its own trust domain's first).
public struct WorkloadIdentity: Sendable {
  /// The workload's X.509-SVIDs, the default one first. Empty when no entry applies to it (yet).
  public var svids: [SteepleSPIRE.X509SVID]
  /// The bundles the workload trusts: those of its SVIDs' trust domains, then federated ones.
  public var bundles: [TrustBundle]

  /// An identity of `svids` and `bundles`.
  public init(svids: [SteepleSPIRE.X509SVID], bundles: [TrustBundle]) {
    self.svids = svids
    self.bundles = bundles
  }

  /// The bundle of `trustDomain`, when the workload trusts it.
  public func bundle(for trustDomain: TrustDomain) -> TrustBundle? { bundles.first { $0.trustDomain == trustDomain } }

  /// What a client of the Workload API would see change: the SVIDs' serial numbers and the bundles'
  /// sequence numbers and authorities. Publishing an identity with the same version pushes nothing.
  public var version: [String] {
    svids.map { "svid \($0.spiffeID) \($0.serialNumber)" }
      + bundles.map { bundle in
        "bundle \(bundle.trustDomain) \(bundle.sequence) \(bundle.x509AuthoritiesDER.count) \(bundle.jwtAuthorities.count)"
      }
  }
}
