import Foundation
import Testing

/// `scripts/test`'s closing line comes from the runner's counts: a skipped test is not a passed one.
@Suite("scripts/test's summary")
struct TestScriptTests {
  @Test("counts passed, failed and skipped tests from Swift Testing's output")
  func summary() throws {
    let log = """
      ◇ Test run started.
      ➜ Test aKilledApply(delayMilliseconds:) skipped: "the child never starts"
      ✔ Test killProbeChild() passed after 0.001 seconds.
      ◇ Test "what did not start is skipped" started.
      ✔ Test "what did not start is skipped" passed after 0.001 seconds.
      ✘ Test "a broken one" recorded an issue at X.swift:3:5: Expectation failed
      ✘ Test "a broken one" failed after 0.002 seconds with 1 issue.
      ✘ Suite "kill -9 during apply" failed after 0.003 seconds with 1 issue.
      ✘ Test run with 6 tests in 2 suites failed after 0.008 seconds with 1 issue.
      """
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-test-log-\(UUID().uuidString)")
    try Data(log.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [TestSupport.packageRoot.appendingPathComponent("scripts/test").path, "--summary", file.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    #expect(printed == "4 passed, 1 failed, 1 skipped\n")
  }
}
