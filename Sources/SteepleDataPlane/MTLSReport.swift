public import SteepleSPIRE

/// What a successful mutual TLS check showed: a real handshake from one service's upstream to
/// another's listener and one request answered by the workload behind it.
public struct MTLSReport: Sendable, Equatable {
  /// The calling service.
  public let from: String
  /// The called service.
  public let to: String
  /// The caller's SPIFFE ID, as the listener verified and admitted it.
  public let clientID: SPIFFEID
  /// The server's SPIFFE ID, as the caller's upstream verified it.
  public let serverID: SPIFFEID
  /// The serial number (hex, as ``X509SVID/serialNumber``) of the SVID the listener presented.
  public let serverSerial: String
  /// The TLS version negotiated, as `TLSv1.3`.
  public let tlsVersion: String
  /// The cipher suite the server chose, by its IANA name.
  public let cipherSuite: String
  /// The workload stand-in's answer.
  public let answer: String
  /// The counters this check moved, and by how much.
  public let countersMoved: [StatsScope: [EnvoyStat: UInt64]]
}
