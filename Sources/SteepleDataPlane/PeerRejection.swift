public import SteepleSPIRE

/// Why one end of a connection refused the other's certificate: the first broken link, which decides
/// the counter it moves.
public enum PeerRejection: Error, Sendable, Hashable, CustomStringConvertible {
  /// The certificate chained to the bundle, but its SPIFFE ID is not admitted (`ssl.fail_verify_san`).
  case notAdmitted(SPIFFEID, admitted: [SPIFFEID])
  /// The certificate did not verify against the bundle: the reason in words (`ssl.fail_verify_error`).
  case untrusted(String)
  /// No certificate was presented (`ssl.no_certificate`).
  case noCertificate

  /// The counter the rejection moves.
  public var stat: EnvoyStat {
    switch self {
    case .notAdmitted: .failVerifySAN
    case .untrusted: .failVerifyError
    case .noCertificate: .noCertificate
    }
  }

  public var description: String {
    switch self {
    case .notAdmitted(let id, let admitted):
      admitted.isEmpty
        ? "'\(id)' is not admitted: the policy admits no SPIFFE ID"
        : "'\(id)' is not admitted: the policy admits \(admitted.map { "'\($0)'" }.joined(separator: ", "))"
    case .untrusted(let reason): "the certificate does not verify: \(reason)"
    case .noCertificate: "no client certificate was presented"
    }
  }
}
