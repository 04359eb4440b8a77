public import SteepleSPIRE

/// Where proxies get their secrets, as Envoy gets them from SPIRE's agent over SDS: a TLS certificate
/// named by the workload's SPIFFE ID, and a validation context named by the trust domain.
///
/// The data plane asks when it starts and again on ``MeshDataPlane/reloadSecrets()`` (SDS's push): a
/// rotated SVID is then presented by new connections while the listener stays up.
public protocol SecretSource: Sendable {
  /// The current X.509-SVID (with its key) for `id`. Throws when no entry issues it.
  func svid(named id: SPIFFEID) throws -> X509SVID
  /// The current bundle of `trustDomain`: the CAs that the peers' SVIDs must chain to.
  func bundle(for trustDomain: TrustDomain) throws -> TrustBundle
}

/// A ``SecretSource`` made of two closures.
public struct ClosureSecretSource: SecretSource {
  let svidLookup: @Sendable (SPIFFEID) throws -> X509SVID
  let bundleLookup: @Sendable (TrustDomain) throws -> TrustBundle

  /// A source answering with `svid` and `bundle`.
  public init(
    svid: @escaping @Sendable (SPIFFEID) throws -> X509SVID, bundle: @escaping @Sendable (TrustDomain) throws -> TrustBundle
  ) {
    svidLookup = svid
    bundleLookup = bundle
  }

  public func svid(named id: SPIFFEID) throws -> X509SVID { try svidLookup(id) }
  public func bundle(for trustDomain: TrustDomain) throws -> TrustBundle { try bundleLookup(trustDomain) }
}
