import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Budgets and limits: memory")
struct MemoryLimitTests {
  /// Keeping big lists stops at the statement that would cross the limit, before allocating.
  @Test func keepingBigListsStopsAtTheMemoryLimit() {
    let limit = Limits.residentBytes() + (400 << 20)
    let source = MarkedSource("""
      var kept = []
      for i in range(100) {
        kept.append(1️⃣range(10000000))
      }
      """)
    let outcome = run(source.text, options: .init(maxMemory: limit))
    #expect(outcome.diagnostics.map(\.code) == ["memory-limit"])
    let diagnostic = outcome.diagnostics.first
    #expect(diagnostic?.range?.text == "range(10000000)")
    #expect(diagnostic.map { "\($0.range!.startLocation)" } == source.location("1️⃣"))
    #expect(diagnostic?.summary.hasPrefix("the run would use more than \(Limits.describeBytes(limit)) of memory") == true)
    #expect(diagnostic?.detail == "the script keeps too much data alive; build smaller values, or raise the limit with --max-memory")
  }

  @Test(arguments: [
    "var s = \"x\"\nwhile true { s = s + s }",
    "var xs = [0]\nwhile true { xs.append(1) }",
    "var xs = [[0]]\nfor i in range(100) { xs = xs + xs + xs }",
  ])
  func everyWayOfGrowingIsChecked(source: String) {
    let outcome = run(source, options: .init(maxSteps: 50_000_000, maxMemory: Limits.residentBytes() + (20 << 20)))
    #expect(outcome.code == "memory-limit", "\(outcome.rendered)")
  }

  @Test func byteCountsAreWrittenForPeople() {
    #expect(Limits.describeBytes(512) == "512 bytes")
    #expect(Limits.describeBytes(3 << 29) == "1.5 GiB")
    #expect(Limits.describeBytes(64 << 20) == "64 MiB")
  }

  @Test func theDefaultIsAShareOfTheMachine() {
    #expect(Interpreter.Options().maxMemory == Limits.defaultMaxMemory)
    #expect(Limits.defaultMaxMemory >= 64 << 20 && Limits.defaultMaxMemory <= Limits.physicalMemory())
  }
}
