import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("verify statements: subject, peer and fields")
struct VerifyStatementTests {
  @Test func aComparisonAfterTheSubjectIsAnError() {
    // It declared `verify mtls "x"` and compared the check with b.
    let outcome = expectDiagnostics("""
      let a = "x"
      let b = "y"
      2️⃣verify mtls a 1️⃣== b
      """, [
        Expected("unexpected-token", "unexpected '==' after the check's subject", at: "1️⃣", notes: [("the check is here", "2️⃣")]),
      ])
    #expect(outcome.rendered.hasPrefix("""
      main.spire:3:15: error: unexpected '==' after the check's subject
       3 | verify mtls a == b
         |               ^~
         = help: the subject and peer of 'verify' are postfix expressions (a string, name, call, index or member) and nothing else may follow them on the line; put an expression in parentheses: verify mtls (a + b)
      main.spire:3:1: note: the check is here
       3 | verify mtls a == b
         | ^~~~~~~~~~~~~

      """))
    #expect(outcome.host.declarations.isEmpty)
  }

  @Test func anOperatorAfterThePeerIsAnError() {
    expectDiagnostics("""
      let ok = true
      2️⃣verify denied "a" -> "b" 1️⃣and ok
      """, [
        Expected("unexpected-token", "unexpected 'and' after the check's peer", at: "1️⃣", notes: [("the check is here", "2️⃣")]),
      ])
  }

  @Test func fieldsOnTheNextLineAreAnError() {
    expectDiagnostics("""
      2️⃣verify mtls "s"
        1️⃣{ timeout: 3 }
      """, [
        Expected("expected-token", "the fields of a check must begin on the line of 'verify'", at: "1️⃣",
          notes: [("the check is here", "2️⃣")]),
      ])
  }

  @Test func postfixOperandsAndParenthesesStillWork() {
    let outcome = run("""
      let names = { ui: "yelb-ui", db: ["yelb-db"] }
      fn id(x) { x }
      verify mtls names.ui -> id(names.db[0]) { timeout: 3 }
      verify svid ("a" + "b")
      let checks = [verify all, verify denied "x" -> "y"]
      print(verify all)
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    #expect(outcome.host.declarations.map { "\($0.name) \($0.arguments.map(\.literal))" } == [
      #"mtls ["\"yelb-ui\"", "\"yelb-db\""]"#, #"svid ["\"ab\""]"#, "all []", #"denied ["\"x\"", "\"y\""]"#, "all []",
    ])
  }
}
