import Foundation
import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Budgets and limits")
struct LimitTests {
  @Test func stepBudgetStopsAnEndlessLoop() {
    let source = MarkedSource("let x = 1\n1️⃣while true {}\nprint(x)")
    let outcome = run(source.text, options: .init(maxSteps: 10_000, maxCallDepth: 200))
    #expect(outcome.diagnostics.map(\.code) == ["step-budget"])
    #expect(outcome.diagnostics.first?.summary == "the step budget of 10000 steps is used up")
    #expect(outcome.diagnostics.first?.range?.text == "while true {}")
    #expect(outcome.diagnostics.first.map { "\($0.range!.startLocation)" } == source.location("1️⃣"))
    #expect(outcome.result.steps == 10_000)
    #expect(outcome.output == "")
  }

  @Test func stepBudgetStopsEndlessRecursionThroughLoops() {
    let source = "fn spin() { var i = 0\n while true { i += 1 } }\nspin()"
    let outcome = run(source, options: .init(maxSteps: 5_000, maxCallDepth: 200))
    #expect(outcome.code == "step-budget")
    #expect(outcome.diagnostics.first?.stack.map(\.function) == ["spin"])
  }

  @Test func aRunWithinItsBudgetSucceeds() {
    let source = "var total = 0\nfor i in range(100) { total += i }\nprint(total)"
    let outcome = run(source, options: .init(maxSteps: 1_000, maxCallDepth: 200))
    #expect(outcome.diagnostics.isEmpty)
    #expect(outcome.output == "4950\n")
    #expect(outcome.result.steps > 100 && outcome.result.steps <= 1_000)
  }

  @Test func stepsAreCountedExactly() {
    // Three statements are three steps; a budget of exactly that succeeds, one less fails.
    let source = "let a = 1\nlet b = 2\nlet c = 3"
    let exact = run(source, options: .init(maxSteps: 3, maxCallDepth: 200))
    #expect(exact.diagnostics.isEmpty)
    #expect(exact.result.steps == 3)
    let short = run(source, options: .init(maxSteps: 2, maxCallDepth: 200))
    #expect(short.code == "step-budget")
    #expect(short.diagnostics.first?.range?.text == "let c = 3")
  }

  @Test func theBudgetIsDeterministic() {
    let source = "var n = 0\nwhile true { n += 1 }"
    let first = run(source, options: .init(maxSteps: 12_345, maxCallDepth: 200))
    let second = run(source, options: .init(maxSteps: 12_345, maxCallDepth: 200))
    #expect(first.code == "step-budget")
    #expect(first.rendered == second.rendered)
  }

  @Test func stepsAreZeroWithoutABudget() {
    #expect(run("for i in range(10) { }").result.steps == 0)
  }

  @Test func aCancelBeforeARunDoesNotCarryOverIntoIt() {
    // Each run starts uncancelled. (The budget only keeps a broken run from hanging the test.)
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(options: .init(maxSteps: 100_000, maxCallDepth: 200), buffer: buffer, host: RecordingHost())
    interpreter.cancellation.cancel()
    let result = interpreter.run("var n = 0\nfor i in range(100) { n += i }\nprint(n)")
    #expect(result.diagnostics.isEmpty)
    #expect(buffer.text == "4950\n")
  }

