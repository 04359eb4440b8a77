import Foundation
import SteepleTestSupport
import Testing

/// What `steeple run` prints for tools and people: one JSON document with --json, colour only when asked
/// for or on a terminal.
@Suite("steeple run's report")
struct RunReportCLITests {
  static let hello = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire").path

  @Test("run --json prints one document: the apply's report and every check with its outcome and verify line")
  func json() throws {
    let folder = try TemporaryDirectory.make("steeple-run-json-")
    defer { TemporaryDirectory.remove(folder) }
    let state = folder.appendingPathComponent("state").path
    let run = try TestSupport.steeple("run", "--json", "--auto-approve", "--time-scale", "0", "--state", state, Self.hello, in: folder)
    #expect(run.status == 0, "\(run.stderr)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "stdout is not one JSON object: \(run.stdout)")
    #expect(document["succeeded"] as? Bool == true)
    let apply = try #require(document["apply"] as? [String: Any])
    #expect(apply["succeeded"] as? Bool == true)
    #expect(((apply["steps"] as? [Any]) ?? []).count > 10)
    let checks = try #require(document["checks"] as? [String: Any])
    #expect(checks["passed"] as? Int == 3 && checks["failed"] as? Int == 0)
    let items = try #require(checks["checks"] as? [[String: Any]])
    #expect(items.map { $0["kind"] as? String ?? "" } == ["mtls", "denied", "all"])
    #expect(items.allSatisfy { $0["outcome"] as? String == "passed" })
    let lines = try String(contentsOfFile: Self.hello, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    for item in items {
      // `at` is the verify statement's file:line:column.
      let at = try #require(item["at"] as? String)
      let parts = at.split(separator: ":")
      #expect(parts.count == 3 && parts[0].hasSuffix("hello.spire"), "\(at)")
      let line = Int(parts[1]).map { String(lines[$0 - 1]) } ?? ""
      #expect(line.hasPrefix("verify \(item["kind"] as? String ?? "")"), "\(at): \(line)")
    }
    #expect(items.allSatisfy { ($0["seconds"] as? Double ?? -1) >= 0 })
    let timings = try #require(document["timings"] as? [String: Double])
    #expect(Set(timings.keys) == ["load_seconds", "plan_seconds", "apply_seconds", "verify_seconds", "total_seconds"])
    let phases = ["load_seconds", "plan_seconds", "apply_seconds", "verify_seconds"].compactMap { timings[$0] }
    #expect(phases.allSatisfy { $0 >= 0 } && abs(phases.reduce(0, +) - (timings["total_seconds"] ?? 0)) < 0.001, "\(timings)")
    // The plan and the progress went to standard error, so standard output stayed one document.
    #expect(run.stderr.contains("aws.account"), "\(run.stderr)")
    #expect(!run.stdout.contains("Apply complete"))
  }

  @Test("the check report is plain when piped and coloured with --color always; a matrix continues indented")
  func color() throws {
    let folder = try TemporaryDirectory.make("steeple-run-color-")
    defer { TemporaryDirectory.remove(folder) }
    let state = folder.appendingPathComponent("state").path
    let plain = try TestSupport.steeple("run", "--auto-approve", "--time-scale", "0", "--state", state, Self.hello, in: folder)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(!plain.stdout.contains("\u{1B}["), "\(plain.stdout)")
    #expect(plain.stdout.contains("  ✓ verify all (3 services): 6 ordered pairs of 3 services agree with the policy\n      row calls column"))
    let colored = try TestSupport.steeple(
      "run", "--color", "always", "--auto-approve", "--time-scale", "0", "--state", state, Self.hello, in: folder)
    #expect(colored.status == 0, "\(colored.stderr)")
    #expect(colored.stdout.contains("  \u{1B}[32m✓\u{1B}[0m verify all (3 services)"), "\(colored.stdout)")
  }
}
