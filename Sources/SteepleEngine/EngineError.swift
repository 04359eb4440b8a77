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
    }
  }

  static func seconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let value = Double(seconds) + Double(attoseconds) / 1e18
    return value < 10 ? String(format: "%.1fs", value) : "\(Int(value.rounded()))s"
  }
}