  @Test func aCancelledRunDoesNotCancelTheNextOne() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(options: .init(maxSteps: 100_000, maxCallDepth: 200), buffer: buffer, host: RecordingHost())
    let token = interpreter.cancellation
    interpreter.define(BuiltinFunction("stop") { _ in
      token.cancel()
      return .nil
    })
    #expect(interpreter.run("stop()\nwhile true { }").diagnostics.map(\.code) == ["cancelled"])
    #expect(interpreter.run("print(\"again\")").diagnostics.isEmpty)
    #expect(buffer.text == "again\n")
  }

  @Test func cancelledWhileRunning() {
    // A builtin cancels the run, as another thread would; the run stops at a later step.
    let buffer = OutputBuffer()
    // The budget only keeps a broken run from hanging the test; it is far more than the run needs.
    let interpreter = makeInterpreter(options: .init(maxSteps: 10_000_000, maxCallDepth: 200), buffer: buffer, host: RecordingHost())
    let token = interpreter.cancellation
    interpreter.define(BuiltinFunction("stop") { _ in
      token.cancel()
      return .nil
    })
    let result = interpreter.run("print(\"before\")\nstop()\nvar n = 0\nwhile true { n += 1 }")
    #expect(result.diagnostics.map(\.code) == ["cancelled"])
    #expect(buffer.text == "before\n")
  }

  @Test func cancellingFromAnotherThreadStopsAnEndlessLoop() {
    let buffer = OutputBuffer()
    // A budget that no run reaches before another thread gets to run, so the test cannot hang.
    let interpreter = makeInterpreter(options: .init(maxSteps: 2_000_000_000, maxCallDepth: 200), buffer: buffer, host: RecordingHost())
    let token = interpreter.cancellation
    interpreter.define(BuiltinFunction("started") { _ in
      // Cancel from another thread once the loop is about to start; the run cannot end otherwise.
      Thread.detachNewThread { token.cancel() }
      return .nil
    })
    let result = interpreter.run("started()\nwhile true { }")
    #expect(result.diagnostics.map(\.code) == ["cancelled"])
  }

  @Test func unboundedRecursionStopsAtTheCallDepth() {
    let source = MarkedSource("fn down(n) { 1️⃣down(n + 1) }\n2️⃣down(0)")
    let outcome = run(source.text, options: .init(maxCallDepth: 50))
    #expect(outcome.diagnostics.map(\.code) == ["call-depth"])
    let diagnostic = outcome.diagnostics[0]
    #expect(diagnostic.summary == "too many nested calls (more than 50)")
    #expect("\(diagnostic.range!.startLocation)" == source.location("1️⃣"))
    #expect(diagnostic.stack.count == 50)
    #expect(diagnostic.stack.allSatisfy { $0.function == "down" })
    #expect(diagnostic.stack.dropLast().allSatisfy { "\($0.range.startLocation)" == source.location("1️⃣") })
    #expect("\(diagnostic.stack.last!.range.startLocation)" == source.location("2️⃣"))
  }

  @Test func callDepthStackIsFoldedWhenRendered() {
    let outcome = run("fn down(n) { down(n + 1) }\ndown(0)", options: .init(maxCallDepth: 50))
    #expect(outcome.rendered == """
      main.spire:1:14: error: too many nested calls (more than 50)
       1 | fn down(n) { down(n + 1) }
         |              ^~~~~~~~~~~
         = help: a function probably calls itself without end; check its base case
         = call stack, innermost first:
             main.spire:1:14: in down
             ... the same call 48 more times
             main.spire:2:1: in down

      """)
  }

  @Test func defaultCallDepthOnALargeStack() {
    let outcome = LargeStack.run { run("fn f(n) { f(n + 1) }\nf(0)", options: .init()) }
    #expect(outcome.code == "call-depth")
    #expect(outcome.diagnostics.first?.summary.hasSuffix("deep): the stack is nearly full") == true)
    #expect(outcome.diagnostics.first?.detail == "a function probably calls itself without end; check its base case")
    let deep = LargeStack.run { run("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nprint(f(5000))", options: .init()) }
    #expect(deep.diagnostics.isEmpty)
    #expect(deep.output == "5000\n")
  }

  @Test func recursionWithinTheDepthLimitSucceeds() {
    let outcome = run("fn f(n) { if n == 0 { 0 } else { 1 + f(n - 1) } }\nprint(f(150))", options: .init(maxCallDepth: 200))
    #expect(outcome.diagnostics.isEmpty)
    #expect(outcome.output == "150\n")
  }

  @Test(arguments: ["(", "[", "-", "not ", "{ a: "])
  func deeplyNestedInputIsACleanError(opening: String) {
    let source = "let x = " + String(repeating: opening, count: 10_000) + "1"
    let outcome = run(source)
    #expect(outcome.diagnostics.map(\.code) == ["nesting-too-deep"])
    #expect(outcome.diagnostics.first?.summary == "code is nested more than 256 levels deep")
  }

  @Test func deeplyNestedBlocksAreACleanError() {
    let source = String(repeating: "if true { ", count: 5_000) + String(repeating: "}", count: 5_000)
    let outcome = run(source)
    #expect(outcome.diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func deeplyNestedInterpolationIsACleanError() {
    var source = "1"
    for _ in 0..<300 { source = #""\("# + source + #")""# }
    let outcome = run("let x = " + source)
    #expect(outcome.diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func veryLongOperatorChainsAreACleanError() {
    let source = "let x = 1" + String(repeating: " + 1", count: 20_000)
    let outcome = run(source)
    #expect(outcome.diagnostics.map(\.code) == ["nesting-too-deep"])
    #expect(outcome.diagnostics.first?.summary == "code is more than 1024 operators deep")
    let chainOfCalls = run("let f = fn() { f }\nf" + String(repeating: "()", count: 5_000))
    #expect(chainOfCalls.diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func nestingJustWithinTheLimitsRuns() {
    let parens = "print(" + String(repeating: "(", count: 100) + "7" + String(repeating: ")", count: 100) + ")"
    #expect(output(parens) == "7\n")
    let chain = "print(0" + String(repeating: " + 1", count: 1_000) + ")"
    #expect(output(chain) == "1000\n")
  }

  /// The documented limit is what the parser does: 256 levels of each kind of nesting (it used to
  /// count brackets, records and blocks twice, and stopped at 128).
  @Test(arguments: [("(", ")"), ("[", "]"), ("{ a: ", " }"), ("-", ""), ("not ", "")])
  func everyKindOfNestingReachesTheDocumentedLimit(opening: String, closing: String) {
    func nested(_ levels: Int) -> Run {
      // The expression after `let x =` is one level; each opening adds one.
      LargeStack.run { run("let x = " + String(repeating: opening, count: levels - 1) + "1" + String(repeating: closing, count: levels - 1)) }
    }
    let within = nested(Parser.maxNesting)
    #expect(within.diagnostics.isEmpty, "\(within.rendered)")
    #expect(nested(Parser.maxNesting + 1).diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func operatorChainsReachTheDocumentedLimit() {
    func chain(_ operators: Int) -> Run {
      LargeStack.run { run("let x = 1" + String(repeating: " + 1", count: operators)) }
    }
    #expect(chain(Parser.maxHeight - 1).diagnostics.isEmpty)
    #expect(chain(Parser.maxHeight).diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func nestedBlocksReachTheDocumentedLimit() {
    func nested(_ levels: Int) -> Run {
      LargeStack.run { run(String(repeating: "if true { ", count: levels) + String(repeating: "}", count: levels)) }
    }
    // The condition of the innermost `if` is one level more than its block.
    #expect(nested(Parser.maxNesting - 1).diagnostics.isEmpty)
    #expect(nested(Parser.maxNesting + 1).diagnostics.map(\.code) == ["nesting-too-deep"])
  }

  @Test func numberTooLarge() {
    expectDiagnostics("let x = 1️⃣12345678901234567890", [
      Expected("number-too-large", "integer literal is too large", at: "1️⃣"),
    ])
    expectDiagnostics("let x = 1️⃣9223372036854775808", [
      Expected("number-too-large", "integer literal is too large", at: "1️⃣"),
    ])
    expectDiagnostics("let x = 1️⃣0x1_0000_0000_0000_0000", [
      Expected("number-too-large", "integer literal is too large", at: "1️⃣"),
    ])
    expectDiagnostics("let x = 1️⃣1e400", [Expected("number-too-large", "float literal is out of range", at: "1️⃣")])
  }

  @Test func invalidUTF8() {
    var bytes = Array("let x = 1\nlet y = ".utf8)
    bytes += [0xFF]
    bytes += Array(" 2\n".utf8)
    let interpreter = Interpreter(output: { _ in })
    let result = interpreter.run(SourceFile(name: "bad.spire", bytes: bytes))
    #expect(result.diagnostics.map(\.code) == ["invalid-utf8"])
    #expect(result.diagnostics.first?.summary == "invalid UTF-8 byte 0xFF")
    #expect(result.diagnostics.first.map { "\($0.range!.startLocation)" } == "2:9")
  }

  @Test func invalidUTF8InsideAStringLiteral() {
    var bytes = Array("let s = \"caf".utf8)
    bytes += [0xE9]  // Latin-1 é
    bytes += Array("\"\n".utf8)
    let result = Interpreter(output: { _ in }).run(SourceFile(name: "latin1.spire", bytes: bytes))
    #expect(result.diagnostics.map(\.code) == ["invalid-utf8"])
    #expect(result.diagnostics.first.map { "\($0.range!.startLocation)" } == "1:13")
  }

  @Test func columnsAfterInvalidUTF8MatchTheRenderedLine() {
    // A truncated sequence: 0xE2 starts a three-byte character, but ' ' and '+' follow it.
    var bytes = Array("let x = ".utf8)
    bytes += [0xE2]
    bytes += Array(" + nope".utf8)
    let result = Interpreter(output: { _ in }).run(SourceFile(name: "t.spire", bytes: bytes))
    #expect(result.diagnostics.map(\.code) == ["invalid-utf8", "undefined-name"])
    // The line renders as "let x = \u{FFFD} + nope": 'nope' starts at column 13.
    #expect(result.diagnostics.map { "\($0.range!.startLocation)" } == ["1:9", "1:13"])
    let rendered = DiagnosticRenderer(colors: false).render(result.diagnostics[1])
    #expect(rendered.contains(" 1 | let x = \u{FFFD} + nope\n   |             ^~~~\n"))
  }

  @Test func integerOverflow() {
    for expression in [
      "9223372036854775807 + 1", "-9223372036854775807 - 2", "9223372036854775807 * 2",
      "(-9223372036854775807 - 1) / -1", "-(-9223372036854775807 - 1)",
    ] {
      let outcome = run("let x = \(expression)")
      #expect(outcome.code == "overflow", "\(expression)")
      #expect(outcome.diagnostics.first?.summary == "integer overflow")
    }
    // The remainder of the smallest int by -1 is 0, which fits.
    #expect(evaluate("(-9223372036854775807 - 1) % -1") == "0")
    expectDiagnostics("var x = 9223372036854775807\n1️⃣x += 1", [Expected("overflow", "integer overflow", at: "1️⃣")])
    expectDiagnostics("var x = [9223372036854775807]\n1️⃣x[0] *= 2", [Expected("overflow", "integer overflow", at: "1️⃣")])
  }

  @Test func divisionByZero() {
    for expression in ["1 / 0", "1 % 0", "1.0 / 0", "1 / 0.0", "1.5 % 0"] {
      let outcome = run("let x = \(expression)")
      #expect(outcome.code == "division-by-zero", "\(expression)")
    }
    expectDiagnostics("let zero = 0\nprint(1️⃣10 / zero)", [Expected("division-by-zero", "division by zero", at: "1️⃣")])
    expectDiagnostics("var x = 1\n1️⃣x /= 0", [Expected("division-by-zero", "division by zero", at: "1️⃣")])
  }

  @Test func hugeListsAreTooLarge() {
    let outcome = expectDiagnostics("let xs = 1️⃣range(100000000)", [
      Expected("too-large", "range() would make more than 10000000 elements", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "to count in a loop, write 'for i in range(n)' directly: it builds no list")
    #expect(run("let xs = range(-9223372036854775807 - 1, 9223372036854775807)").code == "too-large")
    #expect(run("let xs = range(9223372036854775807, -9223372036854775807 - 1, -1)").code == "too-large")
  }

  @Test func hugeStringsAreTooLarge() {
    let source = """
      var s = "x"
      for i in range(14) { s += s }
      let t = s.replace("x", s)
      """
    let outcome = run(source)
    #expect(outcome.code == "too-large")
    #expect(outcome.diagnostics.first?.summary == "the string would have 268451840 bytes, more than the limit of 67108864")
  }
}
