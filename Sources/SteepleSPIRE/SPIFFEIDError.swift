/// Why a text is not a valid SPIFFE ID or trust domain; each case names the rule of the SPIFFE-ID
/// standard it breaks.
public enum SPIFFEIDError: Error, Equatable, Sendable, CustomStringConvertible {
  case empty
  case missingScheme
  case wrongScheme(String)
  case upperCaseScheme(String)
  case queryOrFragment
  case tooLong(bytes: Int)
  case emptyTrustDomain
  case userInfo
  case port
  case percentEncodedTrustDomain
  case trustDomainTooLong(bytes: Int)
  case upperCaseTrustDomain(String)
  case trustDomainCharacter(Character, trustDomain: String)
  case trustDomainIDWithPath(String)
  case pathWithoutSlash(String)
  case percentEncodedPath
  case trailingSlash
  case emptySegment
  case dotSegment(String)
  case pathCharacter(Character, segment: String)

  /// The one-line summary, naming the rule (SPIFFE-ID §2, §2.1, §2.2 or §2.3).
  public var description: String {
    switch self {
    case .empty: "a SPIFFE ID cannot be empty (SPIFFE-ID §2)"
    case .missingScheme: "a SPIFFE ID starts with 'spiffe://' (SPIFFE-ID §2)"
    case .wrongScheme(let scheme): "the scheme of a SPIFFE ID is 'spiffe', not '\(scheme)' (SPIFFE-ID §2)"
    case .upperCaseScheme(let scheme):
      "the scheme '\(scheme)' must be written in lower case: did you mean 'spiffe://'? (SPIFFE-ID §2)"
    case .queryOrFragment: "a SPIFFE ID has no query ('?') or fragment ('#') (SPIFFE-ID §2)"
    case .tooLong(let bytes):
      "a SPIFFE ID is at most \(SPIFFEID.maximumLength) bytes, this one is \(bytes) (SPIFFE-ID §2.3)"
    case .emptyTrustDomain: "the trust domain of a SPIFFE ID cannot be empty (SPIFFE-ID §2.1)"
    case .userInfo: "a trust domain has no user info ('@') (SPIFFE-ID §2.1)"
    case .port: "a trust domain has no port (':') (SPIFFE-ID §2.1)"
    case .percentEncodedTrustDomain: "a trust domain cannot be percent-encoded (SPIFFE-ID §2.1)"
    case .trustDomainTooLong(let bytes):
      "a trust domain is at most \(TrustDomain.maximumLength) bytes, this one is \(bytes) (SPIFFE-ID §2.3)"
    case .upperCaseTrustDomain(let name):
      "a trust domain is lower case: did you mean '\(name.lowercased())'? (SPIFFE-ID §2.1)"
    case .trustDomainCharacter(let character, let name):
      "'\(character)' cannot be in the trust domain '\(name)': only a-z, 0-9, '.', '-' and '_' (SPIFFE-ID §2.1)"
    case .trustDomainIDWithPath(let text):
      "'\(text)' is not a trust domain: a trust domain's ID has no path (SPIFFE-ID §2.1)"
    case .pathWithoutSlash(let path): "the path '\(path)' must start with '/' (SPIFFE-ID §2.2)"
    case .percentEncodedPath: "the path of a SPIFFE ID cannot be percent-encoded (SPIFFE-ID §2.2)"
    case .trailingSlash: "the path of a SPIFFE ID cannot end with '/' (SPIFFE-ID §2.2)"
    case .emptySegment: "the path of a SPIFFE ID cannot have an empty segment ('//') (SPIFFE-ID §2.2)"
    case .dotSegment(let segment): "the path of a SPIFFE ID cannot have a '\(segment)' segment (SPIFFE-ID §2.2)"
    case .pathCharacter(let character, let segment):
      "'\(character)' cannot be in the path segment '\(segment)': only a-z, A-Z, 0-9, '.', '-' and '_' (SPIFFE-ID §2.2)"
    }
  }
}
