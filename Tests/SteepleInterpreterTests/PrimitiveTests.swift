import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("The five primitives")
struct PrimitiveTests {
  @Test func hostReceivesEveryDeclarationInOrder() {
    let source = MarkedSource(#"""
      let env = "prod"
      let acct = 1️⃣account "acct-\(env)" { id: "123456789012", region: "us-east-1" }
      let c = 2️⃣cluster "web" in acct { nodes: 3, zones: ["a", "b"] }
      3️⃣mesh "main" { clusters: [c] }
      4️⃣entry "spiffe://example.org/web" { selectors: ["k8s:ns:web"], ttl: 3600 }
      5️⃣verify mtls "web" -> "api"
      6️⃣verify denied "web" -> "db" { reason: "no route" }
      7️⃣verify svid "web"
      8️⃣verify all
      """#)
    let outcome = run(source.text)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    let declarations = outcome.host.declarations
    #expect(declarations.map(\.kind) == [.account, .cluster, .mesh, .entry, .verify, .verify, .verify, .verify])
    #expect(declarations.map(\.name) == [
      "acct-prod", "web", "main", "spiffe://example.org/web", "mtls", "denied", "svid", "all",
    ])
    #expect(declarations.map { $0.fields.keys } == [
      ["id", "region"], ["nodes", "zones"], ["clusters"], ["selectors", "ttl"], [], ["reason"], [], [],
    ])
    #expect(declarations.map { $0.arguments.map(\.literal) } == [
      [], [], [], [], [#""web""#, #""api""#], [#""web""#, #""db""#], [#""web""#], [],
    ])
    #expect(declarations[0].fields["region"]?.literal == #""us-east-1""#)
    #expect(declarations[3].fields["ttl"]?.literal == "3600")
    #expect(declarations[2].fields["clusters"]?.literal == #"[cluster "web"]"#)
    // Only a cluster has a parent: the account handle after `in`.
    #expect(declarations.map { $0.parent?.literal } == [nil, #"account "acct-prod""#, nil, nil, nil, nil, nil, nil])
    // Each declaration's range starts at its keyword.
    let starts = declarations.map { "\($0.range.startLocation)" }
    #expect(starts == ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣"].map(source.location))
    #expect(declarations[0].range.text == #"account "acct-\(env)" { id: "123456789012", region: "us-east-1" }"#)
    #expect(declarations[4].range.text == #"verify mtls "web" -> "api""#)
    #expect(declarations[7].range.text == "verify all")
    #expect(declarations[1].fieldRanges["nodes"]?.text == "nodes: 3")
    #expect(declarations[1].fieldRanges["zones"]?.text == #"zones: ["a", "b"]"#)
  }

  @Test func handlesAreValuesWithNameKindAndFields() {
    let source = """
      let a = account "shared" { id: "1", tags: ["x"] }
      let c = cluster "c1" in a { nodes: 2 }
      let v = verify mtls "p" -> "q"
      print(a.name, a.kind, a.id, a["tags"], a["name"])
      print(c.account.name, c.nodes, c.kind, type(c))
      print(v.name, v.arguments)
      print(a, c, a == a, a == c)
      print(str(a), "\\(c)")
      """
    #expect(output(source) == """
      shared account 1 ["x"] shared
      shared 2 cluster cluster
      mtls ["p", "q"]
      account "shared" cluster "c1" true false
      account "shared" cluster "c1"

      """)
  }

  @Test func verifyTakesHandlesAsOperands() {
    let source = """
      let a = account "a" { }
      let x = cluster "x" in a { }
      let y = cluster "y" in a { }
      verify mtls x -> y
      verify denied y -> x
      verify svid x { ttl: 60 }
      """
    let outcome = run(source)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    let checks = outcome.host.declarations.filter { $0.kind == .verify }
    #expect(checks.map { $0.arguments.map(\.literal) } == [
      [#"cluster "x""#, #"cluster "y""#], [#"cluster "y""#, #"cluster "x""#], [#"cluster "x""#],
    ])
    #expect(checks[2].fields["ttl"]?.literal == "60")
  }

  @Test func declarationsInLoopsAndFunctions() {
    let source = """
      let a = account "a" { }
      fn make(name) { cluster "c-\\(name)" in a { } }
      let cs = []
      for n in ["x", "y", "z"] { cs.append(make(n)) }
      print([cs[0].name, cs[1].name, cs[2].name])
      """
    let outcome = run(source)
    #expect(outcome.output == #"["c-x", "c-y", "c-z"]"# + "\n")
    #expect(outcome.host.declarations.map(\.name) == ["a", "c-x", "c-y", "c-z"])
  }

  @Test func handleFieldsAreFrozen() {
    expectDiagnostics("""
      let a = account "a" { tags: ["x"] }
      1️⃣a.tags.append("y")
      """, [Expected("frozen", "cannot change a frozen list", at: "1️⃣")])
    expectDiagnostics("""
      let a = account "a" { id: "1" }
      a.2️⃣id = "2"
      """, [Expected("type-mismatch", "cannot set field 'id' on account", at: "2️⃣")])
  }

  @Test func valuesGivenToADeclarationAreCopiedThenFrozen() {
    // The caller's own list stays theirs to change; the declaration keeps what it was given.
    #expect(output("""
      var tags = ["x"]
      var spec = { nodes: 3, labels: { team: "a" } }
      let a = account "a" { tags: tags, spec: spec }
      tags.append("y")
      spec.labels.team = "b"
      print(tags, spec, a.tags, a.spec)
      """) == #"["x", "y"] { nodes: 3, labels: { team: "b" } } ["x"] { nodes: 3, labels: { team: "a" } }"# + "\n")
    expectDiagnostics("""
      let tags = ["x"]
      let a = account "a" { tags: tags }
      1️⃣a.tags.append("y")
      """, [Expected("frozen", "cannot change a frozen list", at: "1️⃣")])
  }

  @Test func theCopyKeepsSharingAndCycles() {
    #expect(output("""
      var shared = [1]
      var cyclic = [shared, shared]
      cyclic.append(cyclic)
      let a = account "a" { xs: cyclic }
      shared.append(2)
      print(cyclic, a.xs)
      """) == "[[1, 2], [1, 2], [...]] [[1], [1], [...]]\n")
    // A value nested deeply is copied without deep recursion.
    #expect(output("""
      var x = []
      for i in range(100000) { x = [x] }
      let a = account "a" { deep: x }
      print(len(a.deep))
      """) == "1\n")
  }

  @Test func verifyOperandsAreCopiedToo() {
    #expect(output("""
      var subjects = ["a"]
      let check = verify all subjects
      subjects.append("b")
      print(subjects, check.arguments)
      """) == #"["a", "b"] [["a"]]"# + "\n")
  }

  @Test func unknownHandleField() {
    expectDiagnostics("""
      let a = account "a" { region: "eu" }
      print(a.1️⃣regoin)
      print(a[2️⃣"nope"])
      """, [Expected("unknown-field", #"account "a" has no field 'regoin'"#, at: "1️⃣", suggestion: "region")])
    expectDiagnostics("""
      let a = account "a" { region: "eu" }
      print(a[1️⃣"regon"])
      """, [Expected("unknown-field", #"account has no field "regon""#, at: "1️⃣", suggestion: "region")])
  }

  @Test func namesMustBeStrings() {
    expectDiagnostics("""
      account 1️⃣42 { }
      """, [Expected("type-mismatch", "the name of an account must be a string, not int", at: "1️⃣")])
    expectDiagnostics("""
      let n = nil
      mesh 1️⃣n { }
      """, [Expected("type-mismatch", "the name of a mesh must be a string, not nil", at: "1️⃣")])
    expectDiagnostics("""
      entry 1️⃣["x"] { }
      """, [Expected("type-mismatch", "the name of an entry must be a string, not list", at: "1️⃣")])
    expectDiagnostics("""
      let a = account "a" { }
      cluster 1️⃣a in a { }
      """, [Expected("type-mismatch", "the name of a cluster must be a string, not account", at: "1️⃣")])
  }

  @Test func namesCanBeComputed() {
    let outcome = run(#"""
      let region = "eu"
      let prefix = "spiffe://example.org"
      let n = "acct-" + region
      account n { }
      entry "\(prefix)/\(region)/web" { }
      """#)
    #expect(outcome.host.declarations.map(\.name) == ["acct-eu", "spiffe://example.org/eu/web"])
  }

  @Test func hostErrorsAreReportedAtTheDeclaration() {
    final class RejectingHost: DeclarationHost {
      func declare(_ declaration: DeclarationRecord) throws -> Value {
        throw ScriptError("account ids have 12 digits", detail: "fix the id", code: "host-rejected")
      }
    }
    let source = MarkedSource("let x = 1\n1️⃣account \"a\" { id: \"1\" }")
    let interpreter = Interpreter(host: RejectingHost(), output: { _ in })
    let result = interpreter.run(source.text, name: "main.spire")
    #expect(result.diagnostics.map(\.code) == ["host-rejected"])
    #expect(result.diagnostics.map(\.summary) == ["account ids have 12 digits"])
    #expect(result.diagnostics.map { "\($0.range!.startLocation)" } == [source.location("1️⃣")])
  }

  @Test func primitiveSyntaxErrors() {
    expectDiagnostics("""
      account 1️⃣{ }
      """, [Expected("expected-token", "expected the name after 'account'", at: "1️⃣")])
    expectDiagnostics("""
      entry 1️⃣{ }
      """, [Expected("expected-token", "expected the SPIFFE ID after 'entry'", at: "1️⃣")])
    expectDiagnostics("""
      let a = account "a" { }
      cluster "c" 1️⃣{ }
      """, [Expected("expected-token", "expected 'in' and the cluster's account, found '{'", at: "1️⃣")])
    expectDiagnostics("""
      mesh "m"
      1️⃣let x = 1
      """, [Expected("expected-token", "expected '{' to begin the mesh's fields, found 'let'", at: "1️⃣")])
  }
}
