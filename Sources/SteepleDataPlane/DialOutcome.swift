import NIOSSL
import SteepleSPIRE

/// What one connection from a proxy to a listener showed, as its client end saw it.
struct DialOutcome: Sendable {
  /// The client's local port (the key of the listener's verdict), when it connected.
  var localPort: Int?
  /// The TLS version negotiated, after a handshake.
  var tlsVersion: TLSVersion?
  /// The cipher suite the server chose, read from its ServerHello.
  var cipherSuite: UInt16?
  /// The server's SPIFFE ID, verified and accepted.
  var serverID: SPIFFEID?
  /// The serial number (hex) of the server's certificate, when accepted.
  var serverSerial: String?
  /// Why the client refused the server's certificate, if it did.
  var serverRejection: PeerRejection?
  /// Whether the client's TLS handshake completed (in TLS 1.3 the server may still refuse the client).
  var handshakeCompleted = false
  /// The answer of the workload stand-in, or the error that ended the connection.
  var answer: Result<RequestExchange.Answer, any Error>
}
