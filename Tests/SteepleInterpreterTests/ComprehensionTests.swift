import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Comprehensions")
struct ComprehensionTests {
  @Test func listComprehensions() {
    #expect(evaluate("[x * x for x in range(5)]") == "[0, 1, 4, 9, 16]")
    #expect(evaluate("[x for x in range(10) if x % 3 == 0]") == "[0, 3, 6, 9]")
    #expect(evaluate("[\"\\(i):\\(s)\" for (i, s) in [\"a\", \"b\"]]") == #"["0:a", "1:b"]"#)
    #expect(evaluate("[c for c in \"héllo\" if c != \"l\"]") == #"["h", "é", "o"]"#)
    #expect(evaluate("[k for (k, v) in { a: 1, b: 2 } if v > 1]") == #"["b"]"#)
    #expect(evaluate("[[y for y in range(x)] for x in range(3)]") == "[[], [0], [0, 1]]")
  }

  @Test func recordComprehensions() {
    #expect(evaluate("{ k: v * 10 for (k, v) in { a: 1, b: 2, c: 3 } if k != \"b\" }") == "{ a: 10, c: 30 }")
    #expect(evaluate("{ name: len(name) for name in [\"ui\", \"db\", \"ui\"] }") == "{ ui: 2, db: 2 }")
    #expect(evaluate("{ \"\\(k)-x\": v for (k, v) in { a: 1 } }") == #"{ "a-x": 1 }"#)
  }

  @Test func theVariablesAreVisibleOnlyInside() {
    expectDiagnostics("let xs = [x for x in [1]]\nprint(1️⃣x)", [Expected("undefined-name", "undefined name 'x'", at: "1️⃣")])
    #expect(output("let x = \"outer\"\nlet ys = [x for x in [1, 2]]\nprint(x, ys)") == "outer [1, 2]\n")
  }

  @Test func closuresInsideSeeTheVariable() {
    #expect(output("""
      fn make() { [fn() { x } for x in [1, 2]] }
      let fs = make()
      print(fs[0](), fs[1]())
      """) == "2 2\n")
  }

  @Test func errorsInComprehensions() {
    expectDiagnostics("let r = { 1️⃣k: 1 for k in [1] }", [
      Expected("type-mismatch", "a record comprehension's key must be a string, not int", at: "1️⃣"),
    ])
    expectDiagnostics("let r = [x for x in 1️⃣5]", [Expected("type-mismatch", "cannot iterate over int", at: "1️⃣")])
    expectDiagnostics("let r = [x for x in [1] 1️⃣for y in [2]]", [
      Expected("unexpected-token", "a comprehension has one 'for'", at: "1️⃣"),
    ])
    expectDiagnostics("let r = [x for x 1️⃣of [1]]", [
      Expected("expected-token", "expected 'in' after the comprehension's variable, found name 'of'", at: "1️⃣"),
    ])
    expectDiagnostics("let r = [1️⃣y for x in [1]]", [Expected("undefined-name", "undefined name 'y'", at: "1️⃣")])
    expectDiagnostics("let x = 1\nlet r = [x 1️⃣if x else 0 for x in [1]]", [
      Expected("unexpected-token", "expected ',' or ']' in the list, found 'if'", at: "1️⃣"),
    ])
  }

  @Test func aComprehensionTakesStepsAndStopsAtTheBudget() {
    let outcome = run("let xs = [x for x in range(100000)]", options: .init(maxSteps: 1000, maxCallDepth: 200))
    #expect(outcome.code == "step-budget")
  }
}

@Suite("Comprehensions: records that are not comprehensions")
struct RecordNotComprehensionTests {
  @Test func aForInsideAFieldsFunctionKeepsARecordARecord() {
    #expect(output("""
      let r = {
        total: fn(xs) {
          var sum = 0
          for x in xs { sum += x }
          sum
        },
        evens: [x for x in range(5) if x % 2 == 0],
      }
      print(r.total([1, 2, 3]), r.evens)
      """) == "6 [0, 2, 4]\n")
  }
}
