import SteepleSPIRE

/// What one listener connection learnt, shared by its verification callback, its monitor and its
/// workload stand-in; used on the connection's event loop only.
final class ConnectionRecord {
  /// The client's SPIFFE ID once verified and admitted.
  var peer: SPIFFEID?
  /// Whether the verdict is recorded (so a later error or close does not record another).
  var decided = false
}
