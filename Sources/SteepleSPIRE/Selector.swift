/// A SPIRE selector, `type:value`, such as `k8s:ns:yelb` (type `k8s`, value `ns:yelb`).
public struct Selector: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
  /// The attestor that reports it: `k8s`, `k8s_psat`, `unix`…
  public let type: String
  /// Everything after the first `:`.
  public let value: String

  /// A selector of `type` with `value`.
  public init(type: String, value: String) {
    self.type = type
    self.value = value
  }

  /// Parses `type:value`, splitting at the first `:` as SPIRE's CLI does.
  public init(parsing text: String) throws(SelectorError) {
    guard let colon = text.firstIndex(of: ":") else { throw .notTypeValue(text) }
    let type = String(text[..<colon])
    let value = String(text[text.index(after: colon)...])
    guard !type.isEmpty else { throw .emptyType(text) }
    guard !value.isEmpty else { throw .emptyValue(text) }
    self.init(type: type, value: value)
  }

  /// `type:value`.
  public var description: String { "\(type):\(value)" }

  public static func < (lhs: Selector, rhs: Selector) -> Bool {
    (lhs.type, lhs.value) < (rhs.type, rhs.value)
  }
}

/// Why a text is not a selector.
public enum SelectorError: Error, Equatable, Sendable, CustomStringConvertible {
  case notTypeValue(String)
  case emptyType(String)
  case emptyValue(String)

  public var description: String {
    switch self {
    case .notTypeValue(let text): "selector \"\(text)\" must be formatted as type:value"
    case .emptyType(let text): "selector \"\(text)\" has no type before its ':'"
    case .emptyValue(let text): "selector \"\(text)\" has no value after its ':'"
    }
  }
}
