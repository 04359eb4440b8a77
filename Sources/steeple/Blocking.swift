import Dispatch
import Foundation
import Synchronization

/// Runs async work from a synchronous command and waits for it. The first Ctrl-C (SIGINT) cancels
/// the work, so an apply stops starting steps and ends cleanly; a second one exits at once (the
/// journal lets the next apply finish what was in flight).
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
  try runBlocking(body) { task, done in
    signal(SIGINT, SIG_IGN)
    let interrupts = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    let count = Mutex(0)
    interrupts.setEventHandler {
      let seen = count.withLock { value -> Int in
        value += 1
        return value
      }
      if seen == 1 {
        writeError("\ninterrupted: letting the running steps finish (Ctrl-C again to stop at once)\n")
        task.cancel()
      } else {
        exit(130)
      }
    }
    interrupts.resume()
    done.wait()
    interrupts.cancel()
    signal(SIGINT, SIG_DFL)
  }
}

/// Runs `body` in a task and returns what it returned or threw; `waiting` blocks until `done` is
/// signalled, free to cancel `task` meanwhile (the REPL waits its own way, keeping its SIGINT handler).
func runBlocking<T: Sendable>(
  _ body: @escaping @Sendable () async throws -> T, waiting: (_ task: Task<Void, Never>, _ done: DispatchSemaphore) -> Void
) throws -> T {
  let done = DispatchSemaphore(value: 0)
  let result = Mutex<Result<T, any Error>?>(nil)
  let task = Task {
    let outcome: Result<T, any Error>
    do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
    result.withLock { $0 = outcome }
    done.signal()
  }
  waiting(task, done)
  return try result.withLock { $0! }.get()
}
