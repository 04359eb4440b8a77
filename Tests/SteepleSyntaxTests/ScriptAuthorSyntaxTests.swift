import Testing
@testable import SteepleSyntax

/// The forms script authors reach for: contextual primitive keywords, conditional expressions,
/// spreads, comprehensions and slices, as the parser reads them.
@Suite("Parser: script authors' forms")
struct ScriptAuthorSyntaxTests {
  @Test(arguments: [
    // A primitive's keyword is a name unless a declaration form follows it on its line.
    ("cluster.name", "(. cluster name)"),
    ("account + 1", "(+ account 1)"),
    ("cluster in clusters", "(in cluster clusters)"),
    ("[mesh, entry, verify]", "[mesh entry verify]"),
    ("account(x)", "(call account x)"),
    ("entry[0]", "([] entry 0)"),
    ("f(cluster: cluster)", "(call f cluster: cluster)"),
    (#"account (name) { }"#, "(account name {})"),
    (#"entry ["x"][0] { }"#, #"(entry ([] ["x"] 0) {})"#),
    (#"cluster (n) in a { }"#, "(cluster n in a {})"),
    ("cluster(x) in names", "(in (call cluster x) names)"),
    (#"account 42 { }"#, "(account 42 {})"),
    (#"cluster account in account { }"#, "(cluster account in account {})"),
    // Conditional expressions.
    ("f(if a { 1 } else { 2 })", "(call f (if a 1 else 2))"),
    ("f(if a { 1 } else if b { 2 } else { 3 })", "(call f (if a 1 b 2 else 3))"),
    ("1 + if a { 2 } else { 3 }", "(+ 1 (if a 2 else 3))"),
    ("x = if a {\n  1\n}\nelse {\n  2\n}", "(= x (if a 1 else 2))"),
    ("x = if cluster { account } else { mesh }", "(= x (if cluster account else mesh))"),
    // Spreads.
    ("[...xs, y]", "[(... xs) y]"),
    ("{ ...base, region: r }", "{(... base), region: r}"),
    ("{ ...a\n...b }", "{(... a), (... b)}"),
    // Comprehensions.
    ("[x * 2 for x in xs]", "(for (* x 2) x xs)"),
    ("[x for x in xs if x > 1]", "(for x x xs if (> x 1))"),
    ("[i for (i, x) in xs]", "(for i i,x xs)"),
    ("{ k: v for (k, v) in r if k != \"a\" }", #"(for k: v k,v r if (!= k "a"))"#),
    ("{ k.upper(): v for (k, v) in r }", "(for (call (. k upper)): v k,v r)"),
    ("{\n  k: v\n  for (k, v) in r\n}", "(for k: v k,v r)"),
    // Slices.
    ("xs[1:3]", "([:] xs 1 3)"),
    ("xs[:2]", "([:] xs _ 2)"),
    ("xs[-2:]", "([:] xs -2 _)"),
    ("xs[:]", "([:] xs _ _)"),
    ("s[a + 1:len(s)]", "([:] s (+ a 1) (call len s))"),
  ])
  func expressions(source: String, expected: String) {
    #expect(tree(source) == expected)
  }

  @Test func primitivesKeywordsAreNamesInDeclarationsOfNames() {
    #expect(tree("fn add(cluster, account) { cluster }") == "(fn add (cluster account) {cluster})")
    #expect(tree("for cluster in clusters { }") == "(for cluster clusters {})")
    #expect(tree("for (account, cluster) in pairs { }") == "(for account,cluster pairs {})")
    #expect(tree("let mesh = 1\nvar entry = 2\nfn verify() { }") == "(let mesh 1) (var entry 2) (fn verify () {})")
    #expect(tree("cluster = 3") == "(= cluster 3)")
  }

  @Test func aBraceAfterAKeywordInAConditionBeginsTheBlock() {
    #expect(tree("if cluster { 1 }") == "(if cluster {1})")
    #expect(tree("while account { }") == "(while account {})")
    #expect(tree("for x in entry { }") == "(for x entry {})")
    #expect(tree("if f(account (n) { }) { }") == #"(if (call f (account n {})) {})"#)
  }

  @Test func theEllipsisIsOneToken() {
    var lexer = Lexer(file: SourceFile(name: "t", text: "...x .. ."))
    let kinds = lexer.tokenize().map(\.kind)
    #expect(kinds == [.symbol(.ellipsis), .identifier("x"), .symbol(.dot), .symbol(.dot), .symbol(.dot), .endOfFile])
  }
}

@Suite("Parser: primitives' keywords in declarations")
struct ContextualKeywordDeclarationTests {
  @Test func keywordsAsOperandsOfDeclarations() {
    #expect(tree("verify svid cluster { timeout: 1 }") == "(verify \"svid\" cluster {timeout: 1})")
    #expect(tree("verify mtls account -> cluster") == "(verify \"mtls\" account cluster)")
    #expect(tree("mesh entry { }") == "(mesh entry {})")
  }
}
