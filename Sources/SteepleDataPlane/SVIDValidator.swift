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
    guard let leaf = presented.first else { return .failure(.noCertificate) }
    let id: SPIFFEID
    do {
      id = try leafIdentity(leaf)
      try checkChain(leaf: leaf, intermediates: Array(presented.dropFirst()), at: now)
    } catch let rejection as PeerRejection {
      return .failure(rejection)
    } catch {
      return .failure(.untrusted("\(error)"))
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

  private func checkChain(leaf: Certificate, intermediates: [Certificate], at now: Date) throws {
    var current = leaf
    var remaining = intermediates
    while true {
      try checkWindow(current, at: now, what: current == leaf ? "the leaf" : "an intermediate CA")
      if let root = bundle.x509Authorities.first(where: {
        $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current)
      }) {
        try checkWindow(root, at: now, what: "the bundle's CA")
        return
      }
      guard let index = remaining.firstIndex(where: { $0.subject == current.issuer }) else {
        throw PeerRejection.untrusted("it is not signed by a CA of the bundle of '\(bundle.trustDomain)'")
      }
      let parent = remaining.remove(at: index)
      guard let constraints = try parent.extensions.basicConstraints, case .isCertificateAuthority = constraints,
        parent.publicKey.isValidSignature(current.signature, for: current)
      else { throw PeerRejection.untrusted("its issuer in the presented chain is not a CA that signed it") }
      current = parent
    }
  }

  private func checkWindow(_ certificate: Certificate, at now: Date, what: String) throws {
    if now < certificate.notValidBefore {
      throw PeerRejection.untrusted("\(what) is not valid before \(certificate.notValidBefore) (now is \(now))")
    }
    if now > certificate.notValidAfter {
      throw PeerRejection.untrusted("\(what) expired at \(certificate.notValidAfter) (now is \(now))")
    }
  }
}
