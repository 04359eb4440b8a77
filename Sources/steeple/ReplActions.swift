import Steeple

/// What the REPL's `:plan`, `:apply`, `:verify` and `:state` do with the session's topology: the
/// one seam between the REPL and the engine and providers. Each returns the text to show, or
/// throws `ReplActionUnavailable` with what to say instead.
protocol ReplActions {
  func plan(_ session: Session) throws -> String
  /// Acts on the plan; `cancelled()` turns true when Ctrl-C asks the apply to stop.
  func apply(_ session: Session, cancelled: @escaping () -> Bool) throws -> String
  func verify(_ session: Session) throws -> String
  func state(_ session: Session) throws -> String
}

/// Why a command cannot run yet.
struct ReplActionUnavailable: Error {
  let message: String
}

/// The actions before the engine exists: each says so, and what the session has so far.
struct ActionsBeforeTheEngine: ReplActions {
  private func unavailable(_ command: String, _ session: Session) -> ReplActionUnavailable {
    let count = session.topology.declarations.count
    return ReplActionUnavailable(message: """
      :\(command) arrives with the engine (plan, apply and the local cloud are not built into this steeple yet); \
      the session has \(count) declaration\(count == 1 ? "" : "s") so far: :entries and :help show what works now
      """)
  }

  func plan(_ session: Session) throws -> String { throw unavailable("plan", session) }
  func apply(_ session: Session, cancelled: @escaping () -> Bool) throws -> String { throw unavailable("apply", session) }
  func verify(_ session: Session) throws -> String { throw unavailable("verify", session) }
  func state(_ session: Session) throws -> String { throw unavailable("state", session) }
}
