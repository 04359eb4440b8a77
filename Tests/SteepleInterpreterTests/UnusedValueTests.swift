import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Warnings: unused values")
struct UnusedValueTests {
  @Test func aNegativeLineAfterABindingWarnsWithAFixIt() {
    // It silently printed 10.
    let source = "let total = 10\n  - 3\nprint(total)"
    let outcome = run(source)
    #expect(outcome.output == "10\n")
    #expect(outcome.succeeded)
    #expect(outcome.rendered == """
      main.spire:2:3: warning: the value of '- 3' is unused
       2 |   - 3
         |   ^~~
         = help: a line that starts with '-' begins a new statement: it does not subtract from the line above; to continue that line, end it with the operator
         = fix-it: join it to the line above: 'let total = 10 - 3'

      """)
    let fixIt = outcome.diagnostics.first?.fixIt
    #expect(fixIt.map { "\($0.range.startLocation)-\($0.range.endLocation)" } == "1:15-2:5")
    #expect(fixIt?.replacement == " - ")
    #expect(DiagnosticJSON.encode(outcome.diagnostics).contains(#""fixit":{"message":"join it to the line above: 'let total = 10 - 3'","file":"main.spire","start":{"line":1,"column":15,"offset":14},"end":{"line":2,"column":5,"offset":19},"replacement":" - "}"#))
  }

  @Test func aComparisonStatementSuggestsAssignment() {
    let outcome = expectDiagnostics("var a = 1\nlet b = 2\n1️⃣a == b\nprint(a)", [
      Expected("unused-value", "the value of 'a == b' is unused", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.severity == .warning)
    #expect(outcome.diagnostics.first?.detail == "'==' compares two values and changes nothing; to assign, write '='")
    #expect(outcome.diagnostics.first?.fixIt?.message == "assign with '=': 'a = b'")
    #expect(outcome.diagnostics.first?.fixIt?.range.text == "==")
    #expect(outcome.output == "1\n")
  }

  @Test func bareNamesAndPureExpressionsWarnEverywhere() {
    expectDiagnostics("""
      let xs = [1]
      1️⃣xs
      fn f(n) {
        2️⃣n + 1
        3️⃣"text \\(n)"
        4️⃣xs[0]
        n
      }
      for i in xs { 5️⃣[i, { k: i }] }
      print(f(1))
      """, [
        Expected("unused-value", "the value of 'xs' is unused", at: "1️⃣"),
        Expected("unused-value", "the value of 'n + 1' is unused", at: "2️⃣"),
        Expected("unused-value", #"the value of '"text \(n)"' is unused"#, at: "3️⃣"),
        Expected("unused-value", "the value of 'xs[0]' is unused", at: "4️⃣"),
        Expected("unused-value", "the value of '[i, { k: i }]' is unused", at: "5️⃣"),
      ])
  }

  @Test func valuesThatAreUsedOrDoSomethingDoNotWarn() {
    let outcome = run("""
      fn f() { 1 }
      f()
      [f(), 2]
      "\\(f())"
      account "a" {}
      fn g(x) { if x { 1 } else { 2 } }
      print(g(true))
      fn h() { 5 }
      1 + 1
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    // The last line of a script is its value.
    #expect(outcome.result.value?.literal == "2")
  }

  @Test func aFileWithErrorsShowsItsWarningsOnceTheErrorsAreFixed() {
    // What is left of a broken line (`i` of `i++`, a bare `mesh`) is no news.
    #expect(run("var i = 0\ni++\nlet x = 1\n- 3\nprint(x)").diagnostics.map(\.code) == ["unexpected-token"])
    #expect(run("mesh\nlet x = 1").diagnostics.map(\.code) == ["undefined-name"])
    #expect(run("var i = 0\ni += 1\nlet x = 1\n- 3\nprint(x)").diagnostics.map(\.code) == ["unused-value"])
  }

  @Test func warningsInAModuleAreReportedInItsFile() {
    let outcome = run("import \"lib\"\nprint(lib.x)", modules: ["lib": "let x = 1\nx\nlet y = 2\n"])
    #expect(outcome.output == "1\n")
    #expect(outcome.diagnostics.map { "\($0.code) \($0.range?.file.name ?? "-")" } == ["unused-value lib.spire"])
  }
}
