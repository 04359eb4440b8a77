import Testing
@testable import SteepleSyntax

@Suite("Parser")
struct ParserTests {
  @Test(arguments: [
    ("1 + 2 * 3", "(+ 1 (* 2 3))"),
    ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
    ("1 - 2 - 3", "(- (- 1 2) 3)"),
    ("a or b and c", "(or a (and b c))"),
    ("not a == b", "(not (== a b))"),
    ("not not a", "(not (not a))"),
    ("a ?? b ?? c", "(?? a (?? b c))"),
    ("a ?? b + c", "(?? a (+ b c))"),
    ("a + b ?? c", "(?? (+ a b) c)"),
    ("a == b ?? c", "(== a (?? b c))"),
    ("x in xs and y not in ys", "(and (in x xs) (not (in y ys)))"),
    ("-x.size", "(- (. x size))"),
    ("-2 * 3", "(* -2 3)"),
    ("- -2", "2"),
    ("-2.5", "-2.5"),
    ("a.b.c(1)[2]", "([] (call (. (. a b) c) 1) 2)"),
    ("f(1, b: 2, in: 3)", "(call f 1 b: 2 in: 3)"),
    ("f()()", "(call (call f))"),
    ("[1, [2], []]", "[1 [2] []]"),
    ("{ a: 1, \"b c\": 2, if: 3 }", "{a: 1, b c: 2, if: 3}"),
    ("fn(x, y = 2) { x }", "(fn (x y=2) {x})"),
    ("r.account", "(. r account)"),
    (#""a \(b + 1) c""#, #""a \((+ b 1)) c""#),
    ("a < b", "(< a b)"),
    ("a != b", "(!= a b)"),
  ])
  func expressions(source: String, expected: String) {
    #expect(tree(source) == expected)
  }

  @Test func statements() {
    #expect(tree("let x = 1\nvar y = 2") == "(let x 1) (var y 2)")
    #expect(tree("x = 1; x += 2; x -= 3; x *= 4; x /= 5; x %= 6") == "(= x 1) (+= x 2) (-= x 3) (*= x 4) (/= x 5) (%= x 6)")
    #expect(tree("r.a = 1\nxs[0] += 2") == "(= (. r a) 1) (+= ([] xs 0) 2)")
    #expect(tree("fn f(a, b = 1) { return a }") == "(fn f (a b=1) {(return a)})")
    #expect(tree("fn f() { return }") == "(fn f () {(return)})")
    #expect(tree("fn f() {\n  return\n  1\n}") == "(fn f () {(return) 1})")
    #expect(tree("if a { 1 } else if b { 2 } else { 3 }") == "(if a {1} elif b {2} else {3})")
    #expect(tree("if a {\n  1\n}\nelse {\n  2\n}") == "(if a {1} else {2})")
    #expect(tree("for x in xs { break }") == "(for x xs {break})")
    #expect(tree("for (k, v) in r { continue }") == "(for k,v r {continue})")
    #expect(tree("while true { }") == "(while true {})")
    #expect(tree("import \"lib\"\nimport \"./a/b.spire\" as c") == "(import lib) (import ./a/b.spire as c)")
    #expect(tree(";;let x = 1;;") == "(let x 1)")
  }

  @Test func declarations() {
    #expect(tree(#"account "a" { id: 1 }"#) == #"(account "a" {id: 1})"#)
    #expect(tree(#"account "a" {}"#) == #"(account "a" {})"#)
    #expect(tree(#"cluster "c" in a { n: 2 }"#) == #"(cluster "c" in a {n: 2})"#)
    #expect(tree(#"cluster name.x in accts[0] { }"#) == #"(cluster (. name x) in ([] accts 0) {})"#)
    #expect(tree("mesh \"m\" {\n  a: 1\n  b: 2\n}") == #"(mesh "m" {a: 1, b: 2})"#)
    #expect(tree(#"entry "spiffe://x/y" { }"#) == #"(entry "spiffe://x/y" {})"#)
    #expect(tree(#"verify mtls "a" -> "b""#) == #"(verify "mtls" "a" "b")"#)
    #expect(tree(#"verify denied a -> b { reason: "r" }"#) == #"(verify "denied" a b {reason: "r"})"#)
    #expect(tree(#"verify svid "a""#) == #"(verify "svid" "a")"#)
    #expect(tree("verify all") == #"(verify "all")"#)
    #expect(tree("verify all\nverify svid x") == #"(verify "all") (verify "svid" x)"#)
    #expect(tree("let v = [verify all, verify svid x]") == #"(let v [(verify "all") (verify "svid" x)])"#)
    // Operands are postfix expressions: anything else goes in parentheses.
    #expect(tree(#"verify mtls (a ?? b) -> c.d[0]"#) == #"(verify "mtls" (?? a b) ([] (. c d) 0))"#)
  }

  @Test func lineBreaks() {
    // An operator cannot start a line; inside brackets line breaks are ignored.
    #expect(tree("a\n-b") == "a (- b)")
    #expect(tree("x = (a\n- b)") == "(= x (- a b))")
    #expect(tree("f\n(1)") == "f 1")
    #expect(tree("f(\n1,\n2\n)") == "(call f 1 2)")
    #expect(tree("xs\n[0]") == "xs [0]")
    #expect(tree("a\n.b") == "(. a b)")
    #expect(tree("x = 1 +\n2") == "(= x (+ 1 2))")
    // Inside braces in brackets, line breaks count again.
    #expect(tree("f({ a: 1\nb: 2 })") == "(call f {a: 1, b: 2})")
  }

  @Test func ranges() {
    let (program, _) = parse("let total = price * 2\nfn f(a) {\n  a\n}")
    #expect(program.statements.map { $0.range.text } == ["let total = price * 2", "fn f(a) {\n  a\n}"])
    guard case .binding(let name, _, let value) = program.statements[0].kind else {
      Issue.record("not a binding")
      return
    }
    #expect(name.range.text == "total")
    #expect(value.range.text == "price * 2")
  }

  @Test func errorsAreReportedAndParsingGoesOn() {
    let (program, diagnostics) = parse("let = 1\nlet ok = 2\nlet bad = (\nlet also = 3")
    #expect(places(diagnostics) == ["expected-token@1:5", "unexpected-token@4:1"])
    #expect(program.statements.count >= 2)
  }

  @Test func recoveryDropsEchoesOfOneMistake() {
    #expect(places(parse("let x = 1 + * 2").diagnostics) == ["unexpected-token@1:13"])
    #expect(places(parse("let x = @ 2\nlet y = ").diagnostics) == ["unexpected-character@1:9", "unexpected-end@2:9"])
    #expect(places(parse("if !ready { let x 1 }").diagnostics) == ["unexpected-character@1:4", "expected-token@1:19"])
    #expect(places(parse("var n\nn = 2").diagnostics) == ["expected-token@2:1"])
  }

  @Test func inStepErrorsDoNotHideLaterOnes() {
    // A duplicate field leaves the parser in step, so the next mistake in the statement is found.
    #expect(places(parse("f(a: 1, a: 2, 3)").diagnostics) == ["duplicate-argument@1:9", "positional-after-label@1:15"])
    #expect(places(parse("fn f(a = 1, b, a) { }").diagnostics) == ["missing-default@1:13", "duplicate-parameter@1:16"])
  }

  @Test func nestingLimits() {
    let deep = parse(String(repeating: "[", count: 300) + String(repeating: "]", count: 300))
    #expect(places(deep.diagnostics).map { $0.prefix(16) } == ["nesting-too-deep"])
    let fine = parse("let x = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100))
    #expect(fine.diagnostics.isEmpty)
    let long = parse("let x = 1" + String(repeating: " + 1", count: 2_000))
    #expect(long.diagnostics.map(\.summary) == ["code is more than 1024 operators deep"])
  }

  @Test func theFivePrimitivesAreKeywordsButFieldNamesToo() {
    #expect(tree("let r = { account: 1, cluster: 2, mesh: 3, entry: 4, verify: 5 }\nr.verify")
      == "(let r {account: 1, cluster: 2, mesh: 3, entry: 4, verify: 5}) (. r verify)")
  }

  /// Inputs the fuzzer found: stray closing brackets must end in diagnostics, not in a parser that
  /// loops forever.
  @Test(arguments: ["(\n]", "]", ")\n]", "[\n)", "let x = (\n]\nlet y = 1", "}}", "else else", "f(\n]", "{\n]", "fn(\n]"])
  func strayClosersEndInDiagnostics(source: String) {
    let (_, diagnostics) = parse(source)
    #expect(!diagnostics.isEmpty)
  }

}
