import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@testable import SteepleSPIRE

@Suite struct TrustBundleTests {
  let trustDomain = try! TrustDomain("example.org")

  @Test(arguments: KeyType.allCases)
  func spiffeFormatIsAJWKSetWithOneX5cPerCAAndNoKid(keyType: KeyType) throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: testNow)
    try server.advance(to: testNow + 13 * 3600)
    let bundle = server.bundle(refreshHint: 300)
    let json = try bundle.spiffeBundleJSON()
    guard case .object(let document) = try JSONValue.decode(Data(json.utf8)) else {
      Issue.record("not an object: \(json)")
      return
    }
    #expect(document["spiffe_sequence"] == .number(2))
    #expect(document["spiffe_refresh_hint"] == .number(300))
    guard case .array(let allKeys)? = document["keys"] else {
      Issue.record("no keys: \(json)")
      return
    }
    #expect(allKeys.count == 4)  // two CAs, then their two JWT keys
    let keys = Array(allKeys.prefix(2))
    for (key, authority) in zip(keys, server.bundleAuthorities) {
      guard case .object(let jwk) = key else { continue }
      #expect(jwk["use"] == .string("x509-svid"))
      #expect(jwk["kid"] == nil)
      #expect(jwk["x5c"] == .array([.string(Data(authority.certificateDER).base64EncodedString())]))
      switch keyType {
      case .ecP256: #expect(jwk["kty"] == .string("EC") && jwk["crv"] == .string("P-256"))
      case .ecP384: #expect(jwk["kty"] == .string("EC") && jwk["crv"] == .string("P-384"))
      case .rsa2048: #expect(jwk["kty"] == .string("RSA") && jwk["e"] == .string("AQAB"))
      }
    }
    let parsed = try TrustBundle(spiffeBundleJSON: Data(json.utf8), trustDomain: trustDomain)
    #expect(parsed == bundle)
  }

  @Test func p256CoordinatesMatchTheCertificate() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: testNow)
    let parameters = try TrustBundle.publicKeyParameters(of: ca.certificate.publicKey)
    let key = try #require(P256.Signing.PublicKey(ca.certificate.publicKey))
    let raw = key.rawRepresentation
    #expect(parameters["x"] == .string(Base64URL.encode(raw.prefix(32))))
    #expect(parameters["y"] == .string(Base64URL.encode(raw.suffix(32))))
  }

  @Test func pemListsEveryCA() throws {
    var server = try ServerCA(trustDomain: trustDomain, caTTL: 86_400, now: testNow)
    try server.advance(to: testNow + 13 * 3600)
    let pem = server.bundle().pem
    let documents = try PEMDocument.parseMultiple(pemString: pem)
    #expect(documents.count == 2)
    #expect(try documents.map { try Certificate(pemDocument: $0) } == server.bundleAuthorities.map(\.certificate))
  }

  @Test func readingIgnoresUnknownUsesAndRejectsMalformedX509Keys() throws {
    let ca = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: testNow)
    let x5c = Data(ca.certificateDER).base64EncodedString()
    let mixed = """
      {"keys":[{"kty":"EC","use":"x509-svid","x5c":["\(x5c)"]},{"kty":"EC","use":"other"},{"kty":"EC"},
      {"kty":"EC","kid":"k1","use":"jwt-svid","crv":"P-256","x":"a","y":"b"}],"spiffe_sequence":7}
      """
    let bundle = try TrustBundle(spiffeBundleJSON: Data(mixed.utf8), trustDomain: trustDomain)
    #expect(bundle.x509Authorities == [ca.certificate])
    #expect(bundle.jwtAuthorities.count == 1)
    #expect(bundle.sequence == 7)
    #expect(bundle.refreshHint == TrustBundle.defaultRefreshHint)
    let twoCerts = #"{"keys":[{"kty":"EC","use":"x509-svid","x5c":["\#(x5c)","\#(x5c)"]}]}"#
    #expect(throws: BundleFormatError.x5cNotOneCertificate(key: 0)) {
      try TrustBundle(spiffeBundleJSON: Data(twoCerts.utf8), trustDomain: trustDomain)
    }
    let withKid = #"{"keys":[{"kty":"EC","kid":"x","use":"x509-svid","x5c":["\#(x5c)"]}]}"#
    #expect(throws: BundleFormatError.x509KeyWithKid(key: 0)) {
      try TrustBundle(spiffeBundleJSON: Data(withKid.utf8), trustDomain: trustDomain)
    }
    #expect(throws: BundleFormatError.invalidNumber("spiffe_sequence")) {
      try TrustBundle(spiffeBundleJSON: Data(#"{"keys":[],"spiffe_sequence":-1}"#.utf8), trustDomain: trustDomain)
    }
    #expect(throws: BundleFormatError.missingKeys) { try TrustBundle(spiffeBundleJSON: Data("{}".utf8), trustDomain: trustDomain) }
  }
}
