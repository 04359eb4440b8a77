/// The TLS counters the data plane keeps, named as Envoy names them in its `ssl.*` statistics.
public enum EnvoyStat: String, Sendable, Hashable, CaseIterable, Comparable {
  /// A TLS handshake completed (on a listener: the client was verified and admitted).
  case handshake = "ssl.handshake"
  /// A connection failed for any other reason than verifying the peer's certificate (an alert or a
  /// close from the peer, a protocol error, a refused dial).
  case connectionError = "ssl.connection_error"
  /// The peer's certificate chained to the bundle but its URI SAN is not admitted.
  case failVerifySAN = "ssl.fail_verify_san"
  /// The peer's certificate did not verify: not chained to the bundle, expired, not yet valid, not an SVID.
  case failVerifyError = "ssl.fail_verify_error"
  /// The peer presented no certificate where one is required. (Envoy counts a missing client
  /// certificate that is required as `ssl.fail_verify_no_cert`; this data plane always requires one
  /// in TLS, so the two coincide and the name the brief fixed is kept.)
  case noCertificate = "ssl.no_certificate"

  public static func < (lhs: EnvoyStat, rhs: EnvoyStat) -> Bool { lhs.rawValue < rhs.rawValue }
}
