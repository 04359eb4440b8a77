import Dispatch
import GRDB
import Synchronization

/// Writes that arrive together share one SQLite transaction: a group commit.
///
/// An apply runs up to `--parallelism` provider calls at once, and each wants the cloud's single
/// writer. Instead of queueing each behind the others for a transaction (and a commit) of its own,
/// a caller adds its write to the group and suspends, without holding a thread. The first caller
/// to find no one writing starts the writer, on a serial queue of its own: it runs every write
/// waiting, each in a savepoint of its own inside one transaction, commits once, resumes every
/// caller with its own result, and goes on while more have arrived.
///
/// Each write is still whole or not at all: one that throws rolls back to its savepoint, and its
/// caller gets its error while the others commit. A caller resumes only after the commit, so what
/// it returns is in the database. If the transaction itself fails (the commit, or an error that
/// makes SQLite abandon the transaction, such as a full disk), every caller of the group gets that
/// error and nothing of the group is kept.
final class GroupCommit: Sendable {
  private struct Waiting: Sendable {
    /// Runs the write in its savepoint, keeping its result for `finish`; returns its error.
    let run: @Sendable (Database) -> (any Error)?
    /// Resumes the caller: with its own result, or with the transaction's error.
    let finish: @Sendable ((any Error)?) -> Void
  }

  private struct State {
    var waiting: [Waiting] = []
    var writing = false
  }

  private let state = Mutex(State())
  /// Where groups are written, one at a time.
  private let queue = DispatchQueue(label: "steeple.local-cloud.group-commit")
  /// How many transactions have committed; tests read it to see writes share one.
  private let commitCount = Atomic<Int>(0)
  private let writer: @Sendable (@Sendable (Database) throws -> Void) throws -> Void

  /// `writer` runs its body in one write transaction on the calling thread.
  init(writer: @escaping @Sendable (@Sendable (Database) throws -> Void) throws -> Void) {
    self.writer = writer
  }

  /// The transactions committed so far.
  var commits: Int { commitCount.load(ordering: .relaxed) }

  /// Runs `body` in a savepoint of the group's next transaction, kept when it returns `.commit`
  /// and rolled back (with its result still returned) on `.rollback`; returns once the
  /// transaction has committed.
  func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> (T, Database.TransactionCompletion)) async throws
    -> T
  {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
      let outcome = Mutex<Result<T, any Error>?>(nil)
      let waiting = Waiting(
        run: { db in
          do {
            try db.inSavepoint {
              let (value, completion) = try body(db)
              outcome.withLock { $0 = .success(value) }
              return completion
            }
            return nil
          } catch {
            outcome.withLock { $0 = .failure(error) }
            return error
          }
        },
        finish: { failure in
          if let failure {
            continuation.resume(throwing: failure)
          } else {
            continuation.resume(with: outcome.withLock { $0 } ?? .failure(CancellationError()))
          }
        })
      let writes = state.withLock { state -> Bool in
        state.waiting.append(waiting)
        guard !state.writing else { return false }
        state.writing = true
        return true
      }
      // The writer runs on a thread of its own: the cooperative pool (two threads on a two-core
      // machine) stays free for the scheduler and the calls that are not writing.
      if writes { queue.async { self.writeWhileWaiting() } }
    }
  }

  /// How many writes wait for the next transaction.
  var waitingCount: Int { state.withLock { $0.waiting.count } }

  /// Runs `body` while the group counts as writing, so that the writes it starts wait; then commits
  /// them as one group. Tests use it to gather writes without waiting on time.
  func withWriterHeld(_ body: () async -> Void) async {
    state.withLock { state in
      precondition(!state.writing, "withWriterHeld while a group writes")
      state.writing = true
    }
    await body()
    writeWhileWaiting()
  }

  /// Commits groups until no write waits.
  private func writeWhileWaiting() {
    while true {
      let group = state.withLock { state -> [Waiting] in
        defer { state.waiting.removeAll() }
        if state.waiting.isEmpty { state.writing = false }
        return state.waiting
      }
      guard !group.isEmpty else { return }
      var failure: (any Error)?
      do {
        try writer { db in
          for waiting in group {
            let error = waiting.run(db)
            // SQLite abandons the whole transaction on some errors (a full disk, I/O): the writes
            // before this one are gone too, so the group fails as one, with that error.
            guard db.isInsideTransaction else { throw error ?? GroupAbandoned() }
          }
        }
        commitCount.add(1, ordering: .relaxed)
      } catch {
        failure = error
      }
      for waiting in group { waiting.finish(failure) }
    }
  }
}

/// SQLite ended a group's transaction before its commit.
struct GroupAbandoned: Error, CustomStringConvertible {
  var description: String { "the cloud's database abandoned the transaction (see the error before this one)" }
}
