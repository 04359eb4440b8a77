/// The type of a signing key, as SPIRE's `ca_key_type` names it.
public enum KeyType: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
  /// ECDSA on NIST P-256, signing with SHA-256: SPIRE's default.
  case ecP256 = "ec-p256"
  /// ECDSA on NIST P-384, signing with SHA-384.
  case ecP384 = "ec-p384"
  /// RSA with a 2048-bit modulus, PKCS#1 v1.5 signatures with SHA-256.
  case rsa2048 = "rsa-2048"

  /// The name SPIRE's configuration uses, such as `ec-p256`.
  public var description: String { rawValue }
}
