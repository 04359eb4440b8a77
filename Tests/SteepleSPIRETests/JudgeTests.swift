import Foundation
import SwiftASN1
import Testing
import X509

@testable import SteepleSPIRE

/// Our SVIDs and bundles handed to judges we did not write: OpenSSL, Python's `cryptography` and
/// py-spiffe (installed by scripts/setup). Each judge is also shown a broken certificate, so it is
/// seen to judge.
@Suite struct JudgeTests {
  let trustDomain = try! TrustDomain("am-multi-account-mesh")

  /// `-attime` for OpenSSL: the tests' fixed time, a minute on.
  var attime: String { String(Int(testNow.timeIntervalSince1970) + 60) }

  @Test(.enabled(if: Judges.hasOpenSSL), arguments: KeyType.allCases)
  func opensslVerifiesEveryChainStrictlyForServerAndClient(keyType: KeyType) throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 86_400, now: testNow)
    let svids = [
      try ca.issueSVID(for: try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/frontend"), ttl: 3600, now: testNow),
      try ca.issueSVID(
        for: try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/yelbdb"), ttl: 3600,
        dnsNames: ["yelb-db.yelb.svc.cluster.local"], now: testNow),
    ]
    try Judges.withDirectory { directory in
      try Judges.write(ca.certificatePEM, "ca.pem", in: directory)
      for (index, svid) in svids.enumerated() {
        try Judges.write(svid.chainPEM, "svid\(index).pem", in: directory)
        for purpose in [[], ["-purpose", "sslserver"], ["-purpose", "sslclient"]] {
          let outcome = try Judges.run(
            ["openssl", "verify", "-x509_strict", "-attime", attime] + purpose + ["-CAfile", "ca.pem", "svid\(index).pem"],
            in: directory)
          #expect(outcome.output == "svid\(index).pem: OK\n", "\(purpose): \(outcome.output)\(outcome.errors)")
        }
      }
      let text = try Judges.run(["openssl", "x509", "-in", "svid1.pem", "-noout", "-text"], in: directory).output
      for line in [
        "Subject: C = US, O = SPIRE, CN = yelb-db.yelb.svc.cluster.local", "X509v3 Basic Constraints: critical",
        "CA:FALSE", "X509v3 Key Usage: critical", "Digital Signature, Key Encipherment, Key Agreement",
        "TLS Web Server Authentication, TLS Web Client Authentication", "X509v3 Subject Key Identifier",
        "X509v3 Authority Key Identifier",
        "URI:spiffe://am-multi-account-mesh/yelbdb, DNS:yelb-db.yelb.svc.cluster.local",
      ] {
        #expect(text.contains(line), "openssl x509 -text lacks '\(line)'")
      }
      let caText = try Judges.run(["openssl", "x509", "-in", "ca.pem", "-noout", "-text"], in: directory).output
      for line in [
        "Subject: C = US, O = SPIFFE, serialNumber = ", "X509v3 Basic Constraints: critical", "CA:TRUE",
        "X509v3 Key Usage: critical", "Certificate Sign, CRL Sign", "X509v3 Subject Key Identifier",
        "URI:spiffe://am-multi-account-mesh\n",
      ] {
        #expect(caText.contains(line), "openssl x509 -text of the CA lacks '\(line)'")
      }
      // The judge judges: the leaf does not verify against another CA, nor once expired.
      let stranger = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 86_400, now: testNow)
      try Judges.write(stranger.certificatePEM, "stranger.pem", in: directory)
      let foreign = try Judges.run(["openssl", "verify", "-attime", attime, "-CAfile", "stranger.pem", "svid0.pem"], in: directory)
      #expect(foreign.status != 0)
      let late = String(Int(testNow.timeIntervalSince1970) + 3601)
      let expired = try Judges.run(["openssl", "verify", "-attime", late, "-CAfile", "ca.pem", "svid0.pem"], in: directory)
      #expect(expired.status != 0 && (expired.output + expired.errors).contains("certificate has expired"), "\(expired.output)")
    }
  }

  @Test(.enabled(if: Judges.hasCryptography), arguments: KeyType.allCases)
  func pythonCryptographyReadsTheCA(keyType: KeyType) throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, keyType: keyType, ttl: 86_400, now: testNow)
    let script = """
      import sys
      from cryptography import x509
      from cryptography.x509.oid import ExtensionOID
      ca = x509.load_pem_x509_certificate(open("ca.pem", "rb").read())
      bc = ca.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
      ku = ca.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
      san = ca.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
      uris = san.value.get_values_for_type(x509.UniformResourceIdentifier)
      ca.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
      ca.verify_directly_issued_by(ca)
      print(bc.critical, bc.value.ca, ku.critical, ku.value.key_cert_sign, ku.value.crl_sign, ku.value.digital_signature, uris, ca.issuer == ca.subject)
      """
    try Judges.withDirectory { directory in
      try Judges.write(ca.certificatePEM, "ca.pem", in: directory)
      let outcome = try Judges.python(script, in: directory)
      #expect(outcome.output == "True True True True True False ['spiffe://am-multi-account-mesh'] True\n", "\(outcome.errors)")
    }
  }

  /// py-spiffe's offline checks of X509-SVID §4 and §5 (exactly one URI SAN, non-root path, CA false,
  /// digitalSignature without keyCertSign) and its bundle parser.
  static let pySPIFFEScript = """
    import base64, json, sys
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from spiffe import X509Svid, X509Bundle, TrustDomain
    td = TrustDomain(sys.argv[1])
    def svid(chain, key):
        try:
            s = X509Svid.parse(open(chain, "rb").read(), open(key, "rb").read())
            return "ok " + str(s.spiffe_id)
        except Exception as e:
            return "rejected " + type(e).__name__
    results = [svid("svid.pem", "svid.key"), svid("ca-flagged.pem", "svid.key"), svid("two-uris.pem", "svid.key")]
    pem_bundle = X509Bundle.parse(td, open("bundle.pem", "rb").read())
    jwks = json.load(open("bundle.json"))
    keys = [k for k in jwks["keys"] if k["use"] == "x509-svid"]
    assert all("kid" not in k and len(k["x5c"]) == 1 for k in keys), "x509-svid keys need one x5c and no kid"
    der = b"".join(base64.b64decode(k["x5c"][0]) for k in keys)
    jwks_bundle = X509Bundle.parse_raw(td, der)
    same = sorted(c.fingerprint(c.signature_hash_algorithm) for c in pem_bundle.x509_authorities) == \
        sorted(c.fingerprint(c.signature_hash_algorithm) for c in jwks_bundle.x509_authorities)
    for k in keys:
        n = x509.load_der_x509_certificate(base64.b64decode(k["x5c"][0])).public_key().public_numbers()
        if k["kty"] == "EC":
            b = lambda v: int.from_bytes(base64.urlsafe_b64decode(v + "=" * (-len(v) % 4)), "big")
            assert (b(k["x"]), b(k["y"])) == (n.x, n.y), "JWK coordinates differ from the certificate's key"
    results.append("bundle %d %d %s seq=%s hint=%s" % (len(pem_bundle.x509_authorities), len(jwks_bundle.x509_authorities), same, jwks["spiffe_sequence"], jwks["spiffe_refresh_hint"]))
    print("\\n".join(results))
    """

  @Test(.enabled(if: Judges.hasPySPIFFE), arguments: KeyType.allCases)
  func pySPIFFEParsesSVIDsAndBundlesAndRejectsBrokenLeaves(keyType: KeyType) throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: testNow)
    try server.advance(to: testNow + 12 * 3600)  // the next CA is prepared: two CAs in the bundle
    #expect(server.bundleAuthorities.count == 2)
    let id = try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/yelbapp")
    let svid = try server.current.issueSVID(for: id, ttl: 3600, now: testNow + 12 * 3600)
    let broken = try BrokenLeaves(authority: server.current, key: svid, now: testNow + 12 * 3600)
    try Judges.withDirectory { directory in
      try Judges.write(svid.chainPEM, "svid.pem", in: directory)
      try Judges.write(svid.exportPrivateKeyPKCS8PEM(), "svid.key", in: directory)
      try Judges.write(broken.caFlagged, "ca-flagged.pem", in: directory)
      try Judges.write(broken.twoURIs, "two-uris.pem", in: directory)
      let bundle = server.bundle()
      try Judges.write(bundle.pem, "bundle.pem", in: directory)
      try Judges.write(try bundle.spiffeBundleJSON(), "bundle.json", in: directory)
      let outcome = try Judges.python(Self.pySPIFFEScript, [trustDomain.name], in: directory)
      #expect(
        outcome.output == """
          ok spiffe://am-multi-account-mesh/yelbapp
          rejected InvalidLeafCertificateError
          rejected InvalidLeafCertificateError
          bundle 2 2 True seq=2 hint=300

          """, "\(outcome.errors)")
    }
  }
}

