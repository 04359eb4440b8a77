import Dispatch
import Foundation
import Synchronization

/// Makes a scheduling round's journal and ledger records durable together.
///
/// Both files are written, then both are synced at once, one of them on another thread: a disk
/// with a volatile cache flushes the two in about the time of one, where syncing them one after
/// the other waits for two flushes. The round's provider calls start only after both are durable.
enum DurableRound {
  /// Writes what both files have queued; returns the files to sync.
  static func write(_ journal: Journal?, _ ledger: Ledger?) throws(EngineError) -> [SyncTarget] {
    var targets: [SyncTarget] = []
    if let journal, try journal.writePending() { targets.append(journal.syncTarget) }
    if let ledger, try ledger.writePending() { targets.append(ledger.syncTarget) }
    return targets
  }

  /// Syncs the files at once, on threads outside the cooperative pool, so that the scheduler's wait
  /// for the disk leaves the pool's threads to the provider calls in flight.
  static func flush(_ targets: [SyncTarget]) async throws(EngineError) {
    guard !targets.isEmpty else { return }
    let failure = await withCheckedContinuation { (continuation: CheckedContinuation<EngineError?, Never>) in
      DispatchQueue.global().async { continuation.resume(returning: syncAll(targets)) }
    }
    if let failure { throw failure }
  }

  /// Writes and syncs both files, on the calling thread.
  static func sync(_ journal: Journal?, _ ledger: Ledger?) throws(EngineError) {
    if let failure = syncAll(try write(journal, ledger)) { throw failure }
  }

  /// Syncs the files at once; the first file's error first (the journal: the record the next plan reads).
  private static func syncAll(_ targets: [SyncTarget]) -> EngineError? {
    guard targets.count > 1 else {
      do throws(EngineError) { try targets.first?.sync() } catch { return error }
      return nil
    }
    let failures = Mutex<[EngineError?]>(Array(repeating: nil, count: targets.count))
    DispatchQueue.concurrentPerform(iterations: targets.count) { index in
      do throws(EngineError) {
        try targets[index].sync()
      } catch {
        failures.withLock { $0[index] = error }
      }
    }
    return failures.withLock { $0.compactMap { $0 }.first }
  }
}

/// An open file of the state, to make durable: `fsync` of its descriptor.
struct SyncTarget: Sendable {
  let descriptor: Int32
  let path: String

  func sync() throws(EngineError) {
    guard fsync(descriptor) == 0 else { throw .io("cannot sync \(path)", errno: errno) }
  }
}
