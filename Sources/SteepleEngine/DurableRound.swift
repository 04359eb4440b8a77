import Dispatch
import Foundation
import Synchronization

/// Makes a scheduling round's journal and ledger records durable together.
///
/// Both files are written, then both are synced at once, one of them on another thread: a disk
/// with a volatile cache flushes the two in about the time of one, where syncing them one after
/// the other waits for two flushes. The round's provider calls start only after both are durable.
enum DurableRound {
  static func sync(_ journal: Journal?, _ ledger: Ledger?) throws(EngineError) {
    let journalWritten = try journal?.writePending() ?? false
    let ledgerWritten = try ledger?.writePending() ?? false
    switch (journalWritten ? journal : nil, ledgerWritten ? ledger : nil) {
    case (let journal?, let ledger?):
      let targets = [journal.syncTarget, ledger.syncTarget]
      let failures = Mutex<[EngineError?]>([nil, nil])
      DispatchQueue.concurrentPerform(iterations: 2) { index in
        do throws(EngineError) {
          try targets[index].sync()
        } catch {
          failures.withLock { $0[index] = error }
        }
      }
      // The journal's error first: it is the record the next plan reads.
      if let failure = failures.withLock({ $0.compactMap { $0 }.first }) { throw failure }
    case (let journal?, nil): try journal.syncWritten()
    case (nil, let ledger?): try ledger.syncWritten()
    case (nil, nil): return
    }
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
