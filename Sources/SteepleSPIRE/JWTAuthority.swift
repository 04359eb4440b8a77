public import Foundation
import Crypto
import _CryptoExtras

/// One JWT signing key of a trust domain: the key that signs JWT-SVIDs, its key ID and its expiry,
/// rotated beside the X.509 CA (see ``ServerCA``).
///
/// The bundle publishes its public key as a JWK with `use: jwt-svid` and its `kid` (JWT-SVID §6.1);
/// validators find it by the `kid` of a token's header. The key ID is a random 32-character
/// alphanumeric string, as SPIRE makes them.
public struct JWTAuthority: Sendable {
  /// The key ID, the `kid` of every token it signs and of its JWK in the bundle.
  public let keyID: String
  /// When the key stops being published and used; no JWT-SVID it signs outlives it.
  public let notAfter: Date
  /// The signing key. Never printed; exported only through ``exportPrivateKeyPKCS8DER()``.
  let key: PrivateSigningKey

  /// A new JWT key of `keyType` with a fresh key ID, valid for `ttl` seconds from `now` (to the whole
  /// second, as certificates keep time, so a stored expiry reads back the same).
  public static func generate(keyType: KeyType, ttl: TimeInterval, now: Date) throws -> JWTAuthority {
    let notAfter = Date(timeIntervalSince1970: (now + ttl).timeIntervalSince1970.rounded(.down))
    return JWTAuthority(keyID: randomKeyID(), notAfter: notAfter, key: try PrivateSigningKey.generate(keyType))
  }

  /// A JWT key read back from storage: its key ID, expiry and key (PKCS#8 DER, of `keyType`).
  public init(keyID: String, notAfter: Date, keyPKCS8DER: Data, keyType: KeyType) throws {
    self.init(keyID: keyID, notAfter: notAfter, key: try PrivateSigningKey(pkcs8DER: keyPKCS8DER, keyType: keyType))
  }

  init(keyID: String, notAfter: Date, key: PrivateSigningKey) {
    self.keyID = keyID
    self.notAfter = notAfter
    self.key = key
  }

  /// The type of the signing key.
  public var keyType: KeyType { key.keyType }
  /// The algorithm its tokens name in `alg`.
  public var algorithm: JWTAlgorithm { .signing(with: keyType) }

  /// The public key as the bundle publishes it: a JWK with `kty` and its parameters, `use: jwt-svid`
  /// and `kid`.
  public func jwk() throws -> [String: JSONValue] {
    var parameters = try TrustBundle.publicKeyParameters(of: key.publicKey)
    parameters["use"] = .string("jwt-svid")
    parameters["kid"] = .string(keyID)
    return parameters
  }

  /// The signing key as PKCS#8 DER, for the state store that keeps it owner-only. Nothing else should
  /// call this.
  public func exportPrivateKeyPKCS8DER() -> Data { key.exportPKCS8DER() }

  /// The JWS signature (RFC 7518 §3) of `signingInput`: `r || s` for ECDSA, PKCS#1 v1.5 for RSA.
  func signature(over signingInput: Data) throws -> Data {
    switch key.backing {
    case .p256(let key): try key.signature(for: signingInput).rawRepresentation
    case .p384(let key): try key.signature(for: signingInput).rawRepresentation
    case .rsa(let key): try key.signature(for: signingInput, padding: .insecurePKCS1v1_5).rawRepresentation
    }
  }

  static func randomKeyID() -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
  }
}

extension JWTAuthority: CustomStringConvertible, CustomReflectable {
  /// The key type, key ID and expiry: never the key.
  public var description: String { "JWTAuthority(\(keyType), kid \(keyID), valid until \(notAfter))" }
  /// Reflection shows the description only, so `dump` prints no key material.
  public var customMirror: Mirror { Mirror(self, children: ["description": description], displayStyle: .struct) }
}
