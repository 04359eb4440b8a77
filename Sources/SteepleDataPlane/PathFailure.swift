/// The first broken link on the path from one service's proxy to another's workload.
public enum PathFailure: Error, Sendable, Equatable, CustomStringConvertible {
  /// No service of that name is in the data plane.
  case unknownService(String, didYouMean: String?)
  /// The calling service's proxy has no SVID to present.
  case noSVID(service: String, SecretUnavailable)
  /// The called service's listener is not up: it has no SVID to present.
  case noListener(service: String, SecretUnavailable)
  /// The called service speaks plain text (`tls: none`): there is no mutual TLS to check.
  case plaintextListener(service: String)
  /// The TCP connection failed.
  case unreachable(String)
  /// The called service's listener refused the caller's certificate. With `.notAdmitted` this is the
  /// policy's own reason.
  case refusedByListener(service: String, PeerRejection)
  /// The caller's proxy refused the server's certificate (not the backend's identity, or untrusted).
  case refusedListener(service: String, PeerRejection)
  /// The connection failed on the listener for another reason.
  case listenerFailed(service: String, String)
  /// The handshake held but the workload stand-in did not answer `200`.
  case noAnswer(service: String, String)

  /// Whether this is a policy denial: the listener's SAN check refused the caller's ID.
  public var isPolicyDenial: Bool {
    if case .refusedByListener(_, .notAdmitted) = self { return true }
    return false
  }

  public var description: String {
    switch self {
    case .unknownService(let name, let suggestion):
      "no service '\(name)' in the data plane" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
    case .noSVID(let service, let problem): "\(service)'s proxy has no SVID to present: \(problem)"
    case .noListener(let service, let problem): "\(service)'s listener is not up: \(problem)"
    case .plaintextListener(let service): "\(service) speaks plain text (tls none): there is no mutual TLS to check"
    case .unreachable(let reason): "the connection failed: \(reason)"
    case .refusedByListener(let service, let rejection): "\(service)'s listener refused the caller: \(rejection)"
    case .refusedListener(let service, let rejection): "the caller refused \(service)'s certificate: \(rejection)"
    case .listenerFailed(let service, let reason): "the connection to \(service) failed: \(reason)"
    case .noAnswer(let service, let reason): "\(service)'s workload did not answer: \(reason)"
    }
  }
}
