/// A SPIFFE trust domain name, such as `example.org`: lower-case letters, digits, `.`, `-` and `_`
/// (SPIFFE-ID §2.1), at most 255 bytes.
public struct TrustDomain: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The name, without `spiffe://`.
  public let name: String

  /// The longest trust domain name, in bytes (SPIFFE-ID §2.3).
  public static let maximumLength = 255

  /// Validates `name` (without `spiffe://`); the error names the rule it breaks.
  public init(_ name: String) throws(SPIFFEIDError) {
    guard !name.isEmpty else { throw .emptyTrustDomain }
    if name.contains("@") { throw .userInfo }
    if name.contains(":") { throw .port }
    if name.contains("%") { throw .percentEncodedTrustDomain }
    guard name.utf8.count <= Self.maximumLength else { throw .trustDomainTooLong(bytes: name.utf8.count) }
    for character in name where !Self.isTrustDomainCharacter(character) {
      if character.isASCII, character.isUppercase { throw .upperCaseTrustDomain(name) }
      throw .trustDomainCharacter(character, trustDomain: name)
    }
    self.name = name
  }

  /// Parses a trust domain given either as a bare name or as its ID (`spiffe://name`, no path).
  public init(parsingNameOrID text: String) throws(SPIFFEIDError) {
    guard text.contains("://") else {
      try self.init(text)
      return
    }
    let id = try SPIFFEID(parsing: text)
    guard id.isRoot else { throw .trustDomainIDWithPath(text) }
    self = id.trustDomain
  }

  /// The trust domain's own ID, `spiffe://<name>`: the URI SAN of its CA.
  public var id: SPIFFEID { SPIFFEID(unchecked: self, path: "") }

  /// The ID of the SPIRE server, `spiffe://<name>/spire/server`: the parent of node entries.
  public var serverID: SPIFFEID { SPIFFEID(unchecked: self, path: "/spire/server") }

  /// The ID SPIRE gives an agent attested by `attestor`, under `/spire/agent/<attestor>/…`.
  public func agentID(attestor: String, _ segments: String...) throws(SPIFFEIDError) -> SPIFFEID {
    try SPIFFEID(trustDomain: self, path: "/spire/agent/\(attestor)" + segments.map { "/\($0)" }.joined())
  }

  /// The name.
  public var description: String { name }

  public static func < (lhs: TrustDomain, rhs: TrustDomain) -> Bool { lhs.name < rhs.name }

  static func isTrustDomainCharacter(_ c: Character) -> Bool {
    c.isASCII && (c.isLowercase || c.isNumber || c == "." || c == "-" || c == "_")
  }
}

extension SPIFFEID {
  /// An ID whose path is known to be valid (built from constants).
  init(unchecked trustDomain: TrustDomain, path: String) {
    self.trustDomain = trustDomain
    self.path = path
  }
}

extension TrustDomain: Codable {
  /// Decodes the name and validates it.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    try self.init(text)
  }

  /// Encodes the name.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }
}
