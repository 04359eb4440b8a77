import NIOConcurrencyHelpers
import NIOCore

/// A listener's recent verdicts by the client's port, so that a client in the same process learns why
/// it was refused: a TLS 1.3 client sees only an alert (or a close), never the reason.
///
/// The listener records each connection's verdict as soon as it is known (the verification callback
/// records before the alert is sent), or when the connection closes undecided. A client asking before
/// the record gets a future completed by it. Only the last ``capacity`` verdicts are kept.
final class VerdictLedger: Sendable {
  private struct State {
    var verdicts: [Int: ListenerVerdict] = [:]
    var order: [Int] = []
    var waiting: [Int: [EventLoopPromise<ListenerVerdict>]] = [:]
  }

  /// How many verdicts are kept.
  let capacity: Int
  private let state = NIOLockedValueBox(State())

  init(capacity: Int = 1024) { self.capacity = capacity }

  /// Records the verdict on the connection from `clientPort`, replacing an older one from that port.
  func record(_ verdict: ListenerVerdict, clientPort: Int) {
    let waiters = state.withLockedValue { state -> [EventLoopPromise<ListenerVerdict>] in
      if let waiters = state.waiting.removeValue(forKey: clientPort) { return waiters }
      if state.verdicts.updateValue(verdict, forKey: clientPort) == nil { state.order.append(clientPort) }
      if state.order.count > capacity {
        let excess = state.order.count - capacity
        for port in state.order.prefix(excess) { state.verdicts[port] = nil }
        state.order.removeFirst(excess)
      }
      return []
    }
    for promise in waiters { promise.succeed(verdict) }
  }

  /// The verdict on the connection from `clientPort`, now or once recorded (then taken out of the ledger).
  func verdict(clientPort: Int, on eventLoop: any EventLoop) -> EventLoopFuture<ListenerVerdict> {
    let promise = eventLoop.makePromise(of: ListenerVerdict.self)
    let recorded = state.withLockedValue { state -> ListenerVerdict? in
      if let verdict = state.verdicts.removeValue(forKey: clientPort) {
        state.order.removeAll { $0 == clientPort }
        return verdict
      }
      state.waiting[clientPort, default: []].append(promise)
      return nil
    }
    if let recorded { promise.succeed(recorded) }
    return promise.futureResult
  }
}
