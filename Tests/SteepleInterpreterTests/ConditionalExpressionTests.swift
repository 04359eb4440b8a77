import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Conditional expressions")
struct ConditionalExpressionTests {
  @Test func aConditionalIsAValue() {
    #expect(output("""
      let expose = true
      let ttl = if expose { 3600 } else { 600 }
      fn size(n) { if n > 10 { "large" } else if n > 3 { "medium" } else { "small" } }
      print(ttl, size(20), size(5), size(1), [if false { 1 } else { 2 }], 1 + if expose { 1 } else { 0 })
      let spec = {
        nodes: if expose {
          3
        } else {
          1
        }
      }
      print(spec.nodes, "\\(if expose { "public" } else { "private" })")
      """) == "3600 large medium small [2] 2\n3 public\n")
  }

  @Test func onlyTheChosenBranchIsEvaluated() {
    #expect(output("""
      fn loud(x) { print("ran", x); x }
      let v = if loud(false) { loud(1) } else if loud(true) { loud(2) } else { loud(3) }
      print(v)
      """) == "ran false\nran true\nran 2\n2\n")
  }

  @Test func aConditionalNeedsAnElse() {
    let outcome = expectDiagnostics("let x = if true { 1 }1️⃣", [
      Expected("expected-token", "expected 'else' to finish the conditional expression, found end of file", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "a conditional expression needs a value for every case: if c { a } else { b }")
  }

  @Test func aBranchHoldsOneExpression() {
    expectDiagnostics("let x = if true { 1️⃣let y = 1 } else { 2 }", [
      Expected("unexpected-token", "expected an expression, found 'let'", at: "1️⃣"),
    ])
    let two = expectDiagnostics("let x = if true { 1 1️⃣2 } else { 3 }", [
      Expected("expected-token", "expected '}' after the branch's value, found number", at: "1️⃣"),
    ])
    #expect(two.diagnostics.first?.detail == "a branch of a conditional expression holds one expression; for statements, use an 'if' statement or a function")
  }

  @Test func aConditionalStatementIsStillAStatement() {
    #expect(output("if true { print(1) } else { print(2) }") == "1\n")
  }
}
