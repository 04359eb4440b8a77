import Foundation
import Testing

@testable import SteepleSPIRE

/// Our JWT-SVIDs and JWT bundle handed to judges we did not write: joserfc, a JOSE library, and
/// py-spiffe's `JwtBundle`/`JwtSvid` (installed by scripts/setup). Each judge is also shown a token it
/// must refuse, so it is seen to judge.
@Suite struct JWTJudgeTests {
  let trustDomain = try! TrustDomain("am-multi-account-mesh")
  let id = try! SPIFFEID(parsing: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui")

  /// Reads `bundle.json`, imports its `jwt-svid` keys (joserfc knows only the JOSE `use` values, so the
  /// SPIFFE `use` is what selects them and is then dropped) and verifies each `*.jwt` file with the
  /// algorithm `argv[1]`, checking `aud`, `sub` and `exp` at the time `argv[2]`.
  static let joserfcScript = """
    import glob, json, sys
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet
    bundle = json.load(open("bundle.json"))
    keys = [{k: v for k, v in key.items() if k != "use"} for key in bundle["keys"] if key.get("use") == "jwt-svid"]
    key_set = KeySet.import_key_set({"keys": keys})
    registry = jwt.JWTClaimsRegistry(now=int(sys.argv[2]), aud={"essential": True, "value": "yelb-db"}, sub={"essential": True}, exp={"essential": True})
    for name in sorted(glob.glob("*.jwt")):
        try:
            token = jwt.decode(open(name).read(), key_set, algorithms=[sys.argv[1]])
            registry.validate(token.claims)
            print(name, "ok", token.header["kid"] in [k["kid"] for k in keys], token.header["typ"], token.claims["sub"])
        except JoseError as error:
            print(name, "rejected", type(error).__name__)
    """

  @Test(.enabled(if: Judges.hasJoserfc), arguments: KeyType.allCases)
  func joserfcVerifiesOurJWTSVIDsAgainstOurBundle(keyType: KeyType) throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: testNow)
    let old = try server.issueJWTSVID(for: id, audience: ["yelb-db"], ttl: 86_400, now: testNow)
    let now = ServerCA.activationTime(of: server.current)
    try server.advance(to: now)  // two JWT keys in the bundle; the new one signs
    let current = try server.issueJWTSVID(for: id, audience: ["yelb-db"], now: now)
    let otherAudience = try server.issueJWTSVID(for: id, audience: ["redis"], now: now)
    let expired = try server.issueJWTSVID(for: id, audience: ["yelb-db"], ttl: 60, now: now - 120)
    let pieces = current.token.split(separator: ".")
    let forgedClaims = Base64URL.encode(Data(#"{"aud":"yelb-db","exp":9999999999,"sub":"spiffe://am-multi-account-mesh/admin"}"#.utf8))
    let alg = JWTAlgorithm.signing(with: keyType).rawValue
    let none = Base64URL.encode(Data(#"{"alg":"none","kid":"\#(server.currentJWTKey.keyID)"}"#.utf8)) + "." + pieces[1] + "."
    try Judges.withDirectory { directory in
      try Judges.write(try server.bundle().spiffeBundleJSON(), "bundle.json", in: directory)
      for (name, token) in [
        ("1-current", current.token), ("2-previous-key", old.token), ("3-other-audience", otherAudience.token),
        ("4-expired", expired.token), ("5-tampered", pieces[0] + "." + forgedClaims + "." + pieces[2]), ("6-alg-none", none),
      ] {
        try Judges.write(token, "\(name).jwt", in: directory)
      }
      let outcome = try Judges.python(Self.joserfcScript, [alg, String(Int(now.timeIntervalSince1970))], in: directory)
      #expect(
        outcome.output == """
          1-current.jwt ok True JWT \(id)
          2-previous-key.jwt ok True JWT \(id)
          3-other-audience.jwt rejected InvalidClaimError
          4-expired.jwt rejected ExpiredTokenError
          5-tampered.jwt rejected BadSignatureError
          6-alg-none.jwt rejected UnsupportedAlgorithmError

          """, "\(outcome.errors)")
    }
  }

  /// Parses `jwt-bundle.json` as the trust domain `argv[1]`'s JWT bundle with py-spiffe and validates each
  /// `*.jwt` file for the audience `yelb-db` (py-spiffe checks expiry on the wall clock).
  static let pySPIFFEScript = """
    import glob, sys
    from spiffe import JwtBundle, JwtSvid, TrustDomain
    bundle = JwtBundle.parse(TrustDomain(sys.argv[1]), open("jwt-bundle.json", "rb").read())
    print("bundle", len(bundle.jwt_authorities))
    for name in sorted(glob.glob("*.jwt")):
        try:
            svid = JwtSvid.parse_and_validate(open(name).read(), bundle, {"yelb-db"})
            print(name, "ok", svid.spiffe_id, sorted(svid.audience))
        except Exception as error:
            print(name, "rejected", type(error).__name__, error)
    """

  @Test(.enabled(if: Judges.hasPySPIFFE), arguments: KeyType.allCases)
  func pySPIFFEParsesOurJWTBundleAndValidatesOurJWTSVIDs(keyType: KeyType) throws {
    // py-spiffe reads the wall clock for `exp`, so these tokens are issued at the time it is now.
    let now = Date()
    var server = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: now - 13 * 3600)
    try server.advance(to: now)  // the next JWT key is prepared: two in the bundle
    let current = try server.issueJWTSVID(for: id, audience: ["yelb-db", "yelb-appserver"], now: now)
    let otherAudience = try server.issueJWTSVID(for: id, audience: ["redis"], now: now)
    let expired = try server.issueJWTSVID(for: id, audience: ["yelb-db"], ttl: 60, now: now - 3600)
    let stranger = try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: 86_400, now: now)
    let foreign = try stranger.issueJWTSVID(for: id, audience: ["yelb-db"], now: now)
    try Judges.withDirectory { directory in
      try Judges.write(server.bundle().jwtBundleJSON(), "jwt-bundle.json", in: directory)
      for (name, token) in [
        ("1-current", current.token), ("2-other-audience", otherAudience.token), ("3-expired", expired.token),
        ("4-unknown-key", foreign.token),
      ] {
        try Judges.write(token, "\(name).jwt", in: directory)
      }
      let outcome = try Judges.python(Self.pySPIFFEScript, [trustDomain.name], in: directory)
      #expect(
        outcome.output == """
          bundle 2
          1-current.jwt ok \(id) ['yelb-appserver', 'yelb-db']
          2-other-audience.jwt rejected InvalidTokenError Audience doesn't match
          3-expired.jwt rejected InvalidTokenError Signature has expired
          4-unknown-key.jwt rejected AuthorityNotFoundError Authority not found for key ID: \(stranger.currentJWTKey.keyID)

          """, "\(outcome.errors)")
    }
  }
}
