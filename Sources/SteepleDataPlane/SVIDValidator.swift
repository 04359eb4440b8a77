import Foundation
import SteepleSPIRE
import SwiftASN1
import X509

/// Validates a peer's X.509-SVID synchronously on the event loop, at a given time (the caller's clock,
/// which may be a modelled one): the chain to one of the bundle's CAs (each signature, each validity
/// window, intermediates being CAs), the leaf being an SVID (not a CA, exactly one URI SAN that is a
/// SPIFFE ID of the bundle's trust domain, the extended key usage the role needs, no critical extension
/// it does not understand), and then the ID against the admitted set. Chain failures come first, so a
/// stranger's certificate is "untrusted" even when its ID would be admitted.
struct SVIDValidator: Sendable {
  /// Which end the peer is, so which extended key usage its leaf needs.
  enum PeerRole: Sendable {
    case client
    case server
  }

  let bundle: TrustBundle
  /// The IDs admitted; the check of the SAN is skipped when nil (chain only).
  let admitted: Set<SPIFFEID>?
  let role: PeerRole

  static let understoodCriticalExtensions: Set<ASN1ObjectIdentifier> = [
    .X509ExtensionID.basicConstraints, .X509ExtensionID.keyUsage, .X509ExtensionID.subjectAlternativeName,
    .X509ExtensionID.extendedKeyUsage, .X509ExtensionID.nameConstraints,
  ]

  /// The peer's SPIFFE ID when `presented` (leaf first, as the peer sent it) is admitted at `now`.
  func validate(_ presented: [Certificate], at now: Date) -> Result<SPIFFEID, PeerRejection> {
    judge(analyze(presented), at: now)
  }

  /// What validating `presented` finds that does not depend on the time: the leaf's identity (or why
  /// it is no SVID) and the chain's walk to the bundle, each signature checked once; the windows of
  /// the walk are judged at each handshake's time (`judge`), so an analysis can be kept and reused.
  func analyze(_ presented: [Certificate]) -> ChainAnalysis {
    guard let leaf = presented.first else { return ChainAnalysis(identity: .failure(.noCertificate), walk: [], serial: nil) }
    let serial = leaf.serialNumber.bytes.map { String(format: "%02X", $0) }.joined()
    let identity: Result<SPIFFEID, PeerRejection>
    do {
      identity = .success(try leafIdentity(leaf))
    } catch let rejection as PeerRejection {
      identity = .failure(rejection)
    } catch {
      identity = .failure(.untrusted("\(error)"))
    }
    return ChainAnalysis(identity: identity, walk: walk(leaf: leaf, intermediates: Array(presented.dropFirst())), serial: serial)
  }

  /// The peer's SPIFFE ID when `analysis` holds at `now` and its ID is admitted: the leaf's identity,
  /// then the chain (each certificate's window in the order of the walk), then the admitted set.
  func judge(_ analysis: ChainAnalysis, at now: Date) -> Result<SPIFFEID, PeerRejection> {
    let id: SPIFFEID
    switch analysis.identity {
    case .failure(let rejection): return .failure(rejection)
    case .success(let value): id = value
    }
    for step in analysis.walk {
      switch step {
      case .window(let notBefore, let notAfter, let what):
        if now < notBefore { return .failure(.untrusted("\(what) is not valid before \(notBefore) (now is \(now))")) }
        if now > notAfter { return .failure(.untrusted("\(what) expired at \(notAfter) (now is \(now))")) }
      case .reject(let reason):
        return .failure(.untrusted(reason))
      }
    }
    if let admitted, !admitted.contains(id) { return .failure(.notAdmitted(id, admitted: admitted.sorted())) }
    return .success(id)
  }

  private func leafIdentity(_ leaf: Certificate) throws -> SPIFFEID {
    if let constraints = try leaf.extensions.basicConstraints, case .isCertificateAuthority = constraints {
      throw PeerRejection.untrusted("the leaf is a CA certificate, not an X509-SVID")
    }
    for ext in leaf.extensions where ext.critical && !Self.understoodCriticalExtensions.contains(ext.oid) {
      throw PeerRejection.untrusted("the leaf has a critical extension \(ext.oid) this data plane does not understand")
    }
    if let usage = try leaf.extensions.extendedKeyUsage {
      let needed: ExtendedKeyUsage.Usage = role == .client ? .clientAuth : .serverAuth
      guard usage.contains(needed) || usage.contains(.any) else {
        throw PeerRejection.untrusted("the leaf's extended key usage lacks \(role == .client ? "clientAuth" : "serverAuth")")
      }
    }
    var uris: [String] = []
    for name in try leaf.extensions.subjectAlternativeNames ?? SubjectAlternativeNames() {
      if case .uniformResourceIdentifier(let uri) = name { uris.append(uri) }
    }
    guard uris.count == 1 else {
      throw PeerRejection.untrusted("the leaf has \(uris.count) URI SANs: an X509-SVID has exactly one")
    }
    guard let id = try? SPIFFEID(parsing: uris[0]) else {
      throw PeerRejection.untrusted("the leaf's URI SAN '\(uris[0])' is not a SPIFFE ID")
    }
    guard id.trustDomain == bundle.trustDomain else {
      throw PeerRejection.untrusted("'\(id)' is of the trust domain '\(id.trustDomain)', and the bundle is '\(bundle.trustDomain)'s")
    }
    return id
  }

  /// The chain from `leaf` to a CA of the bundle: each certificate's window to judge, in order, and
  /// where the walk breaks (a signature or an issuer that is no CA), if it does.
  private func walk(leaf: Certificate, intermediates: [Certificate]) -> [ChainAnalysis.Step] {
    var steps: [ChainAnalysis.Step] = []
    var current = leaf
    var remaining = intermediates
    while true {
      steps.append(.window(current, what: current == leaf ? "the leaf" : "an intermediate CA"))
      if let root = bundle.x509Authorities.first(where: {
        $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current)
      }) {
        steps.append(.window(root, what: "the bundle's CA"))
        return steps
      }
      guard let index = remaining.firstIndex(where: { $0.subject == current.issuer }) else {
        return steps + [.reject("it is not signed by a CA of the bundle of '\(bundle.trustDomain)'")]
      }
      let parent = remaining.remove(at: index)
      guard let constraints = try? parent.extensions.basicConstraints, case .isCertificateAuthority = constraints,
        parent.publicKey.isValidSignature(current.signature, for: current)
      else { return steps + [.reject("its issuer in the presented chain is not a CA that signed it")] }
      current = parent
    }
  }
}

/// A presented chain as validated against one bundle, apart from the time: see `SVIDValidator.analyze`.
struct ChainAnalysis: Sendable {
  /// One link of the walk from the leaf to the bundle's CA.
  enum Step: Sendable {
    /// A certificate valid from `notBefore` to `notAfter`.
    case window(notBefore: Date, notAfter: Date, what: String)
    /// The walk breaks here.
    case reject(String)

    static func window(_ certificate: Certificate, what: String) -> Step {
      .window(notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter, what: what)
    }
  }

  let identity: Result<SPIFFEID, PeerRejection>
  let walk: [Step]
  /// The leaf's serial number in hex, as reports show it.
  let serial: String?
}
