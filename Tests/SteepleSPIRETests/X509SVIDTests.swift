import Crypto
import Foundation
import Testing
import X509

@testable import SteepleSPIRE

/// A fixed time for certificates, so no test reads the wall clock (OpenSSL is told it with -attime).
let testNow = Date(timeIntervalSince1970: 1_796_000_000)

@Suite struct X509SVIDTests {
  let trustDomain = try! TrustDomain("am-multi-account-mesh")

  func id(_ path: String) throws -> SPIFFEID { try SPIFFEID(trustDomain: trustDomain, path: path) }

  @Test(arguments: KeyType.allCases)
  func caIsSelfSignedWithTheTrustDomainAsItsOnlyURI(keyType: KeyType) throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 86_400, now: testNow)
    let certificate = ca.certificate
    #expect(certificate.issuer == certificate.subject)
    // C=US, O=SPIFFE, serialNumber=<the serial in decimal>, as SPIRE names its CAs.
    let serial = SerialNumbers.decimal(Array(certificate.serialNumber.bytes))
    #expect(certificate.subject.description == "2.5.4.5=\(serial),O=SPIFFE,C=US")
    #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
    #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
    #expect(try certificate.extensions.keyUsage == KeyUsage(keyCertSign: true, cRLSign: true))
    #expect(certificate.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
    #expect(try certificate.extensions.subjectAlternativeNames.map(Array.init) == [.uniformResourceIdentifier("spiffe://am-multi-account-mesh")])
    #expect(!ca.subjectKeyIdentifier.isEmpty)
    #expect(certificate.notValidBefore == testNow - 10)
    #expect(certificate.notValidAfter == testNow + 86_400)
    #expect(ca.keyType == keyType)
  }

  @Test func svidIsShapedAsSPIREIssuesIt() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: testNow)
    let svid = try ca.issueSVID(for: try id("/frontend"), ttl: 3600, dnsNames: ["yelb-ui.yelb.svc.cluster.local"], now: testNow)
    let leaf = svid.certificate
    #expect(leaf.subject.description == "CN=yelb-ui.yelb.svc.cluster.local,O=SPIRE,C=US")
    #expect(leaf.issuer == ca.certificate.subject)
    #expect(leaf.subject != ca.certificate.subject)
    #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
    #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
    #expect(try leaf.extensions.keyUsage == KeyUsage(digitalSignature: true, keyEncipherment: true, keyAgreement: true))
    #expect(leaf.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
    #expect(try leaf.extensions.extendedKeyUsage == ExtendedKeyUsage([.serverAuth, .clientAuth]))
    let names = try #require(try leaf.extensions.subjectAlternativeNames)
    #expect(Array(names) == [.uniformResourceIdentifier("spiffe://am-multi-account-mesh/frontend"), .dnsName("yelb-ui.yelb.svc.cluster.local")])
    #expect(try leaf.extensions.authorityKeyIdentifier?.keyIdentifier.map(Array.init) == ca.subjectKeyIdentifier)
    #expect(try leaf.extensions.subjectKeyIdentifier != nil)
    #expect(leaf.notValidBefore == testNow - 10)
    #expect(leaf.notValidAfter == testNow + 3600)
    #expect(P256.Signing.PublicKey(leaf.publicKey) != nil)
    #expect(ca.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
  }

  @Test func subjectWithoutDNSNamesIsSPIREsDefault() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: testNow)
    let svid = try ca.issueSVID(for: try id("/redis"), ttl: 3600, now: testNow)
    #expect(svid.certificate.subject.description == "O=SPIRE,C=US")
    #expect(try svid.certificate.extensions.subjectAlternativeNames.map(Array.init) == [.uniformResourceIdentifier("spiffe://am-multi-account-mesh/redis")])
  }

  @Test func expiryIsCappedAtTheCAsAndSerialsAreUnique() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 1800, now: testNow)
    let capped = try ca.issueSVID(for: try id("/a"), ttl: 3600, now: testNow)
    #expect(capped.notAfter == ca.notAfter)
    let serials = Set(try (0..<50).map { _ in try ca.issueSVID(for: try id("/a"), ttl: 60, now: testNow).serialNumber })
    #expect(serials.count == 50)
  }

  @Test func refusesWhatTheStandardForbids() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 1800, now: testNow)
    #expect(throws: SVIDIssueError.rootID(trustDomain.id)) { try ca.issueSVID(for: trustDomain.id, ttl: 60, now: testNow) }
    let other = try SPIFFEID(parsing: "spiffe://other.org/a")
    #expect(throws: SVIDIssueError.otherTrustDomain(other, trustDomain)) { try ca.issueSVID(for: other, ttl: 60, now: testNow) }
    #expect(throws: SVIDIssueError.invalidDNSName("bad_name")) {
      try ca.issueSVID(for: try id("/a"), ttl: 60, dnsNames: ["bad_name"], now: testNow)
    }
    #expect(throws: SVIDIssueError.authorityExpired(notAfter: ca.notAfter)) {
      try ca.issueSVID(for: try id("/a"), ttl: 60, now: ca.notAfter)
    }
    #expect(
      SVIDIssueError.rootID(trustDomain.id).description
        == "'spiffe://am-multi-account-mesh' has no path: an X509-SVID's ID must have one (X509-SVID §3.1); the root ID is the CA's")
  }

  @Test func keysAreNeverPrinted() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 1800, now: testNow)
    let svid = try ca.issueSVID(for: try id("/a"), ttl: 60, now: testNow)
    let caKey = ca.exportPrivateKeyPKCS8DER().base64EncodedString()
    let leafKey = svid.exportPrivateKeyPKCS8DER().base64EncodedString()
    var shown = "\(ca) \(svid) \(String(reflecting: ca)) \(String(reflecting: svid)) \(ca.key) \(String(reflecting: ca.key))"
    dump(ca, to: &shown)
    dump(svid, to: &shown)
    dump(ca.key, to: &shown)
    #expect(!shown.contains(caKey) && !shown.contains(leafKey))
    #expect(!shown.contains(String(caKey.prefix(40))) && !shown.contains(String(leafKey.prefix(40))))
    #expect("\(ca.key)" == "PrivateSigningKey(ec-p256, <redacted>)")
    #expect(svid.exportPrivateKeyPKCS8PEM().hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
  }

  @Test(arguments: KeyType.allCases)
  func caStoredAndRestoredSignsTheSame(keyType: KeyType) throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 1800, now: testNow)
    let restored = try X509Authority(
      trustDomain: trustDomain, certificateDER: ca.certificateDER, keyPKCS8DER: ca.exportPrivateKeyPKCS8DER(), keyType: keyType)
    #expect(restored.keyID == ca.keyID)
    let svid = try restored.issueSVID(for: try id("/a"), ttl: 60, now: testNow)
    #expect(ca.certificate.publicKey.isValidSignature(svid.certificate.signature, for: svid.certificate))
    let stranger = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 1800, now: testNow)
    #expect(throws: AuthorityRestoreError.keyDoesNotMatchCertificate) {
      try X509Authority(
        trustDomain: trustDomain, certificateDER: ca.certificateDER, keyPKCS8DER: stranger.exportPrivateKeyPKCS8DER(),
        keyType: keyType)
    }
  }
}
