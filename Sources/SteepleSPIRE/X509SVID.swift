public import Foundation
public import X509

/// An X.509-SVID: a leaf certificate for one SPIFFE ID, its private key, and the CA that signed it.
public struct X509SVID: Sendable {
  /// The ID in the certificate's only URI SAN.
  public let spiffeID: SPIFFEID
  /// The leaf certificate.
  public let certificate: Certificate
  /// The signing CA's certificate (the chain's end; it belongs in the bundle, not in `svid.pem`).
  public let authority: Certificate
  /// The leaf's private key. Never printed; exported only through ``exportPrivateKeyPKCS8PEM()``.
  let privateKey: PrivateSigningKey

  init(spiffeID: SPIFFEID, certificate: Certificate, authority: Certificate, privateKey: PrivateSigningKey) {
    self.spiffeID = spiffeID
    self.certificate = certificate
    self.authority = authority
    self.privateKey = privateKey
  }

  /// An SVID read back from storage: the leaf (DER), the CA that signed it (DER) and the leaf's P-256
  /// key (PKCS#8 DER). Fails when the key does not match the leaf or the leaf has not exactly one
  /// SPIFFE ID.
  public init(certificateDER: [UInt8], authorityDER: [UInt8], keyPKCS8DER: Data) throws {
    let certificate = try Certificate(derEncoded: certificateDER)
    let key = try PrivateSigningKey(pkcs8DER: keyPKCS8DER, keyType: .ecP256)
    guard key.publicKey == certificate.publicKey else { throw AuthorityRestoreError.keyDoesNotMatchCertificate }
    var uris: [String] = []
    if let names = try certificate.extensions.subjectAlternativeNames {
      for name in names {
        if case .uniformResourceIdentifier(let uri) = name { uris.append(uri) }
      }
    }
    guard uris.count == 1 else { throw SVIDRestoreError.notOneURISAN(uris.count) }
    self.init(
      spiffeID: try SPIFFEID(parsing: uris[0]), certificate: certificate,
      authority: try Certificate(derEncoded: authorityDER), privateKey: key)
  }

  /// The signing CA's certificate, DER.
  public var authorityDER: [UInt8] { DERCoding.bytes(of: authority) }

  /// The leaf's serial number, in the colon-separated hex `openssl x509 -serial` also shows (without colons).
  public var serialNumber: String { certificate.serialNumber.bytes.map { String(format: "%02X", $0) }.joined() }
  /// When the SVID starts being valid (backdated by ``X509Authority/notBeforeCushion``).
  public var notBefore: Date { certificate.notValidBefore }
  /// When the SVID expires.
  public var notAfter: Date { certificate.notValidAfter }

  /// Whether the SVID has expired at `now`: `now` is after its NotAfter (which is still valid, RFC 5280).
  public func isExpired(at now: Date) -> Bool { now > notAfter }

  /// When an agent renews it: at half of its lifetime, as SPIRE's agent does. (SPIRE spreads renewals
  /// by up to a tenth of the half-life either side; here the time is exact, so that a modelled clock
  /// makes rotation reproducible.)
  public var rotationTime: Date { notBefore + notAfter.timeIntervalSince(notBefore) / 2 }

  /// The leaf's DER encoding.
  public var certificateDER: [UInt8] { DERCoding.bytes(of: certificate) }
  /// The chain as `svid.pem` holds it: the leaf (SPIRE signs SVIDs with the root CA, so no intermediates).
  public var chainPEM: String { PEM.document(label: "CERTIFICATE", der: certificateDER) }

  /// The private key as PKCS#8 PEM, for `svid.key`. Only for handing the key to its workload.
  public func exportPrivateKeyPKCS8PEM() -> String { privateKey.exportPKCS8PEM() }
  /// The private key as PKCS#8 DER.
  public func exportPrivateKeyPKCS8DER() -> Data { privateKey.exportPKCS8DER() }
}

extension X509SVID: CustomStringConvertible, CustomReflectable {
  /// The ID, serial and validity: never the key.
  public var description: String { "X509SVID(\(spiffeID), serial \(serialNumber), valid \(notBefore) to \(notAfter))" }
  /// Reflection shows the description only, so `dump` prints no key material.
  public var customMirror: Mirror { Mirror(self, children: ["description": description], displayStyle: .struct) }
}

/// Why a stored SVID could not be read back.
public enum SVIDRestoreError: Error, Equatable, Sendable, CustomStringConvertible {
  case notOneURISAN(Int)

  public var description: String {
    switch self {
    case .notOneURISAN(let count): "the stored SVID has \(count) URI SANs: an X509-SVID has exactly one"
    }
  }
}

/// Why an SVID was not issued.
public enum SVIDIssueError: Error, Equatable, Sendable, CustomStringConvertible {
  case rootID(SPIFFEID)
  case otherTrustDomain(SPIFFEID, TrustDomain)
  case invalidDNSName(String)
  case nonPositiveTTL(TimeInterval)
  case authorityExpired(notAfter: Date)

