import Foundation
import Testing

@testable import SteepleSPIRE

@Suite struct JWTSVIDTests {
  let trustDomain = try! TrustDomain("example.org")
  let id = try! SPIFFEID(parsing: "spiffe://example.org/ns/yelb/sa/yelb-ui")

  /// The header and claims of a token, decoded.
  func parts(of token: String) throws -> (header: [String: JSONValue], claims: [String: JSONValue]) {
    let pieces = token.split(separator: ".", omittingEmptySubsequences: false)
    try #require(pieces.count == 3)
    guard case .object(let header) = try JSONValue.decode(try #require(Base64URL.decode(pieces[0]))),
      case .object(let claims) = try JSONValue.decode(try #require(Base64URL.decode(pieces[1])))
    else { throw JWTSVIDError.malformed }
    return (header, claims)
  }

  /// `header.claims.signature` put back together from JSON texts and a signature part.
  func token(header: String, claims: String, signature: some StringProtocol) -> String {
    Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(Data(claims.utf8)) + "." + signature
  }

  @Test(arguments: KeyType.allCases)
  func issuesAStandardTokenThatValidatesAgainstTheBundle(keyType: KeyType) throws {
    let server = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: testNow)
    let svid = try server.issueJWTSVID(for: id, audience: ["yelb-db"], ttl: 600, now: testNow)
    let (header, claims) = try parts(of: svid.token)
    let alg = ["ec-p256": "ES256", "ec-p384": "ES384", "rsa-2048": "RS256"][keyType.rawValue]!
    #expect(header == ["alg": .string(alg), "kid": .string(server.currentJWTKey.keyID), "typ": .string("JWT")])
    #expect(
      claims == [
        "sub": .string(id.description), "aud": .string("yelb-db"), "exp": .number(testNow.timeIntervalSince1970 + 600),
        "iat": .number(testNow.timeIntervalSince1970),
      ])
    let validated = try JWTSVID.validate(svid.token, audience: "yelb-db", bundle: server.bundle(), now: testNow + 599)
    #expect(validated == svid)
  }

