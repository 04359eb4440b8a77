public import Foundation
public import X509
import Crypto
import _CryptoExtras

/// A private signing key of one of SPIRE's key types.
///
/// Key material leaves only through ``exportPKCS8DER()`` and ``exportPKCS8PEM()``, which a caller must
/// name on purpose: printing, interpolating, dumping or mirroring the key shows its type and
/// `<redacted>`, never its bytes.
public struct PrivateSigningKey: Sendable {
  /// swift-crypto 3.x does not mark its private keys `Sendable`, though they are immutable values whose
  /// BoringSSL objects are only read after creation (swift-certificates declares its own wrapper of
  /// them `Sendable` on the same grounds; swift-crypto 4 marks them so).
  enum Backing: @unchecked Sendable {
    case p256(P256.Signing.PrivateKey)
    case p384(P384.Signing.PrivateKey)
    case rsa(_RSA.Signing.PrivateKey)
  }

  let backing: Backing

  /// The key's type.
  public var keyType: KeyType {
    switch backing {
    case .p256: .ecP256
    case .p384: .ecP384
    case .rsa: .rsa2048
    }
  }

  /// A fresh key of `keyType`. P-256 keys are generated without the compact-representable retry loop
  /// (twice as fast; SVIDs never use x-only encodings).
  public static func generate(_ keyType: KeyType) throws -> PrivateSigningKey {
    switch keyType {
    case .ecP256: PrivateSigningKey(backing: .p256(P256.Signing.PrivateKey(compactRepresentable: false)))
    case .ecP384: PrivateSigningKey(backing: .p384(P384.Signing.PrivateKey(compactRepresentable: false)))
    case .rsa2048: PrivateSigningKey(backing: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
    }
  }

  /// Reads a key of `keyType` from its PKCS#8 DER encoding (as ``exportPKCS8DER()`` writes it).
  public init(pkcs8DER: Data, keyType: KeyType) throws {
    switch keyType {
    case .ecP256: backing = .p256(try P256.Signing.PrivateKey(derRepresentation: pkcs8DER))
    case .ecP384: backing = .p384(try P384.Signing.PrivateKey(derRepresentation: pkcs8DER))
    case .rsa2048:
      let key = try _RSA.Signing.PrivateKey(derRepresentation: pkcs8DER)
      guard key.keySizeInBits == 2048 else { throw KeyImportError.wrongRSASize(key.keySizeInBits) }
      backing = .rsa(key)
    }
  }

  init(backing: Backing) { self.backing = backing }

  /// The key material as PKCS#8 DER. Only for storing the key where its owner keeps secrets.
  public func exportPKCS8DER() -> Data {
    switch backing {
    case .p256(let key): key.derRepresentation
    case .p384(let key): key.derRepresentation
    case .rsa(let key): PEM.body(of: key.pkcs8PEMRepresentation)
    }
  }

  /// The key material as a PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`), as
  /// `spire-agent api fetch x509 -write` writes `svid.key`. Only for handing the key to its workload.
  public func exportPKCS8PEM() -> String {
    PEM.document(label: "PRIVATE KEY", der: exportPKCS8DER())
  }

  /// The matching public key, as certificates carry it.
  public var publicKey: Certificate.PublicKey {
    switch backing {
    case .p256(let key): Certificate.PublicKey(key.publicKey)
    case .p384(let key): Certificate.PublicKey(key.publicKey)
    case .rsa(let key): Certificate.PublicKey(key.publicKey)
    }
  }

  /// The key as swift-certificates signs with it.
  var certificateKey: Certificate.PrivateKey {
    switch backing {
    case .p256(let key): Certificate.PrivateKey(key)
    case .p384(let key): Certificate.PrivateKey(key)
    case .rsa(let key): Certificate.PrivateKey(key)
    }
  }
}

extension PrivateSigningKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The key's type and `<redacted>`: never its material.
  public var description: String { "PrivateSigningKey(\(keyType), <redacted>)" }
  /// The same as ``description``.
  public var debugDescription: String { description }
  /// A mirror with no children, so `dump` and reflection show no key material.
  public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Why stored key material could not be read back.
public enum KeyImportError: Error, Equatable, Sendable, CustomStringConvertible {
  case wrongRSASize(Int)

  public var description: String {
    switch self {
    case .wrongRSASize(let bits): "the stored RSA key has \(bits) bits, but the key type rsa-2048 needs 2048"
    }
  }
}
