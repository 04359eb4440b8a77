public import Foundation
public import X509
import Crypto
import _CryptoExtras

/// A trust domain's bundle: the CA certificates that X.509-SVIDs of the domain chain to.
///
/// It renders as PEM (what `spire-server bundle show` prints and `bundle.pem` holds) and in the SPIFFE
/// bundle format: a JWK Set with one `use: x509-svid` key per CA, each with its certificate in `x5c`
/// and no `kid` (X509-SVID §6), plus `spiffe_sequence` and `spiffe_refresh_hint` (SPIFFE Trust Domain
/// and Bundle §4.1). Each JWT signing key follows as a `use: jwt-svid` JWK with its `kid`
/// (JWT-SVID §6.1), from ``jwtAuthorities``.
public struct TrustBundle: Sendable, Equatable {
  /// The trust domain (the bundle's JSON does not name it: it is recorded beside it).
  public let trustDomain: TrustDomain
  /// The X.509 CA certificates, in the order the bundle lists them.
  public let x509Authorities: [Certificate]
  /// JWT signing keys as JWKs (each with its `kid`), kept as they are given.
  public let jwtAuthorities: [[String: JSONValue]]
  /// `spiffe_sequence`: it changes whenever the content does.
  public let sequence: UInt64
  /// `spiffe_refresh_hint`, in seconds.
  public let refreshHint: Int

  /// SPIRE's bundle endpoint refresh hint since 1.9.0: 5 minutes.
  public static let defaultRefreshHint = 300

  /// A bundle of `x509Authorities` (and optional JWT keys) for `trustDomain`.
  public init(
    trustDomain: TrustDomain, x509Authorities: [Certificate], jwtAuthorities: [[String: JSONValue]] = [],
    sequence: UInt64, refreshHint: Int = defaultRefreshHint
  ) {
    self.trustDomain = trustDomain
    self.x509Authorities = x509Authorities
    self.jwtAuthorities = jwtAuthorities
    self.sequence = sequence
    self.refreshHint = refreshHint
  }

  /// A bundle of CA certificates given as DER, as a state store keeps them.
  public init(trustDomain: TrustDomain, x509AuthoritiesDER: [[UInt8]], sequence: UInt64) throws {
    self.init(
      trustDomain: trustDomain, x509Authorities: try x509AuthoritiesDER.map { try Certificate(derEncoded: $0) },
      sequence: sequence)
  }

  /// The CA certificates as DER, in the bundle's order.
  public var x509AuthoritiesDER: [[UInt8]] { x509Authorities.map { DERCoding.bytes(of: $0) } }

  /// Whether the bundle holds `authority`'s certificate: whether it trusts what that CA signs.
  public func contains(_ authority: X509Authority) -> Bool { x509Authorities.contains(authority.certificate) }

  /// The CA certificates as concatenated PEM documents.
  public var pem: String {
    x509Authorities.map { PEM.document(label: "CERTIFICATE", der: DERCoding.bytes(of: $0)) }.joined()
  }

  /// The bundle in the SPIFFE bundle format, a JWK Set, as compact JSON with sorted keys.
  public func spiffeBundleJSON(prettyPrinted: Bool = false) throws -> String {
    var keys: [JSONValue] = []
    for certificate in x509Authorities {
      var key = try Self.publicKeyParameters(of: certificate.publicKey)
      key["use"] = .string("x509-svid")
      key["x5c"] = .array([.string(Data(DERCoding.bytes(of: certificate)).base64EncodedString())])
      keys.append(.object(key))
    }
    keys += jwtAuthorities.map { .object($0) }
    let document: JSONValue = .object([
      "keys": .array(keys), "spiffe_sequence": .number(Double(sequence)),
      "spiffe_refresh_hint": .number(Double(refreshHint)),
    ])
    return document.encoded(prettyPrinted: prettyPrinted)
  }

  /// The trust domain's JWT bundle: the SPIFFE bundle format with only the `jwt-svid` keys, as the
  /// Workload API's `FetchJWTBundles` hands a trust domain's JWT authorities out (go-spiffe's and
  /// py-spiffe's `JwtBundle` parsers read every key of it as a JWT authority, so no X.509 key may be in it).
  public func jwtBundleJSON(prettyPrinted: Bool = false) -> String {
    let document: JSONValue = .object([
      "keys": .array(jwtAuthorities.map { .object($0) }), "spiffe_sequence": .number(Double(sequence)),
      "spiffe_refresh_hint": .number(Double(refreshHint)),
    ])
    return document.encoded(prettyPrinted: prettyPrinted)
  }

