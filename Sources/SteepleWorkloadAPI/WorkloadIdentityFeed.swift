import Synchronization

/// One workload's identity as it changes: the socket's streams (`FetchX509SVID`, `FetchX509Bundles`,
/// `FetchJWTBundles`) follow it, sending again whenever a rotation publishes a new one.
public final class WorkloadIdentityFeed: Sendable {
  private struct State {
    var current: WorkloadIdentity
    var followers: [Int: AsyncStream<WorkloadIdentity>.Continuation] = [:]
    var nextFollower = 0
    var finished = false
  }

  private let state: Mutex<State>

  /// A feed that starts at `identity`.
  public init(_ identity: WorkloadIdentity) {
    state = Mutex(State(current: identity))
  }

  /// The identity of now.
  public var current: WorkloadIdentity { state.withLock { $0.current } }

  /// How many streams follow the feed now.
  public var followerCount: Int { state.withLock { $0.followers.count } }

  /// Makes `identity` the current one and hands it to every follower when it differs from the
  /// current one (new SVID serials, a new bundle). Says whether it did.
  @discardableResult
  public func publish(_ identity: WorkloadIdentity) -> Bool {
    let followers: [AsyncStream<WorkloadIdentity>.Continuation]? = state.withLock { state in
      guard !state.finished, state.current.version != identity.version else { return nil }
      state.current = identity
      return Array(state.followers.values)
    }
    guard let followers else { return false }
    for follower in followers { follower.yield(identity) }
    return true
  }

  /// The current identity, then each one published after it, until the feed finishes or the
  /// follower stops. A slow follower skips to the newest identity: only the latest matters.
  public func updates() -> AsyncStream<WorkloadIdentity> {
    let (stream, continuation) = AsyncStream<WorkloadIdentity>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let key: Int? = state.withLock { state in
      guard !state.finished else { return nil }
      continuation.yield(state.current)
      let key = state.nextFollower
      state.nextFollower += 1
      state.followers[key] = continuation
      return key
    }
    guard let key else {
      continuation.finish()
      return stream
    }
    continuation.onTermination = { [weak self] _ in
      _ = self?.state.withLock { $0.followers.removeValue(forKey: key) }
    }
    return stream
  }

  /// Ends every follower's stream; later updates end at once. The socket's server calls it when it
  /// stops, so that open streams close.
  public func finish() {
    let followers = state.withLock { state in
      state.finished = true
      defer { state.followers = [:] }
      return Array(state.followers.values)
    }
    for follower in followers { follower.finish() }
  }
}
