/// A SPIFFE ID, `spiffe://<trust-domain>/<path>`, validated by the rules of the SPIFFE-ID standard.
///
/// The path is empty for a trust domain's own ID (`spiffe://example.org`), else it starts with `/` and
/// has one or more segments. IDs compare by their text, which the rules make canonical.
public struct SPIFFEID: Hashable, Sendable, Comparable, CustomStringConvertible {
  /// The trust domain the ID belongs to.
  public let trustDomain: TrustDomain
  /// The path: empty, or `/segment[/segment…]`.
  public let path: String

  /// The longest ID the standard asks implementations to support, in bytes (SPIFFE-ID §2.3).
  public static let maximumLength = 2048

  /// Parses and validates `text`; the error names the rule it breaks.
  public init(parsing text: String) throws(SPIFFEIDError) {
    let scheme = "spiffe://"
    guard !text.isEmpty else { throw .empty }
    guard text.hasPrefix(scheme) else {
      if text.lowercased().hasPrefix(scheme) { throw .upperCaseScheme(String(text.prefix(scheme.count - 3))) }
      if let colon = text.firstIndex(of: ":") { throw .wrongScheme(String(text[..<colon])) }
      throw .missingScheme
    }
    guard text.utf8.count <= Self.maximumLength else { throw .tooLong(bytes: text.utf8.count) }
    let rest = text.dropFirst(scheme.count)
    if rest.contains("?") || rest.contains("#") { throw .queryOrFragment }
    let slash = rest.firstIndex(of: "/") ?? rest.endIndex
    let trustDomain = try TrustDomain(String(rest[..<slash]))
    let path = String(rest[slash...])
    try Self.validate(path: path)
    self.trustDomain = trustDomain
    self.path = path
  }

  /// The ID of `path` (empty, or starting with `/`) in `trustDomain`, validated like a parsed one.
  public init(trustDomain: TrustDomain, path: String) throws(SPIFFEIDError) {
    try Self.validate(path: path)
    let length = "spiffe://".utf8.count + trustDomain.name.utf8.count + path.utf8.count
    guard length <= Self.maximumLength else { throw .tooLong(bytes: length) }
    self.trustDomain = trustDomain
    self.path = path
  }

  /// Whether this is the trust domain's own ID, with no path (the ID of its signing authority).
  public var isRoot: Bool { path.isEmpty }

  /// Whether the path is under `/spire/`, which SPIRE reserves for its server and agents.
  public var isReservedForSPIRE: Bool { path == "/spire" || path.hasPrefix("/spire/") }

  /// The ID as text: `spiffe://<trust-domain><path>`.
  public var description: String { "spiffe://\(trustDomain.name)\(path)" }

  public static func < (lhs: SPIFFEID, rhs: SPIFFEID) -> Bool { lhs.description < rhs.description }

  /// Whether `text` is a valid SPIFFE ID (without saying why not).
  public static func isValid(_ text: String) -> Bool { (try? SPIFFEID(parsing: text)) != nil }

  static func validate(path: String) throws(SPIFFEIDError) {
    guard !path.isEmpty else { return }
    guard path.first == "/" else { throw .pathWithoutSlash(path) }
    if path.contains("%") { throw .percentEncodedPath }
    if path.hasSuffix("/") { throw .trailingSlash }
    for segment in path.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
      if segment.isEmpty { throw .emptySegment }
      if segment == "." || segment == ".." { throw .dotSegment(String(segment)) }
      if let bad = segment.first(where: { !isPathCharacter($0) }) {
        throw .pathCharacter(bad, segment: String(segment))
      }
    }
  }

  static func isPathCharacter(_ c: Character) -> Bool {
    c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "-" || c == "_")
  }
}

extension SPIFFEID: Codable {
  /// Decodes the ID from its text and validates it.
  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    try self.init(parsing: text)
  }

  /// Encodes the ID as its text.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
