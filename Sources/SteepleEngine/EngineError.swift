import Foundation

/// Why the engine could not plan, apply or destroy.
public enum EngineError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The desired resources contradict themselves.
  case plan(PlanError)
  /// Another process holds the state's lock.
  case locked(LockHolder, waited: Duration)
  /// The state directory could not be read or written.
  case io(String, errno: Int32)
  /// The provider failed to say what exists.
  case observe(String)
  /// A state directory or file that others could read or change (`StateDirectory`): the path,
  /// what is wrong with it, and the command that fixes it.
  case unsafeState(String, problem: String, fix: String?)
  /// A state directory or file the system would not let this process use: the path, what was
  /// being done, and the system's error code.
  case access(String, doing: String, errno: Int32)
  /// The state holds what another script made: the script recorded in it, and the one applied.
  case otherScript(recorded: ScriptRecord, applying: ScriptRecord)
  /// What exists changed between the plan that was approved and the apply.
  case planChanged
  /// The state directory is no longer where it was opened: moved, removed or replaced.
  case stateMoved(String)
  /// The provider refused a request outside any one step (rendering).
  case provider(ProviderError)

  public var description: String {
    switch self {
    case .plan(let error): return error.description
    case .locked(let holder, let waited):
      let waiting = waited == .zero ? "" : " (waited \(Self.seconds(waited)))"
      return "the state is locked by \(holder)\(waiting); wait for it to finish, or pass --lock-timeout to wait"
    case .io(let message, let code):
      return code == 0 ? message : "\(message): \(String(cString: strerror(code)))"
    case .observe(let message): return "cannot read what exists: \(message)"
    case .unsafeState(let path, let problem, _):
      return "refusing the state: \(path) \(problem)"
    case .access(let path, let doing, let code):
      return "cannot \(doing) \(path): \(String(cString: strerror(code)))"
    case .otherScript(let recorded, let applying):
      return "the state holds what \(recorded) made; applying \(applying) to it would change that (see the plan)"
    case .planChanged:
      return "what exists changed after the plan was shown, so it was not carried out"
    case .stateMoved(let path):
      return "the state directory \(path) was moved, removed or replaced since it was opened"
    case .provider(let error): return error.description
    }
  }

  /// What to do about it, when the description does not already say.
  public var help: String? {
    switch self {
    case .plan, .locked, .provider: return nil
    case .io:
      return "check the state directory's path and that you may write it, or pass --state DIR to use another"
    case .observe:
      return "check that the state directory holds a state this provider wrote, or pass --state DIR to use another"
    case .unsafeState(_, _, let fix):
      let because = "a state holds keys and decides what is deleted, so only its owner may use it"
      return (fix.map { "run \($0) (\(because)), or" } ?? "\(because);") + " pass --state DIR to use a directory of your own"
    case .access(let path, _, let code):
      if code == EACCES || code == EPERM {
        return "you lack permission on \(path): a state must be yours (chown) and readable and writable by you "
          + "(chmod u+rw, u+rwx for its directory), or pass --state DIR to use a directory of your own"
      }
      if code == ENOENT { return "check the path, or pass --state DIR to use another directory" }
      return "check the state directory's path and that you may write it, or pass --state DIR to use another"
    case .otherScript(_, let applying):
      return "pass --state DIR to give \(applying) a state of its own, or --force to apply it to this one anyway"
    case .planChanged: return "run the command again to see the new plan"
    case .stateMoved:
      return "nothing more was written to the old state; the next command opens the state found at that path now"
    }
  }

  static func seconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let value = Double(seconds) + Double(attoseconds) / 1e18
    return value < 10 ? String(format: "%.1fs", value) : "\(Int(value.rounded()))s"
  }
}
