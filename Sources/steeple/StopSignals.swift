import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SIGINT and SIGTERM for a command that runs until stopped (`steeple serve`), delivered whichever
/// thread the kernel picks and whatever disposition the process inherited: a handler of its own
/// writes the signal's number to a pipe (the one thing a handler may safely do), and a thread
/// reading the pipe hands it on. A disposition of SIG_IGN inherited from a non-interactive shell's
/// background job, or a signal landing on a thread that a dispatch source did not set up, would
/// otherwise lose it.
enum StopSignals {
  /// The pipe's write end, for the handler; -1 until `install` made it.
  nonisolated(unsafe) private static var writeEnd: Int32 = -1

  /// Installs the handler for SIGINT and SIGTERM and returns the signals as they come.
  static func install() -> AsyncStream<Int32> {
    let (stream, continuation) = AsyncStream<Int32>.makeStream()
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else {
      continuation.finish()
      return stream
    }
    writeEnd = ends[1]
    let readEnd = ends[0]
    for number in [SIGINT, SIGTERM] {
      signal(number) { number in
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(StopSignals.writeEnd, &byte, 1)
      }
    }
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    let reader = Thread {
      var byte: UInt8 = 0
      while read(readEnd, &byte, 1) == 1 { continuation.yield(Int32(byte)) }
      continuation.finish()
    }
    reader.start()
    return stream
  }

  /// Gives SIGINT and SIGTERM back their default action.
  static func restore() {
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
