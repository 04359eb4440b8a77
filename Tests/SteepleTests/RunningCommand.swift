import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A built product running until told to stop, as `steeple serve` runs: its standard output read
/// through a pipe line by line, so a test waits for the lines it needs (never for a length of time),
/// then signals it and waits for it to end.
final class RunningCommand {
  let process = Process()
  private let output = Pipe()
  private let errorsURL: URL
  private var pending = Data()
  /// Every complete line it printed so far.
  private(set) var lines: [String] = []

  /// Starts `product` with `arguments` in `folder`; its standard error goes to a file, read by `errors`.
  init(_ product: String, _ arguments: [String], in folder: URL) throws {
    errorsURL = folder.appendingPathComponent(".\(product)-\(UUID().uuidString).stderr")
    _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
    process.executableURL = try TestSupport.product(product)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    for name in ["STEEPLE_PATH", "STEEPLE_STDLIB", "NO_COLOR"] { environment[name] = nil }
    process.environment = environment
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorsURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  /// Reads until `done` holds for the lines so far, or the output ends (the process exited); returns
  /// the lines.
  @discardableResult
  func waitForLines(until done: ([String]) -> Bool) -> [String] {
    while !done(lines) {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      pending.append(data)
      while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        lines.append(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
        pending.removeSubrange(pending.startIndex...newline)
      }
    }
    return lines
  }

  /// Sends `signal` (SIGINT: Ctrl-C), reads the rest of the output, and returns the exit status.
  func stop(with signal: Int32 = SIGINT) -> Int32 {
    kill(process.processIdentifier, signal)
    waitForLines { _ in false }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// What it wrote to standard error so far.
  var errors: String { (try? String(contentsOf: errorsURL, encoding: .utf8)) ?? "" }

  deinit {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }
    try? FileManager.default.removeItem(at: errorsURL)
  }
}
