import Steeple

/// What the REPL's `:plan`, `:apply`, `:destroy`, `:verify` and `:state` do with the session's topology: the
/// one seam between the REPL and the engine and providers. Each returns the text to show, or
/// throws `ReplActionUnavailable` with what to say instead.
protocol ReplActions {
  func plan(_ session: Session) throws -> String
  /// Acts on the plan; `cancelled()` turns true when Ctrl-C asks the apply to stop.
  func apply(_ session: Session, cancelled: @escaping @Sendable () -> Bool) throws -> String
  /// Deletes everything in the state; `cancelled()` as for `apply`.
  func destroy(_ session: Session, cancelled: @escaping @Sendable () -> Bool) throws -> String
  func verify(_ session: Session) throws -> String
  func state(_ session: Session) throws -> String
}

/// Why a command cannot run (the topology has errors, say), with what to say instead.
struct ReplActionUnavailable: Error {
  let message: String
}
