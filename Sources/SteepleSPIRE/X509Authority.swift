public import Foundation
public import X509
import SwiftASN1

/// One X.509 certificate authority of a trust domain: a signing key and its self-signed CA certificate,
/// shaped as SPIRE makes it.
///
/// The certificate's subject is `C=US, O=SPIFFE, serialNumber=<its serial>` (SPIRE puts the serial in
/// the subject so that successive CAs have distinct names), its only SAN is the trust domain's ID, and
/// it carries a critical `basicConstraints` CA:TRUE, a critical `keyUsage` keyCertSign + cRLSign and a
/// subject key identifier. NotBefore is backdated by ``notBeforeCushion`` like every SPIRE credential.
public struct X509Authority: Sendable {
  /// The trust domain whose CA this is.
  public let trustDomain: TrustDomain
  /// The self-signed CA certificate.
  public let certificate: Certificate
  /// The signing key. Never printed; exported only through ``exportPrivateKeyPKCS8DER()``.
  let key: PrivateSigningKey
  /// The subject key identifier, read once: every SVID carries it as its authority key identifier.
  public let subjectKeyIdentifier: [UInt8]

  /// How far SPIRE backdates NotBefore on the credentials it signs, for clock skew.
  public static let notBeforeCushion: TimeInterval = 10

  /// A new CA for `trustDomain` with a fresh key of `keyType`, valid from `now` (minus the cushion)
  /// for `ttl` seconds.
  public static func selfSigned(
    trustDomain: TrustDomain, keyType: KeyType = .ecP256, ttl: TimeInterval, now: Date
  ) throws -> X509Authority {
    try selfSigned(trustDomain: trustDomain, key: try PrivateSigningKey.generate(keyType), ttl: ttl, now: now)
  }

  /// A new CA for `trustDomain` signed with `key`, valid from `now` (minus the cushion) for `ttl` seconds.
  public static func selfSigned(
    trustDomain: TrustDomain, key: PrivateSigningKey, ttl: TimeInterval, now: Date
  ) throws -> X509Authority {
    let serial = SerialNumbers.random()
    var name = try DistinguishedName {
      CountryName("US")
      OrganizationName("SPIFFE")
    }
    name.append(
      RelativeDistinguishedName(
        try RelativeDistinguishedName.Attribute(
          type: SerialNumbers.subjectAttribute, printableString: SerialNumbers.decimal(serial))))
    let publicKey = key.publicKey
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: publicKey,
      notValidBefore: now - notBeforeCushion, notValidAfter: now + ttl, issuer: name, subject: name,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
        Critical(KeyUsage(keyCertSign: true, cRLSign: true))
        SubjectKeyIdentifier(hash: publicKey)
        SubjectAlternativeNames([.uniformResourceIdentifier(trustDomain.id.description)])
      },
      issuerPrivateKey: key.certificateKey)
    return X509Authority(trustDomain: trustDomain, certificate: certificate, key: key)
  }

  /// A CA read back from storage: its certificate (DER) and its key (PKCS#8 DER, of `keyType`).
  /// Fails when the key does not match the certificate or the certificate is not this trust domain's CA.
  public init(trustDomain: TrustDomain, certificateDER: [UInt8], keyPKCS8DER: Data, keyType: KeyType) throws {
    let certificate = try Certificate(derEncoded: certificateDER)
    let key = try PrivateSigningKey(pkcs8DER: keyPKCS8DER, keyType: keyType)
    guard key.publicKey == certificate.publicKey else { throw AuthorityRestoreError.keyDoesNotMatchCertificate }
    guard (try? certificate.extensions.subjectAlternativeNames)??.contains(
      .uniformResourceIdentifier(trustDomain.id.description)) == true
    else { throw AuthorityRestoreError.otherTrustDomain(trustDomain) }
    self.init(trustDomain: trustDomain, certificate: certificate, key: key)
  }

  init(trustDomain: TrustDomain, certificate: Certificate, key: PrivateSigningKey) {
    self.trustDomain = trustDomain
    self.certificate = certificate
    self.key = key
    self.subjectKeyIdentifier = Self.subjectKeyIdentifier(of: certificate)
  }

  /// The type of the signing key.
  public var keyType: KeyType { key.keyType }
  /// When the CA starts being valid.
  public var notBefore: Date { certificate.notValidBefore }
  /// When the CA expires; no SVID it signs outlives it.
  public var notAfter: Date { certificate.notValidAfter }
  /// A stable name for the CA in logs and state: the hex of its subject key identifier.
  public var keyID: String { subjectKeyIdentifier.map { String(format: "%02x", $0) }.joined() }

  /// The key ID (hex subject key identifier) of a stored CA certificate.
  static func keyID(ofCertificateDER der: [UInt8]) throws -> String {
    keyID(of: try Certificate(derEncoded: der))
  }

  static func subjectKeyIdentifier(of certificate: Certificate) -> [UInt8] {
    guard let ski = try? certificate.extensions.subjectKeyIdentifier else { return [] }
    return Array(ski.keyIdentifier)
  }

  static func keyID(of certificate: Certificate) -> String {
    subjectKeyIdentifier(of: certificate).map { String(format: "%02x", $0) }.joined()
  }

  /// The certificate's DER encoding.
  public var certificateDER: [UInt8] { DERCoding.bytes(of: certificate) }
  /// The certificate as a PEM document.
  public var certificatePEM: String { PEM.document(label: "CERTIFICATE", der: certificateDER) }

  /// The signing key as PKCS#8 DER, for the state store that keeps it owner-only. Nothing else should
  /// call this.
  public func exportPrivateKeyPKCS8DER() -> Data { key.exportPKCS8DER() }
}

extension X509Authority: CustomStringConvertible, CustomReflectable {
  /// The trust domain, key type, key ID and validity: never the key.
  public var description: String {
    "X509Authority(\(trustDomain), \(keyType), key id \(keyID), valid \(notBefore) to \(notAfter))"
  }
  /// Reflection shows the description only, so `dump` prints no key material.
  public var customMirror: Mirror { Mirror(self, children: ["description": description], displayStyle: .struct) }
}

/// Why a stored CA could not be read back.
public enum AuthorityRestoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case keyDoesNotMatchCertificate
  case otherTrustDomain(TrustDomain)

  public var description: String {
    switch self {
    case .keyDoesNotMatchCertificate: "the stored CA key does not match the stored CA certificate's public key"
    case .otherTrustDomain(let td): "the stored CA certificate's URI SAN is not '\(td.id)'"
    }
  }
}

/// DER encoding of certificates.
enum DERCoding {
  static func bytes(of certificate: Certificate) -> [UInt8] {
    var serializer = DER.Serializer()
    // Serializing a certificate that was parsed or built succeeds: it holds its own DER.
    try? serializer.serialize(certificate)
    return serializer.serializedBytes
  }
}
