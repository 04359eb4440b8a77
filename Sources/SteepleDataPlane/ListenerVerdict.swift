public import SteepleSPIRE

/// What a listener decided about one connection.
public enum ListenerVerdict: Sendable, Equatable, CustomStringConvertible {
  /// The client was admitted: its verified SPIFFE ID, or nil on plain text.
  case admitted(SPIFFEID?)
  /// The client's certificate was refused, for this reason.
  case rejected(PeerRejection)
  /// The connection failed otherwise (a protocol error, a close before the handshake).
  case failed(String)

  public var description: String {
    switch self {
    case .admitted(let id?): "admitted '\(id)'"
    case .admitted(nil): "admitted in plain text"
    case .rejected(let rejection): "refused: \(rejection)"
    case .failed(let reason): "failed: \(reason)"
    }
  }
}
