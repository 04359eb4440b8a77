import Crypto
import Foundation
import _CryptoExtras

/// A public key read from a bundle's `jwt-svid` JWK, that checks JWS signatures (RFC 7518 §3).
enum JWTVerificationKey {
  case p256(P256.Signing.PublicKey)
  case p384(P384.Signing.PublicKey)
  case p521(P521.Signing.PublicKey)
  case rsa(_RSA.Signing.PublicKey)

  /// The key of `jwk` (`kty` EC with `crv`, `x`, `y`, or `kty` RSA with `n`, `e`); nil for anything else.
  init?(jwk: [String: JSONValue]) {
    func bytes(_ name: String) -> Data? { jwk[name]?.stringValue.flatMap { Base64URL.decode($0) } }
    switch jwk["kty"]?.stringValue {
    case "EC":
      guard let x = bytes("x"), let y = bytes("y") else { return nil }
      let point = Data([0x04]) + x + y
      switch jwk["crv"]?.stringValue {
      case "P-256": guard let key = try? P256.Signing.PublicKey(x963Representation: point) else { return nil }; self = .p256(key)
      case "P-384": guard let key = try? P384.Signing.PublicKey(x963Representation: point) else { return nil }; self = .p384(key)
      case "P-521": guard let key = try? P521.Signing.PublicKey(x963Representation: point) else { return nil }; self = .p521(key)
      default: return nil
      }
    case "RSA":
      guard let n = bytes("n"), let e = bytes("e"), let key = try? _RSA.Signing.PublicKey(n: n, e: e) else { return nil }
      self = .rsa(key)
    default: return nil
    }
  }

  /// Whether `signature` signs `input` with `algorithm`; false when the key cannot make that algorithm.
  func isValidSignature(_ signature: Data, of input: Data, algorithm: JWTAlgorithm) -> Bool {
    switch (self, algorithm) {
    case (.p256(let key), .es256):
      guard let value = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
      return key.isValidSignature(value, for: input)
    case (.p384(let key), .es384):
      guard let value = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
      return key.isValidSignature(value, for: input)
    case (.p521(let key), .es512):
      guard let value = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
      return key.isValidSignature(value, for: input)
    case (.rsa(let key), .rs256): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
    case (.rsa(let key), .rs384): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA384.hash(data: input), padding: .insecurePKCS1v1_5)
    case (.rsa(let key), .rs512): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA512.hash(data: input), padding: .insecurePKCS1v1_5)
    case (.rsa(let key), .ps256): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .PSS)
    case (.rsa(let key), .ps384): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA384.hash(data: input), padding: .PSS)
    case (.rsa(let key), .ps512): return key.isValidSignature(.init(rawRepresentation: signature), for: SHA512.hash(data: input), padding: .PSS)
    default: return false
    }
  }
}