  public var description: String {
    switch self {
    case .rootID(let id):
      "'\(id)' has no path: an X509-SVID's ID must have one (X509-SVID §3.1); the root ID is the CA's"
    case .otherTrustDomain(let id, let td): "'\(id)' is not in the trust domain '\(td)' of the signing CA"
    case .invalidDNSName(let name):
      "'\(name)' is not a DNS name: labels of a-z, 0-9 and '-', at most 63 characters each, separated by '.'"
    case .nonPositiveTTL(let ttl): "an SVID's TTL must be positive, not \(Int(ttl)) seconds"
    case .authorityExpired(let notAfter): "the signing CA expired at \(notAfter): rotate it before issuing"
    }
  }
}

extension X509Authority {
  /// Issues an X.509-SVID for `id`, shaped as SPIRE 1.15 issues them.
  ///
  /// The leaf gets a fresh P-256 key; subject `C=US, O=SPIRE` (with the first DNS name as CN, as SPIRE
  /// does); a critical `basicConstraints` CA:FALSE; a critical `keyUsage` digitalSignature +
  /// keyEncipherment + keyAgreement; `extKeyUsage` serverAuth + clientAuth; subject and authority key
  /// identifiers; exactly one URI SAN (`id`) and the DNS names as DNS SANs. NotBefore is `now` minus
  /// ``notBeforeCushion``; NotAfter is `now + ttl`, capped at the CA's NotAfter.
  public func issueSVID(
    for id: SPIFFEID, ttl: TimeInterval, dnsNames: [String] = [], now: Date
  ) throws -> X509SVID {
    try issueSVID(for: id, ttl: ttl, dnsNames: dnsNames, now: now, key: try PrivateSigningKey.generate(.ecP256))
  }

  /// Issues an X.509-SVID for `id` whose certified key is `key` (as for a CSR the agent made).
  public func issueSVID(
    for id: SPIFFEID, ttl: TimeInterval, dnsNames: [String] = [], now: Date, key: PrivateSigningKey
  ) throws -> X509SVID {
    guard !id.isRoot else { throw SVIDIssueError.rootID(id) }
    guard id.trustDomain == trustDomain else { throw SVIDIssueError.otherTrustDomain(id, trustDomain) }
    guard ttl > 0 else { throw SVIDIssueError.nonPositiveTTL(ttl) }
    guard now < notAfter else { throw SVIDIssueError.authorityExpired(notAfter: notAfter) }
    for name in dnsNames where !DNSName.isValid(name) { throw SVIDIssueError.invalidDNSName(name) }
    let subject =
      try dnsNames.first.map { first in
        try DistinguishedName {
          CountryName("US")
          OrganizationName("SPIRE")
          CommonName(first)
        }
      } ?? Self.svidSubject
    let publicKey = key.publicKey
    let authorityKeyID = subjectKeyIdentifier
    let names: [GeneralName] =
      [.uniformResourceIdentifier(id.description)] + dnsNames.map { .dnsName($0) }
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(bytes: SerialNumbers.random()), publicKey: publicKey,
      notValidBefore: now - Self.notBeforeCushion, notValidAfter: min(now + ttl, notAfter),
      issuer: self.certificate.subject, subject: subject,
      extensions: try Certificate.Extensions {
        Critical(BasicConstraints.notCertificateAuthority)
        Critical(KeyUsage(digitalSignature: true, keyEncipherment: true, keyAgreement: true))
        try ExtendedKeyUsage([.serverAuth, .clientAuth])
        SubjectKeyIdentifier(hash: publicKey)
        AuthorityKeyIdentifier(keyIdentifier: authorityKeyID[...])
        SubjectAlternativeNames(names)
      },
      issuerPrivateKey: self.key.certificateKey)
    return X509SVID(spiffeID: id, certificate: certificate, authority: self.certificate, privateKey: key)
  }
}

extension X509Authority {
  /// SPIRE's default X509-SVID subject, `C=US, O=SPIRE`, built once (from constants, which cannot fail).
  static let svidSubject = try! DistinguishedName {
    CountryName("US")
    OrganizationName("SPIRE")
  }
}

/// DNS names as SPIRE accepts them in entries and SVIDs.
public enum DNSName {
  /// Whether `name` is a DNS name: labels of letters, digits and `-` (not at either end), 1 to 63
  /// characters, joined by `.`, 253 characters at most. A leading `*.` wildcard label is allowed.
  public static func isValid(_ name: String) -> Bool {
    guard !name.isEmpty, name.utf8.count <= 253 else { return false }
    var labels = name.split(separator: ".", omittingEmptySubsequences: false)
    if labels.count > 1, labels.first == "*" { labels.removeFirst() }
    return labels.allSatisfy { label in
      !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
        && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
  }
}
