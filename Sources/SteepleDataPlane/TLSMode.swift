/// How a service's listener speaks to its callers, as `mesh.service`'s `tls` attribute says.
public enum TLSMode: String, Sendable, Hashable, CaseIterable {
  /// Mutual TLS 1.3 only: a client certificate chained to the trust bundle whose URI SAN is admitted.
  case strict
  /// Mutual TLS as `strict`, and plain text too (told apart by the first byte a client sends).
  case permissive
  /// Plain text only: no certificate is presented or asked for.
  case none
}