  /// Reads a bundle in the SPIFFE bundle format for `trustDomain`. Keys whose `use` is missing or
  /// unknown are ignored, as the format requires; an `x509-svid` key must hold exactly one certificate.
  public init(spiffeBundleJSON data: Data, trustDomain: TrustDomain) throws {
    guard case .object(let document)? = try? JSONValue.decode(data) else { throw BundleFormatError.notAJSONObject }
    guard case .array(let keys)? = document["keys"] else { throw BundleFormatError.missingKeys }
    var certificates: [Certificate] = []
    var jwt: [[String: JSONValue]] = []
    for (index, key) in keys.enumerated() {
      guard case .object(let jwk) = key, case .string(let use)? = jwk["use"] else { continue }
      switch use {
      case "x509-svid":
        guard case .array(let chain)? = jwk["x5c"], chain.count == 1, case .string(let base64) = chain[0],
          let der = Data(base64Encoded: base64)
        else { throw BundleFormatError.x5cNotOneCertificate(key: index) }
        if jwk["kid"] != nil { throw BundleFormatError.x509KeyWithKid(key: index) }
        certificates.append(try Certificate(derEncoded: Array(der)))
      case "jwt-svid":
        guard case .string(let kid)? = jwk["kid"], !kid.isEmpty else { throw BundleFormatError.jwtKeyWithoutKid(key: index) }
        jwt.append(jwk)
      default: continue
      }
    }
    var sequence: UInt64 = 0
    if case .number(let value)? = document["spiffe_sequence"] {
      guard let exact = UInt64(exactly: value) else { throw BundleFormatError.invalidNumber("spiffe_sequence") }
      sequence = exact
    }
    var hint = Self.defaultRefreshHint
    if case .number(let value)? = document["spiffe_refresh_hint"] {
      guard let exact = Int(exactly: value), exact >= 0 else { throw BundleFormatError.invalidNumber("spiffe_refresh_hint") }
      hint = exact
    }
    self.init(
      trustDomain: trustDomain, x509Authorities: certificates, jwtAuthorities: jwt, sequence: sequence, refreshHint: hint)
  }

  /// The JWK parameters of a public key: `kty` and `crv`/`x`/`y` for EC, `n`/`e` for RSA.
  static func publicKeyParameters(of key: Certificate.PublicKey) throws -> [String: JSONValue] {
    func ec(_ curve: String, _ x963: Data) -> [String: JSONValue] {
      let coordinates = x963.dropFirst()
      let half = coordinates.count / 2
      return [
        "kty": .string("EC"), "crv": .string(curve),
        "x": .string(Base64URL.encode(coordinates.prefix(half))), "y": .string(Base64URL.encode(coordinates.suffix(half))),
      ]
    }
    if let p256 = P256.Signing.PublicKey(key) { return ec("P-256", p256.x963Representation) }
    if let p384 = P384.Signing.PublicKey(key) { return ec("P-384", p384.x963Representation) }
    if let rsa = _RSA.Signing.PublicKey(key) {
      let primitives = try rsa.getKeyPrimitives()
      return [
        "kty": .string("RSA"), "n": .string(Base64URL.encode(primitives.modulus)),
        "e": .string(Base64URL.encode(primitives.publicExponent)),
      ]
    }
    throw BundleFormatError.unsupportedKey
  }
}

/// Why a SPIFFE bundle could not be read or written.
public enum BundleFormatError: Error, Equatable, Sendable, CustomStringConvertible {
  case notAJSONObject
  case missingKeys
  case x5cNotOneCertificate(key: Int)
  case x509KeyWithKid(key: Int)
  case jwtKeyWithoutKid(key: Int)
  case unsupportedKey
  case invalidNumber(String)

  public var description: String {
    switch self {
    case .notAJSONObject: "a SPIFFE bundle is a JSON object (a JWK Set)"
    case .missingKeys: "a SPIFFE bundle must have a 'keys' array (SPIFFE Trust Domain and Bundle §4.1.3)"
    case .x5cNotOneCertificate(let index):
      "key \(index) of the bundle is an x509-svid key whose 'x5c' is not exactly one base64 certificate (X509-SVID §6)"
    case .x509KeyWithKid(let index): "key \(index) of the bundle is an x509-svid key with a 'kid', which it must not have (X509-SVID §6)"
    case .jwtKeyWithoutKid(let index): "key \(index) of the bundle is a jwt-svid key without a 'kid', which it must have (JWT-SVID §6.1)"
    case .unsupportedKey: "the CA's key is neither EC P-256, EC P-384 nor RSA"
    case .invalidNumber(let field): "'\(field)' must be a non-negative whole number (SPIFFE Trust Domain and Bundle §4.1)"
    }
  }
}

/// Base64url without padding (RFC 7515 §2), as JWKs encode numbers.
enum Base64URL {
  static func encode(_ data: some DataProtocol) -> String {
    Data(data).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  /// The bytes of base64url text without padding; nil when it is not base64url (padding included).
  static func decode(_ text: some StringProtocol) -> Data? {
    guard !text.contains("=") else { return nil }
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
  }
}
