/// Why a JWT-SVID was refused or could not be made, in the words go-spiffe's `jwtsvid` package uses.
public enum JWTSVIDError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Not three base64url parts holding a JSON header and JSON claims (JWS compact serialization).
  case malformed
  /// `alg` is not one the JWT-SVID standard allows (`none`, `HS256`, …).
  case unsupportedAlgorithm(String)
  /// `typ` is set to something other than `JWT` or `JOSE`.
  case invalidType
  /// The header has no `kid`.
  case missingKeyID
  /// The claims have no `sub`.
  case missingSubject
  /// `sub` is not a SPIFFE ID.
  case invalidSubject(String, String)
  /// `sub` is in a trust domain the bundle is not for.
  case noBundle(TrustDomain)
  /// The bundle has no JWT key with the token's `kid`.
  case noAuthority(keyID: String, trustDomain: TrustDomain)
  /// The signature does not verify with the bundle's key (or the key cannot make that `alg`).
  case invalidSignature
  /// The claims have no `exp`.
  case missingExpiry
  /// `exp` is in the past.
  case expired
  /// `aud` is missing or empty.
  case missingAudience
  /// The validator's audience is not among `aud`.
  case audienceMismatch(expected: String, audience: [String])

  public var description: String {
    switch self {
    case .malformed: "jwtsvid: unable to parse JWT token"
    case .unsupportedAlgorithm(let alg): "jwtsvid: unsupported token signature algorithm \"\(alg)\""
    case .invalidType: "jwtsvid: token header type not equal to either JWT or JOSE"
    case .missingKeyID: "jwtsvid: token header missing key id"
    case .missingSubject: "jwtsvid: token missing subject claim"
    case .invalidSubject(let subject, let why): "jwtsvid: token has an invalid subject claim \"\(subject)\": \(why)"
    case .noBundle(let td): "jwtsvid: no bundle found for trust domain \"\(td)\""
    case .noAuthority(let kid, let td): "jwtsvid: no JWT authority \"\(kid)\" found for trust domain \"\(td)\""
    case .invalidSignature: "jwtsvid: unable to get claims from token: the signature does not verify"
    case .missingExpiry: "jwtsvid: token missing exp claim"
    case .expired: "jwtsvid: token has expired"
    case .missingAudience: "jwtsvid: token missing audience claim"
    case .audienceMismatch(let expected, let audience):
      "jwtsvid: expected audience in [\"\(expected)\"] (audience=[\(audience.map { "\"\($0)\"" }.joined(separator: " "))])"
    }
  }
}