  @Test func severalAudiencesAreAnArrayAndNoneIsRefused() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 86_400, now: testNow)
    let svid = try server.issueJWTSVID(for: id, audience: ["a", "b"], now: testNow)
    #expect(try parts(of: svid.token).claims["aud"] == .array([.string("a"), .string("b")]))
    #expect(try JWTSVID.validate(svid.token, audience: "b", bundle: server.bundle(), now: testNow).audience == ["a", "b"])
    #expect(throws: JWTSVIDError.missingAudience) { try server.issueJWTSVID(for: id, audience: [], now: testNow) }
  }

  @Test func expiryIsTheTTLCappedAtTheKeysExpiry() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 3600, now: testNow)
    #expect(try server.issueJWTSVID(for: id, audience: ["a"], now: testNow).expiresAt == testNow + 300)
    let late = try server.issueJWTSVID(for: id, audience: ["a"], ttl: 7200, now: testNow + 1800)
    #expect(late.expiresAt == server.currentJWTKey.notAfter)
  }

  @Test func bundlePublishesEachJWTKeyWithUseAndKid() throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: .ecP256, caTTL: 86_400, now: testNow)
    try server.advance(to: testNow + 13 * 3600)
    let json = try server.bundle().spiffeBundleJSON()
    guard case .object(let document) = try JSONValue.decode(Data(json.utf8)), case .array(let keys)? = document["keys"] else {
      Issue.record("not a JWK Set: \(json)")
      return
    }
    let jwtKeys = keys.compactMap { key -> [String: JSONValue]? in
      guard case .object(let jwk) = key, jwk["use"] == .string("jwt-svid") else { return nil }
      return jwk
    }
    #expect(jwtKeys.map { $0["kid"] } == server.bundleJWTKeys.map { .string($0.keyID) })
    for jwk in jwtKeys {
      #expect(Set(jwk.keys) == ["kty", "crv", "x", "y", "use", "kid"])
      #expect(jwk["kty"] == .string("EC") && jwk["crv"] == .string("P-256"))
    }
    let parsed = try TrustBundle(spiffeBundleJSON: Data(json.utf8), trustDomain: trustDomain)
    #expect(parsed == server.bundle())
    // The JWT bundle holds the JWT keys alone.
    let jwtBundle = server.bundle().jwtBundleJSON()
    guard case .object(let jwtDocument) = try JSONValue.decode(Data(jwtBundle.utf8)) else {
      Issue.record("not a JWK Set: \(jwtBundle)")
      return
    }
    #expect(jwtDocument["keys"] == .array(jwtKeys.map { .object($0) }))
    #expect(jwtDocument["spiffe_sequence"] == .number(2))
  }

  @Test func aJWTKeyWithoutKidMakesTheBundleInvalid() throws {
    let json = #"{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA","use":"jwt-svid"}]}"#
    #expect(throws: BundleFormatError.jwtKeyWithoutKid(key: 0)) {
      try TrustBundle(spiffeBundleJSON: Data(json.utf8), trustDomain: trustDomain)
    }
  }

  @Test func theJWTKeyRotatesWithTheCAAndOldTokensStayValidUntilItLeaves() throws {
    var server = try ServerCA(trustDomain: trustDomain, caTTL: 24 * 3600, now: testNow)
    let first = server.currentJWTKey
    let early = try server.issueJWTSVID(for: id, audience: ["a"], ttl: 48 * 3600, now: testNow)
    try server.advance(to: ServerCA.preparationTime(of: server.current))
    let next = try #require(server.nextJWTKey)
    #expect(server.currentJWTKey.keyID == first.keyID)
    #expect(server.bundleJWTKeys.map(\.keyID) == [first.keyID, next.keyID])
    #expect(server.bundle().jwtAuthorities.count == 2)
    let activation = ServerCA.activationTime(of: server.current)
    try server.advance(to: activation)
    #expect(server.currentJWTKey.keyID == next.keyID && server.nextJWTKey == nil)
    #expect(server.retiredJWTKeys.map(\.keyID) == [first.keyID])
    let fresh = try server.issueJWTSVID(for: id, audience: ["a"], now: activation)
    #expect(fresh.keyID == next.keyID)
    #expect(try JWTSVID.validate(early.token, audience: "a", bundle: server.bundle(), now: activation).keyID == first.keyID)
    // Once the first key expires it leaves the bundle, and its tokens no longer validate.
    try server.advance(to: first.notAfter + 1)
    #expect(server.currentJWTKey.keyID == next.keyID && !server.bundleJWTKeys.map(\.keyID).contains(first.keyID))
    #expect(throws: JWTSVIDError.noAuthority(keyID: first.keyID, trustDomain: trustDomain)) {
      try JWTSVID.validate(early.token, audience: "a", bundle: server.bundle(), now: first.notAfter + 1)
    }
  }

  @Test func storesJWTKeysWithoutMaterialAndRestoresThem() throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: .rsa2048, caTTL: 24 * 3600, now: testNow)
    try server.advance(to: testNow + 13 * 3600)
    let data = try JSONEncoder().encode(server.snapshot)
    let keys = server.exportPrivateKeys()
    #expect(keys.count == 4)
    for key in server.bundleJWTKeys.map({ $0.exportPrivateKeyPKCS8DER() }) {
      #expect(!String(decoding: data, as: UTF8.self).contains(key.base64EncodedString()))
    }
    let restored = try ServerCA(snapshot: try JSONDecoder().decode(ServerCA.Snapshot.self, from: data), privateKeys: keys)
    #expect(restored.snapshot == server.snapshot)
    let svid = try restored.issueJWTSVID(for: id, audience: ["a"], now: testNow + 13 * 3600)
    #expect(try JWTSVID.validate(svid.token, audience: "a", bundle: server.bundle(), now: testNow + 13 * 3600) == svid)
    var missing = keys
    missing[server.currentJWTKey.keyID] = nil
    #expect(throws: CARestoreError.missingKey(keyID: server.currentJWTKey.keyID)) {
      try ServerCA(snapshot: server.snapshot, privateKeys: missing)
    }
  }

  @Test func aStateStoredBeforeJWTKeysGetsOneThatExpiresWithTheCA() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 24 * 3600, now: testNow)
    var snapshot = server.snapshot
    snapshot.jwtKeys = nil
    let restored = try ServerCA(snapshot: snapshot, privateKeys: server.exportPrivateKeys())
    #expect(restored.currentJWTKey.notAfter == server.current.notAfter)
    #expect(restored.currentJWTKey.keyID != server.currentJWTKey.keyID)
    // With a prepared CA but no prepared JWT key, activation still gives the new CA a JWT key.
    var later = try ServerCA(trustDomain: trustDomain, caTTL: 24 * 3600, now: testNow)
    try later.advance(to: testNow + 13 * 3600)
    var prepared = later.snapshot
    prepared.jwtKeys = nil
    var migrated = try ServerCA(snapshot: prepared, privateKeys: later.exportPrivateKeys())
    let old = migrated.currentJWTKey
    try migrated.advance(to: ServerCA.activationTime(of: migrated.current))
    #expect(migrated.currentJWTKey.keyID != old.keyID && migrated.retiredJWTKeys.map(\.keyID) == [old.keyID])
    #expect(migrated.currentJWTKey.notAfter == migrated.current.notAfter)
  }

  @Test func neitherTheKeyNorTheServerPrintsKeyMaterial() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 3600, now: testNow)
    let key = server.currentJWTKey
    var dumped = ""
    dump(key, to: &dumped)
    dump(server, to: &dumped)
    let texts = [dumped, "\(key)", String(reflecting: key), try server.bundle().spiffeBundleJSON()]
    for secret in [key.exportPrivateKeyPKCS8DER().base64EncodedString(), Base64URL.encode(key.exportPrivateKeyPKCS8DER())] {
      for text in texts { #expect(!text.contains(secret)) }
    }
    #expect("\(key)".contains("kid \(key.keyID)"))
  }

  // MARK: - What validation refuses, in go-spiffe's words

  func refusal(_ token: String, audience: String = "yelb-db", bundle: TrustBundle, now: Date = testNow) -> String {
    do {
      let svid = try JWTSVID.validate(token, audience: audience, bundle: bundle, now: now)
      return "accepted \(svid.spiffeID)"
    } catch { return error.description }
  }

  @Test func refusesAnotherAudienceAnExpiredTokenAndATamperedOne() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 86_400, now: testNow)
    let bundle = server.bundle()
    let svid = try server.issueJWTSVID(for: id, audience: ["yelb-db"], ttl: 300, now: testNow)
    #expect(refusal(svid.token, bundle: bundle, now: testNow + 300) == "accepted \(id)")
    #expect(
      refusal(svid.token, audience: "redis", bundle: bundle)
        == #"jwtsvid: expected audience in ["redis"] (audience=["yelb-db"])"#)
    #expect(refusal(svid.token, bundle: bundle, now: testNow + 301) == "jwtsvid: token has expired")
    let pieces = svid.token.split(separator: ".")
    let (header, _) = try parts(of: svid.token)
    let forged = token(
      header: JSONValue.object(header).encoded(),
      claims: #"{"aud":"yelb-db","exp":1796000300,"iat":1796000000,"sub":"spiffe://example.org/ns/yelb/sa/admin"}"#,
      signature: pieces[2])
    #expect(refusal(forged, bundle: bundle) == "jwtsvid: unable to get claims from token: the signature does not verify")
    var flipped = Array(pieces[2])
    flipped[5] = flipped[5] == "A" ? "B" : "A"
    let tampered = pieces[0] + "." + pieces[1] + "." + String(flipped)
    #expect(refusal(tampered, bundle: bundle) == "jwtsvid: unable to get claims from token: the signature does not verify")
    // Signed by a key of another server of the same trust domain, under a kid the bundle lacks.
    let stranger = try ServerCA(trustDomain: trustDomain, caTTL: 86_400, now: testNow)
    let foreign = try stranger.issueJWTSVID(for: id, audience: ["yelb-db"], now: testNow)
    #expect(
      refusal(foreign.token, bundle: bundle)
        == "jwtsvid: no JWT authority \"\(stranger.currentJWTKey.keyID)\" found for trust domain \"example.org\"")
  }

  @Test func refusesAlgNoneHMACAndTokensWithoutKidOrInAnotherTrustDomain() throws {
    let server = try ServerCA(trustDomain: trustDomain, caTTL: 86_400, now: testNow)
    let bundle = server.bundle()
    let kid = server.currentJWTKey.keyID
    let claims = #"{"aud":"yelb-db","exp":1796000300,"sub":"spiffe://example.org/ns/yelb/sa/yelb-ui"}"#
    #expect(
      refusal(token(header: #"{"alg":"none","kid":"\#(kid)","typ":"JWT"}"#, claims: claims, signature: ""), bundle: bundle)
        == #"jwtsvid: unsupported token signature algorithm "none""#)
    #expect(
      refusal(token(header: #"{"alg":"HS256","kid":"\#(kid)"}"#, claims: claims, signature: "c2lnbmF0dXJl"), bundle: bundle)
        == #"jwtsvid: unsupported token signature algorithm "HS256""#)
    let svid = try server.issueJWTSVID(for: id, audience: ["yelb-db"], now: testNow)
    let signature = svid.token.split(separator: ".")[2]
    #expect(
      refusal(token(header: #"{"alg":"ES256","typ":"JWT"}"#, claims: claims, signature: signature), bundle: bundle)
        == "jwtsvid: token header missing key id")
    #expect(
      refusal(token(header: #"{"alg":"ES256","kid":"\#(kid)","typ":"JWS"}"#, claims: claims, signature: signature), bundle: bundle)
        == "jwtsvid: token header type not equal to either JWT or JOSE")
    // A right key type but the wrong algorithm family (RS256 with an EC key) does not verify.
    #expect(
      refusal(token(header: #"{"alg":"RS256","kid":"\#(kid)"}"#, claims: claims, signature: signature), bundle: bundle)
        == "jwtsvid: unable to get claims from token: the signature does not verify")
    let other = try SPIFFEID(parsing: "spiffe://other.org/ns/yelb/sa/yelb-ui")
    let elsewhere = try server.currentJWTKey.issueSVID(for: other, audience: ["yelb-db"], ttl: 300, now: testNow)
    #expect(refusal(elsewhere.token, bundle: bundle) == #"jwtsvid: no bundle found for trust domain "other.org""#)
    let noSub = #"{"aud":"yelb-db","exp":1796000300}"#
    #expect(refusal(token(header: #"{"alg":"ES256","kid":"k"}"#, claims: noSub, signature: signature), bundle: bundle)
      == "jwtsvid: token missing subject claim")
    #expect(refusal("not.a.token", bundle: bundle) == "jwtsvid: unable to parse JWT token")
    #expect(refusal(svid.token + ".extra", bundle: bundle) == "jwtsvid: unable to parse JWT token")
  }
}
