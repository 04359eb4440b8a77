public import Crypto
import Foundation

/// A public key of a cluster's service-account token issuer, as the cluster publishes it at
/// `/openid/v1/jwks` (RFC 7517, an EC P-256 key used with ES256).
public struct JSONWebKey: Hashable, Sendable, Codable {
  public let kty: String
  public let crv: String
  public let alg: String
  public let use: String
  public let kid: String
  /// The point's coordinates, base64url without padding.
  public let x: String
  public let y: String

  /// The JWK of a P-256 public key, with Kubernetes' key ID.
  public init(_ key: P256.Signing.PublicKey) {
    let point = key.x963Representation  // 0x04 || X || Y
    kty = "EC"
    crv = "P-256"
    alg = "ES256"
    use = "sig"
    kid = JSONWebKey.keyID(of: key)
    x = Base64URL.encode(point.dropFirst().prefix(32))
    y = Base64URL.encode(point.dropFirst(33))
  }

  /// The key as swift-crypto's type, to verify signatures with.
  public func publicKey() throws -> P256.Signing.PublicKey {
    guard let x = Base64URL.decode(x), let y = Base64URL.decode(y), x.count == 32, y.count == 32 else {
      throw CryptoKitError.incorrectParameterSize
    }
    return try P256.Signing.PublicKey(x963Representation: Data([4]) + x + y)
  }

  /// The key ID Kubernetes uses: the unpadded base64url SHA-256 of the key's DER (SubjectPublicKeyInfo).
  public static func keyID(of key: P256.Signing.PublicKey) -> String {
    Base64URL.encode(Data(SHA256.hash(data: key.derRepresentation)))
  }
}

/// A JSON Web Key Set: `{"keys": [...]}`.
public struct JSONWebKeySet: Hashable, Sendable, Codable {
  public let keys: [JSONWebKey]

  public init(keys: [JSONWebKey]) { self.keys = keys }

  /// The set as JSON, keys sorted, as a client would fetch it.
  public var json: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
  }
}

/// Base64 with the URL alphabet and no padding, as JOSE uses it.
enum Base64URL {
  static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    Data(bytes).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  static func decode(_ text: some StringProtocol) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    guard !base64.contains("=") else { return nil }
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
  }
}