/// Leaves made wrong on purpose, signed by a real CA and certifying a real SVID's key, so only the
/// broken property differs: one says CA:TRUE, one has two URI SANs.
struct BrokenLeaves {
  var caFlagged: String
  var twoURIs: String

  init(authority: X509Authority, key svid: X509SVID, now: Date) throws {
    func leaf(ca: Bool, uris: [String]) throws -> String {
      let certificate = try Certificate(
        version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: svid.certificate.publicKey,
        notValidBefore: now - 10, notValidAfter: now + 3600, issuer: authority.certificate.subject,
        subject: try DistinguishedName {
          CountryName("US")
          OrganizationName("SPIRE")
        },
        extensions: try Certificate.Extensions {
          Critical(ca ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : BasicConstraints.notCertificateAuthority)
          Critical(KeyUsage(digitalSignature: true))
          try ExtendedKeyUsage([.serverAuth, .clientAuth])
          SubjectAlternativeNames(uris.map { .uniformResourceIdentifier($0) })
        },
        issuerPrivateKey: authority.key.certificateKey)
      return try certificate.serializeAsPEM().pemString + "\n"
    }
    caFlagged = try leaf(ca: true, uris: [svid.spiffeID.description])
    twoURIs = try leaf(ca: false, uris: [svid.spiffeID.description, "spiffe://am-multi-account-mesh/other"])
  }
}
