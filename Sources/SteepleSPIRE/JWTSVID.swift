public import Foundation

/// A JWT-SVID per the SPIFFE JWT-SVID standard: a JWS in compact serialization whose header names
/// `alg`, `kid` and `typ: JWT`, and whose claims are `sub` (the SPIFFE ID), `aud`, `exp` and `iat`.
///
/// ``JWTAuthority/issueSVID(for:audience:ttl:now:)`` makes one; ``validate(_:audience:bundle:now:)``
/// checks one against a trust bundle's JWT keys, as a SPIFFE validator does.
public struct JWTSVID: Sendable, Equatable {
  /// The token, `header.claims.signature`, each part base64url without padding.
  public let token: String
  /// The SPIFFE ID, the `sub` claim.
  public let spiffeID: SPIFFEID
  /// The audiences, the `aud` claim.
  public let audience: [String]
  /// When the token expires, the `exp` claim.
  public let expiresAt: Date
  /// When the token was issued, the `iat` claim (optional in tokens others issue).
  public let issuedAt: Date?
  /// The key ID of the key that signed it, the `kid` header.
  public let keyID: String
}

extension JWTAuthority {
  /// A JWT-SVID for `spiffeID` with the audiences `audience` (at least one), issued at `now` and
  /// expiring `ttl` seconds later, or when this key expires if that is sooner (as SPIRE caps it).
  ///
  /// A single audience is written as a string, several as an array, as SPIRE's JOSE library writes them.
  public func issueSVID(for spiffeID: SPIFFEID, audience: [String], ttl: TimeInterval, now: Date) throws -> JWTSVID {
    guard !audience.isEmpty, !audience.contains("") else { throw JWTSVIDError.missingAudience }
    let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
    let expiresAt = Date(timeIntervalSince1970: min(now + ttl, notAfter).timeIntervalSince1970.rounded(.down))
    let header: JSONValue = .object([
      "alg": .string(algorithm.rawValue), "kid": .string(keyID), "typ": .string("JWT"),
    ])
    let claims: JSONValue = .object([
      "sub": .string(spiffeID.description),
      "aud": audience.count == 1 ? .string(audience[0]) : .array(audience.map { .string($0) }),
      "exp": .number(expiresAt.timeIntervalSince1970), "iat": .number(issuedAt.timeIntervalSince1970),
    ])
    let signingInput = Base64URL.encode(Data(header.encoded().utf8)) + "." + Base64URL.encode(Data(claims.encoded().utf8))
    let signature = try self.signature(over: Data(signingInput.utf8))
    return JWTSVID(
      token: signingInput + "." + Base64URL.encode(signature), spiffeID: spiffeID, audience: audience,
      expiresAt: expiresAt, issuedAt: issuedAt, keyID: keyID)
  }
}

extension JWTSVID {
  /// The JWT-SVID in `token`, checked as go-spiffe's `jwtsvid.ParseAndValidate` checks it: compact
  /// serialization, an allowed `alg` (never `none` or an HMAC), `typ` if present `JWT` or `JOSE`, a
  /// `kid`, a `sub` that is a SPIFFE ID of `bundle`'s trust domain, a signature by the bundle's JWT key
  /// with that `kid`, an `exp` not before `now`, and `audience` among the `aud` values.
  public static func validate(_ token: String, audience: String, bundle: TrustBundle, now: Date) throws(JWTSVIDError)
    -> JWTSVID
  {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let claimsData = Base64URL.decode(parts[1]),
      let signature = Base64URL.decode(parts[2]), case .object(let header)? = try? JSONValue.decode(headerData),
      case .object(let claims)? = try? JSONValue.decode(claimsData)
    else { throw .malformed }
    guard case .string(let name)? = header["alg"], let algorithm = JWTAlgorithm(rawValue: name) else {
      throw .unsupportedAlgorithm(header["alg"].flatMap(\.stringValue) ?? "")
    }
    if let typ = header["typ"] {
      guard case .string(let value) = typ, value == "JWT" || value == "JOSE" else { throw .invalidType }
    }
    guard case .string(let keyID)? = header["kid"], !keyID.isEmpty else { throw .missingKeyID }
    guard case .string(let subject)? = claims["sub"], !subject.isEmpty else { throw .missingSubject }
    let spiffeID: SPIFFEID
    do { spiffeID = try SPIFFEID(parsing: subject) } catch { throw .invalidSubject(subject, error.description) }
    guard spiffeID.trustDomain == bundle.trustDomain else { throw .noBundle(spiffeID.trustDomain) }
    guard let jwk = bundle.jwtAuthorities.first(where: { $0["kid"] == .string(keyID) }) else {
      throw .noAuthority(keyID: keyID, trustDomain: bundle.trustDomain)
    }
    let signingInput = Data((parts[0] + "." + parts[1]).utf8)
    guard let key = JWTVerificationKey(jwk: jwk), key.isValidSignature(signature, of: signingInput, algorithm: algorithm)
    else { throw .invalidSignature }
    guard case .number(let exp)? = claims["exp"] else { throw .missingExpiry }
    let expiresAt = Date(timeIntervalSince1970: exp)
    guard now <= expiresAt else { throw .expired }
    let audiences: [String] =
      switch claims["aud"] {
      case .string(let one)?: [one]
      case .array(let many)?: many.compactMap(\.stringValue)
      default: []
      }
    guard !audiences.isEmpty else { throw .missingAudience }
    guard audiences.contains(audience) else { throw .audienceMismatch(expected: audience, audience: audiences) }
    var issuedAt: Date?
    if case .number(let iat)? = claims["iat"] { issuedAt = Date(timeIntervalSince1970: iat) }
    return JWTSVID(
      token: token, spiffeID: spiffeID, audience: audiences, expiresAt: expiresAt, issuedAt: issuedAt, keyID: keyID)
  }
}

extension JSONValue {
  /// The string, if the value is one.
  var stringValue: String? {
    if case .string(let value) = self { value } else { nil }
  }
}
