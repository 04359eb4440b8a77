import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Spreads")
struct SpreadTests {
  @Test func recordSpreadsCopyFieldsAndLaterFieldsWin() {
    #expect(output("""
      let base = { region: "us-east-2", profile: "shared", nodes: 3 }
      let west = { ...base, region: "us-west-2" }
      let first = { region: "eu-west-1", ...base }
      print(west)
      print(first)
      print(base, { ...{}, a: 1 }, { ...base, ...{ nodes: 5 } }.nodes)
      """) == """
      { region: "us-west-2", profile: "shared", nodes: 3 }
      { region: "us-east-2", profile: "shared", nodes: 3 }
      { region: "us-east-2", profile: "shared", nodes: 3 } { a: 1 } 5

      """)
  }

  @Test func listSpreads() {
    #expect(evaluate("[...[1, 2], 3, ...[], ...[4]]") == "[1, 2, 3, 4]")
    #expect(output("var xs = [1]\nlet ys = [...xs, 2]\nxs.append(9)\nprint(xs, ys)") == "[1, 9] [1, 2]\n")
  }

  @Test func spreadsInDeclarations() {
    let outcome = run("""
      let spec = { profile: "prod", region: "us-east-2" }
      fn make(n, r) { account n { ...spec, region: r } }
      let a = make("prod", "eu-west-1")
      print(a.region, a.profile)
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    #expect(outcome.output == "eu-west-1 prod\n")
    let declaration = outcome.host.declarations[0]
    #expect(declaration.fields.keys == ["profile", "region"])
    // A field a spread supplies points at the spread; one written out at itself.
    let source = "fn make(n, r) { account n { ...spec, region: r } }"
    _ = source
    #expect(declaration.fieldRanges["profile"]?.text == "spec")
    #expect(declaration.fieldRanges["region"]?.text == "region: r")
  }

  @Test func spreadingTheWrongTypeIsAnError() {
    expectDiagnostics("let r = { ...1️⃣[1] }", [Expected("type-mismatch", "cannot spread list into a record", at: "1️⃣")])
    expectDiagnostics("let xs = [...1️⃣{ a: 1 }]", [Expected("type-mismatch", "cannot spread record into a list", at: "1️⃣")])
    expectDiagnostics("let xs = [...1️⃣\"ab\"]", [Expected("type-mismatch", "cannot spread string into a list", at: "1️⃣")])
  }

  @Test func spreadDoesNotCountAsADuplicateField() {
    #expect(evaluate("{ ...{ a: 1 }, a: 2 }") == "{ a: 2 }")
    expectDiagnostics("let r = { a: 1, ...{ }, 1️⃣a: 2 }", [
      Expected("duplicate-field", "duplicate field 'a'", at: "1️⃣", notes: [("first given here", nil)]),
    ])
  }
}

@Suite("Spreads: where they are not allowed")
struct SpreadPlacementTests {
  @Test func aSpreadOutsideALiteralSaysWhereItGoes() {
    let outcome = expectDiagnostics("let xs = [1]\nprint(1️⃣...xs)", [
      Expected("unexpected-token", "expected an expression, found '...'", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail
      == "'...' spreads a list into a list literal ([...xs, y]) or a record into a record literal ({ ...r, f: v }), nowhere else")
  }
}
