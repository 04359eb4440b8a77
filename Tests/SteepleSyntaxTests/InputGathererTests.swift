import Testing
@testable import SteepleSyntax

/// `InputGatherer`: the REPL's lines gathered into inputs, deciding as `Parser.needsMoreInput`
/// does, with work linear in the input.
@Suite("gathering a REPL input")
struct InputGathererTests {
  /// The line at which each input of `lines` completes, as the gatherer decides and as
  /// `needsMoreInput` on the lines so far decides.
  static func completions(_ lines: [String]) -> (gathered: [Int], parsed: [Int]) {
    var gatherer = InputGatherer()
    var gathered: [Int] = []
    var parsed: [Int] = []
    var pending: [String] = []
    for (index, line) in lines.enumerated() {
      if gatherer.add(line) {
        gathered.append(index)
        gatherer.reset()
      }
      pending.append(line)
      if !Parser.needsMoreInput(SourceFile(name: "<input>", text: pending.joined(separator: "\n"))) {
        parsed.append(index)
        pending = []
      }
    }
    return (gathered, parsed)
  }

  @Test("ends each input where needsMoreInput says it ends", arguments: [
    ["let x = 1", "fn f(x) {", "  x * 2", "}", "f(2)"],
    ["let xs = [", "  1,", "  [2, (3)],", "]"],
    ["let s = \"\"\"", "  text with { and ( in it", "  \\(1 + 2)", "  \"\"\"", "s"],
    ["/* a comment", "   with [ in it */", "let y = 2"],
    ["let z =", "  1 +", "  2"],
    ["account \"a\" {", "  region: \"x\"", "}"],
    [")", "let q = 1", "fn g() {", "\"broken", "}"],
    ["let t = \"\"\"", "\"\"\" + \"(\"", "[", "]"],
  ])
  func sameAsNeedsMoreInput(_ lines: [String]) {
    let (gathered, parsed) = Self.completions(lines)
    #expect(gathered == parsed)
  }

  @Test("a 20,000-line input costs work linear in its length, not quadratic")
  func linearWork() {
    var gatherer = InputGatherer()
    var endedEarly = gatherer.add("let xs = [")
    for index in 0..<20_000 where gatherer.add("  \(index), \"item \(index)\",") { endedEarly = true }
    #expect(!endedEarly, "the list is open until its ']'")
    let closed = gatherer.add("]")
    #expect(closed)
    #expect(gatherer.lineCount == 20_002)
    // Each line is lexed once, and the whole input a few times when its bracket closes.
    #expect(gatherer.bytesExamined <= 4 * gatherer.text.utf8.count, "\(gatherer.bytesExamined) bytes examined")
  }
}
