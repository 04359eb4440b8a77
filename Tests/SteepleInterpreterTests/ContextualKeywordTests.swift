import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Contextual primitive keywords")
struct ContextualKeywordTests {
  @Test func primitivesKeywordsAreOrdinaryNames() {
    #expect(output("""
      fn add(cluster, account) { cluster + account }
      let mesh = [1, 2]
      var total = 0
      for cluster in mesh { total += cluster }
      let entry = { verify: 3 }
      print(add(1, 2), total, entry.verify, mesh[0])
      """) == "3 3 3 1\n")
  }

  @Test func aHandleInAVariableNamedAfterItsKind() {
    #expect(output("""
      let account = account "shared" { region: "us-east-2" }
      let cluster = cluster "hub" in account { nodes: 3 }
      print(cluster.name, cluster.account.name, account.region)
      fn describe(cluster) { "\\(cluster.name) in \\(cluster.account.name)" }
      print(describe(cluster))
      """) == "hub shared us-east-2\nhub in shared\n")
  }

  @Test func declarationsStillDeclareWithNamesInParentheses() {
    let outcome = run("""
      let names = ["a", "b"]
      let account = fn(n) { "acct-" + n }
      let made = account (account(names[0])) { }
      cluster (names[1]) in made { }
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    #expect(outcome.host.declarations.map(\.name) == ["acct-a", "b"])
  }

  @Test func aKeywordInAConditionIsTheNameBeforeTheBlock() {
    #expect(output("""
      let cluster = true
      if cluster { print("yes") }
      let entry = [1]
      for x in entry { print(x) }
      """) == "yes\n1\n")
  }

  @Test func anUndeclaredKeywordSaysWhyItIsAName() {
    let outcome = expectDiagnostics("let c = 1️⃣cluster\n", [Expected("undefined-name", "undefined name 'cluster'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail
      == #"'cluster' is read as a name here, because no declaration form follows it on this line; to declare, write cluster "name" in account { ... } (the name on the keyword's line)"#)
    let alone = expectDiagnostics("let a = 1️⃣account\n", [Expected("undefined-name", "undefined name 'account'", at: "1️⃣")])
    #expect(alone.rendered == """
      main.spire:1:9: error: undefined name 'account'
       1 | let a = account
         |         ^~~~~~~
         = help: 'account' is read as a name here, because no declaration form follows it on this line; to declare, write account "name" { ... } (the name on the keyword's line)

      """)
  }

  @Test func otherKeywordsStayReserved() {
    expectDiagnostics("fn f(1️⃣in) { }", [
      Expected("reserved-word", "'in' is a reserved word and cannot be used as a name", at: "1️⃣"),
    ])
  }
}

@Suite("Contextual primitive keywords: ambiguity")
struct ContextualKeywordAmbiguityTests {
  @Test func aKeywordBeforeANameIsADeclarationAndTheErrorSaysSo() {
    let cluster = expectDiagnostics("let cluster = 1\nlet xs = [1]\nlet found = cluster xs1️⃣", [
      Expected("expected-token", "expected 'in' and the cluster's account, found end of file", at: "1️⃣"),
    ])
    #expect(cluster.diagnostics.first?.detail == """
      write cluster "name" in account_handle { ... }
      'cluster xs' is read as a declaration; to use a variable named 'cluster', put an operator or ',' after it
      """)
    let account = expectDiagnostics("let account = 1\nlet b = 2\nprint(account b1️⃣)", [
      Expected("expected-token", "expected '{' to begin the account's fields, found ')'", at: "1️⃣"),
    ])
    #expect(account.diagnostics.first?.detail == """
      write the fields in braces, even when there are none: { }
      'account b' is read as a declaration; to use a variable named 'account', put an operator or ',' after it
      """)
  }
}

@Suite("Contextual primitive keywords: module names")
struct ContextualKeywordModuleTests {
  @Test func aModuleNamedAfterAPrimitiveIsImportedByThatName() {
    #expect(output("import \"mesh\"\nprint(mesh.domain)", modules: ["mesh": "let domain = \"am\""]) == "am\n")
    #expect(output("import \"lib\" as cluster\nprint(cluster.x)", modules: ["lib": "let x = 1"]) == "1\n")
    expectDiagnostics("import 1️⃣\"while\"", [
      Expected("import-name", #"cannot name the module "while" after its file"#, at: "1️⃣"),
    ], modules: ["while": "let x = 1"])
  }
}
