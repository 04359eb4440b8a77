/// A JWS signature algorithm (RFC 7518 §3.1) that a JWT-SVID may carry in its `alg` header.
///
/// The JWT-SVID standard (§2.1) allows exactly the RSA, ECDSA and RSA-PSS algorithms below; `none`, the
/// HMAC algorithms (`HS256`…) and anything else are rejected before a key is looked at.
public enum JWTAlgorithm: String, Sendable, CaseIterable, CustomStringConvertible {
  case rs256 = "RS256"
  case rs384 = "RS384"
  case rs512 = "RS512"
  case es256 = "ES256"
  case es384 = "ES384"
  case es512 = "ES512"
  case ps256 = "PS256"
  case ps384 = "PS384"
  case ps512 = "PS512"

  /// The algorithm a trust domain's JWT key of `keyType` signs with, as SPIRE picks it: ES256 for
  /// ec-p256, ES384 for ec-p384, RS256 for rsa-2048.
  public static func signing(with keyType: KeyType) -> JWTAlgorithm {
    switch keyType {
    case .ecP256: .es256
    case .ecP384: .es384
    case .rsa2048: .rs256
    }
  }

  /// The `alg` header value, such as `ES256`.
  public var description: String { rawValue }
}
