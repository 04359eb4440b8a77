/// A form a string field can be required to have: any text, a CIDR block, an RFC 1123 name, or a
/// rule of a domain (a region, an IAM role name) that the catalog defines.
///
/// Two formats are the same when their names are: the name is what `steeple doc` shows as the
/// field's type (`region`, `dns-label`).
public struct StringFormat: Sendable, Hashable, CustomStringConvertible {
  /// The name docs and errors write for the type: `cidr`, `dns-label`, `region`.
  public let rawValue: String
  /// The format's name in a sentence: "is not a valid <title>".
  public let title: String
  /// What a string of this format looks like, for error details.
  public let example: String
  /// The values a mistyped string was probably meant as, for "did you mean"; empty when the
  /// format is a rule rather than a list.
  public let candidates: [String]
  private let rule: @Sendable (String) -> String?

  /// A format named `rawValue`; `rule` says what is wrong with a string, or `nil` when it has the form.
  public init(
    _ rawValue: String, title: String, example: String, candidates: [String] = [],
    rule: @escaping @Sendable (String) -> String?
  ) {
    self.rawValue = rawValue
    self.title = title
    self.example = example
    self.candidates = candidates
    self.rule = rule
  }

  /// What is wrong with a string of this format, or `nil` when it has the form. The text finishes
  /// "... is not a valid <format>: <problem>".
  public func problem(with text: String) -> String? { rule(text) }

  public var description: String { rawValue }

  public static func == (a: StringFormat, b: StringFormat) -> Bool { a.rawValue == b.rawValue }
  public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

extension StringFormat {
  /// Any text.
  public static let string = StringFormat("string", title: "string", example: "any text") { _ in nil }

  /// A name tag, a share or organization name: 1 to 255 characters.
  public static let tagName = StringFormat("name", title: "name", example: "any text") { text in
    if text.isEmpty { return "it is empty" }
    return text.utf8.count > 255 ? "it is longer than 255 characters" : nil
  }

  /// An IPv4 CIDR block such as `10.20.0.0/16`, with no bits set after the prefix.
  public static let cidr = StringFormat("cidr", title: "CIDR block", example: "a block such as 10.20.0.0/16") { text in
    guard let block = CIDRBlock(text) else { return "write four numbers from 0 to 255 and a prefix length: 10.20.0.0/16" }
    if block.hasHostBits { return "bits after the /\(block.prefix) prefix are set; the block starts at \(block.network)" }
    return nil
  }

  /// An RFC 1123 label: 1 to 63 lowercase letters, digits or '-' (namespace and container names).
  public static let dnsLabel = StringFormat(
    "dns-label", title: "RFC 1123 label", example: "lowercase letters, digits and '-', such as yelb", rule: dnsLabelProblem)

  /// An RFC 1123 subdomain: labels joined by '.', at most 253 characters (service account and pod names).
  public static let dnsSubdomain = StringFormat(
    "dns-subdomain", title: "RFC 1123 subdomain", example: "lowercase letters, digits, '-' and '.', such as spire-agent-front"
  ) { text in
    if text.isEmpty { return "it is empty" }
    if text.utf8.count > 253 { return "it is longer than 253 characters" }
    for label in text.split(separator: ".", omittingEmptySubsequences: false) {
      if let problem = dnsLabelProblem(String(label)) { return problem }
    }
    return nil
  }

  /// RFC 1123 label: 1 to 63 lowercase letters, digits or '-', starting and ending with a letter or digit.
  @Sendable static func dnsLabelProblem(_ text: String) -> String? {
    if text.isEmpty { return "it is empty" }
    if text.utf8.count > 63 { return "it is longer than 63 characters" }
    guard text.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
    else { return "it may contain only lowercase letters, digits and '-'" }
    guard text.first != "-", text.last != "-" else { return "it must start and end with a letter or a digit" }
    return nil
  }
}

extension Unicode.Scalar {
  /// An ASCII letter or digit.
  public var isASCIIAlphanumeric: Bool {
    ("a"..."z").contains(self) || ("A"..."Z").contains(self) || ("0"..."9").contains(self)
  }
}
