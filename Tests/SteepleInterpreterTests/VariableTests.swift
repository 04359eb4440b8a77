import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Variables and assignment")
struct VariableTests {
  @Test func letAndVar() {
    let outcome = run("let a = 1\nvar b = 2\nb = b + a")
    #expect(outcome.diagnostics.isEmpty)
    #expect(outcome.literal("a") == "1")
    #expect(outcome.literal("b") == "3")
  }

  @Test func compoundAssignment() {
    let source = """
      var x = 10
      x += 5
      print(x)
      x -= 3
      print(x)
      x *= 2
      print(x)
      x /= 5
      print(x)
      x %= 3
      print(x)
      var f = 1.5
      f *= 2
      f /= 4
      print(f)
      var s = "a"
      s += "b"
      print(s)
      """
    #expect(output(source) == "15\n12\n24\n4\n1\n0.75\nab\n")
  }

  @Test func globalsAreReportedInDeclarationOrderWithoutPrivateNames() {
    let outcome = run("let zed = 1\nvar alpha = [2]\nlet _hidden = 3\nfn go() { 4 }")
    #expect(outcome.result.globals.map(\.name) == ["zed", "alpha", "go"])
    #expect(outcome.literal("alpha") == "[2]")
  }

  @Test func resultIsTheLastExpression() {
    #expect(run("let x = 2\nx * 21").result.value?.literal == "42")
    #expect(run("let x = 2").result.value == nil)
    #expect(run("1\nlet y = 2").result.value == nil)
  }

  @Test func globalsAreEmptyWhenTheRunFails() {
    let outcome = run("let a = 1\nfail(\"no\")")
    #expect(outcome.code == "fail")
    #expect(outcome.result.globals.isEmpty)
    #expect(outcome.result.value == nil)
  }

  @Test func innerBlocksShadowOuterNames() {
    let source = """
      let x = "outer"
      if true {
        let x = "inner"
        print(x)
      }
      print(x)
      """
    #expect(output(source) == "inner\nouter\n")
  }

  @Test func assignmentReachesEnclosingFunctionVariables() {
    let source = """
      var total = 0
      fn add(n) { total += n }
      add(2)
      add(3)
      print(total)
      """
    #expect(output(source) == "5\n")
  }

  @Test func parametersCanBeReassigned() {
    #expect(output("fn f(x) { x = x * 2; x }\nprint(f(4))") == "8\n")
  }

  @Test func statementsSeparatedBySemicolons() {
    #expect(output("let a = 1; let b = 2; print(a + b);") == "3\n")
  }
}
