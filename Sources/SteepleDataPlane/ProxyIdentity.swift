import Foundation
import NIOSSL
import SteepleSPIRE
import SwiftASN1
import X509

/// One proxy's secrets as TLS contexts: its current SVID and its trust domain's bundle, as an SDS
/// push delivers them. Immutable; a rotation makes a new one, which new connections pick up.
final class ProxyIdentity: Sendable {
  /// The SVID presented.
  let svid: X509SVID
  /// The bundle peers must chain to.
  let bundle: TrustBundle
  /// TLS 1.3 server side, asking for (and requiring) a client certificate.
  let serverContext: NIOSSLContext
  /// TLS 1.3 client side, presenting the SVID.
  let clientContext: NIOSSLContext
  /// The peers' chains already analysed against `bundle`.
  let analyses = ChainAnalysisCache()

  /// The identity of `id` as `source` has it now.
  convenience init(id: SPIFFEID, source: any SecretSource) throws {
    try self.init(svid: try source.svid(named: id), bundle: try source.bundle(for: id.trustDomain))
  }

  init(svid: X509SVID, bundle: TrustBundle) throws {
    self.svid = svid
    self.bundle = bundle
    let chain = [NIOSSLCertificateSource.certificate(try NIOSSLCertificate(bytes: svid.certificateDER, format: .der))]
    let key = NIOSSLPrivateKeySource.privateKey(try NIOSSLPrivateKey(bytes: Array(svid.exportPrivateKeyPKCS8DER()), format: .der))
    let roots = NIOSSLTrustRoots.certificates(
      try bundle.x509Authorities.map { authority in
        var serializer = DER.Serializer()
        try serializer.serialize(authority)
        return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
      })
    var server = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
    var client = TLSConfiguration.makeClientConfiguration()
    client.certificateChain = chain
    client.privateKey = key
    server = Self.spiffe(server, roots: roots)
    client = Self.spiffe(client, roots: roots)
    serverContext = try NIOSSLContext(configuration: server)
    clientContext = try NIOSSLContext(configuration: client)
  }

  /// SPIFFE's TLS profile: TLS 1.3 only, the peer's certificate required, no host names (the custom
  /// verification callback checks the chain and the URI SAN; the roots keep the system bundle out).
  static func spiffe(_ configuration: TLSConfiguration, roots: NIOSSLTrustRoots) -> TLSConfiguration {
    var configuration = configuration
    configuration.minimumTLSVersion = .tlsv13
    configuration.maximumTLSVersion = .tlsv13
    configuration.certificateVerification = .noHostnameVerification
    configuration.trustRoots = roots
    return configuration
  }

  /// The validator of a peer in `role` against this identity's bundle.
  func validator(role: SVIDValidator.PeerRole, admitted: Set<SPIFFEID>?) -> SVIDValidator {
    SVIDValidator(bundle: bundle, admitted: admitted, role: role)
  }
}
