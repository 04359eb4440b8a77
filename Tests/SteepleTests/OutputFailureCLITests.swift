import Foundation
import SteepleTestSupport
import Testing

/// What the command does when its output cannot be written: a full disk, a closed descriptor.
@Suite("steeple command: standard output and error that cannot be written")
struct OutputFailureCLITests {
  /// Runs `steeple ARGUMENTS` through the shell with `redirections` applied, in the fixtures.
  func shell(_ arguments: String, _ redirections: String) throws -> ProcessResult {
    let steeple = try TestSupport.product("steeple").path
    let scratch = try TemporaryDirectory.make("steeple-shell-")
    defer { TemporaryDirectory.remove(scratch) }
    let script = "cd \"$1\" && \"$0\" \(arguments) \(redirections) 2>>\"$2/stderr\"; echo $? > \"$2/status\""
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script, steeple, try TestSupport.fixtures.path, scratch.path]
    try process.run()
    process.waitUntilExit()
    let status = try String(contentsOf: scratch.appendingPathComponent("status"), encoding: .utf8)
    let stderr = (try? String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    let stdout = (try? String(contentsOf: scratch.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
    return ProcessResult(status: Int32(status.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, stdout: stdout, stderr: stderr)
  }

  @Test("a failed write to standard output is a clean error with status 1", arguments: [
    ("eval output-only.spire", "> /dev/full", "No space left on device"),
    ("eval topology.spire", "> /dev/full", "No space left on device"),
    ("eval output-only.spire", ">&-", "Bad file descriptor"),
    ("check output-only.spire", "> /dev/full", "No space left on device"),
  ])
  func failedWritesAreCleanErrors(arguments: String, redirection: String, reason: String) throws {
    let result = try shell(arguments, redirection)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("steeple: error: cannot write to standard output: \(reason)"), "\(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test("a failed write to standard error still exits with the script's status")
  func failedWritesToStandardError() throws {
    let failing = try shell("eval runtime-error.spire", "> /dev/null 2>/dev/full")
    #expect(failing.status == 1)
    let clean = try shell("eval output-only.spire", "> /dev/null 2>/dev/full")
    #expect(clean.status == 0)
  }

  @Test("output written before a failure stays written")
  func outputIsWrittenAsItGoes() throws {
    // A script that prints and then fails: its output is in the file even though the run failed.
    let result = try shell("eval runtime-error.spire", "> \"$2/stdout\"")
    #expect(result.status == 1)
    #expect(!result.stdout.isEmpty)
  }
}
