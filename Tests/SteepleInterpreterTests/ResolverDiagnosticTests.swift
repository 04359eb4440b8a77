import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Diagnostics: resolver")
struct ResolverDiagnosticTests {
  @Test func undefinedNameWithSuggestionAndNote() {
    let outcome = expectDiagnostics("""
      let 2️⃣region = "eu-west-1"
      print(1️⃣regon)
      """, [
        Expected("undefined-name", "undefined name 'regon'", at: "1️⃣", notes: [("'region' is declared here", "2️⃣")],
          suggestion: "region"),
      ])
    #expect(outcome.rendered == """
      main.spire:2:7: error: undefined name 'regon'
       2 | print(regon)
         |       ^~~~~
         = did you mean 'region'?
         = help: declare it with 'let' or 'var' before this line, import the module it belongs to, or fix the spelling
      main.spire:1:5: note: 'region' is declared here
       1 | let region = "eu-west-1"
         |     ^~~~~~

      """)
  }

  @Test func undefinedNameSuggestsBuiltinsWithoutANote() {
    expectDiagnostics("1️⃣prnit([1])", [
      Expected("undefined-name", "undefined name 'prnit'", at: "1️⃣", suggestion: "print"),
    ])
  }

  @Test func undefinedNameWithoutSuggestion() {
    expectDiagnostics("print(1️⃣zzzzzz)", [Expected("undefined-name", "undefined name 'zzzzzz'", at: "1️⃣")])
  }

  @Test func undefinedNamesInsideFunctionsAreFoundBeforeRunning() {
    let outcome = expectDiagnostics("""
      print("runs?")
      fn f() { 1️⃣missing() }
      """, [Expected("undefined-name", "undefined name 'missing'", at: "1️⃣")])
    #expect(outcome.output == "")
  }

  @Test func suggestionsComeFromEnclosingScopes() {
    expectDiagnostics("""
      fn outer(2️⃣parameter) {
        fn inner() { 1️⃣paramter }
        inner()
      }
      """, [
        Expected("undefined-name", "undefined name 'paramter'", at: "1️⃣", notes: [("'parameter' is declared here", "2️⃣")],
          suggestion: "parameter"),
      ])
  }

  @Test func usedBeforeDeclaration() {
    let outcome = expectDiagnostics("""
      print(1️⃣later)
      let 2️⃣later = 1
      """, [
        Expected("used-before-declaration", "'later' is used before it is declared", at: "1️⃣",
          notes: [("'later' is declared here", "2️⃣")]),
      ])
    #expect(outcome.diagnostics.first?.detail == "move the declaration above this line")
  }

  @Test func usedBeforeDeclarationInABlock() {
    expectDiagnostics("""
      if true {
        let y = 1️⃣x + 1
        let 2️⃣x = 2
      }
      """, [
        Expected("used-before-declaration", "'x' is used before it is declared", at: "1️⃣",
          notes: [("'x' is declared here", "2️⃣")]),
      ])
  }

  @Test func aVariableCannotReferToItselfInItsInitializer() {
    expectDiagnostics("let 2️⃣n = 1️⃣n + 1", [
      Expected("used-before-declaration", "'n' is used before it is declared", at: "1️⃣",
        notes: [("'n' is declared here", "2️⃣")]),
    ])
  }

  @Test func redeclaration() {
    let outcome = expectDiagnostics("""
      let 2️⃣a = 1
      var 1️⃣a = 2
      """, [
        Expected("redeclaration", "'a' is already declared in this scope", at: "1️⃣", notes: [("first declared here", "2️⃣")]),
      ])
    #expect(outcome.diagnostics.first?.detail == "choose another name, or assign to the existing constant without 'var'")
    expectDiagnostics("""
      fn 2️⃣f() { }
      fn 1️⃣f() { }
      """, [
        Expected("redeclaration", "'f' is already declared in this scope", at: "1️⃣", notes: [("first declared here", "2️⃣")]),
      ])
    expectDiagnostics("""
      fn f(2️⃣x) {
        let 1️⃣x = 1
      }
      """, [
        Expected("redeclaration", "'x' is already declared in this scope", at: "1️⃣", notes: [("first declared here", "2️⃣")]),
      ])
  }

  @Test func shadowingInAnInnerBlockIsNotARedeclaration() {
    #expect(output("let a = 1\nif true { let a = 2 }\nfn f(a) { a }\nprint(a)") == "1\n")
  }

  @Test func assignToConstant() {
    let outcome = expectDiagnostics("""
      let 2️⃣limit = 1
      1️⃣limit = 2
      """, [
        Expected("assign-to-constant", "cannot assign to constant 'limit'", at: "1️⃣", notes: [("'limit' is declared here", "2️⃣")]),
      ])
    #expect(outcome.diagnostics.first?.detail == "declare it with 'var' instead of 'let' if it must change")
    expectDiagnostics("""
      let 2️⃣total = 1
      fn add() { 1️⃣total += 1 }
      """, [
        Expected("assign-to-constant", "cannot assign to constant 'total'", at: "1️⃣", notes: [("'total' is declared here", "2️⃣")]),
      ])
  }

  @Test func assignToLoopVariable() {
    let outcome = expectDiagnostics("for 2️⃣item in [1] { 1️⃣item = 2 }", [
      Expected("assign-to-constant", "cannot assign to loop variable 'item'", at: "1️⃣", notes: [("'item' is declared here", "2️⃣")]),
    ])
    #expect(outcome.diagnostics.first?.detail == "loop variables take each element in turn; copy it into a 'var' to change it")
    expectDiagnostics("for (2️⃣k, v) in { a: 1 } { 1️⃣k += \"x\" }", [
      Expected("assign-to-constant", "cannot assign to loop variable 'k'", at: "1️⃣", notes: [("'k' is declared here", "2️⃣")]),
    ])
  }

  @Test func assignToFunctionAndModule() {
    expectDiagnostics("fn 2️⃣f() { }\n1️⃣f = 1", [
      Expected("assign-to-constant", "cannot assign to function 'f'", at: "1️⃣", notes: [("'f' is declared here", "2️⃣")]),
    ])
    expectDiagnostics("import 2️⃣\"lib\"\n1️⃣lib = 1", [
      Expected("assign-to-constant", "cannot assign to module 'lib'", at: "1️⃣", notes: [("'lib' is declared here", "2️⃣")]),
    ], modules: ["lib": "let x = 1"])
  }

  @Test func assignToBuiltin() {
    let outcome = expectDiagnostics("1️⃣print = 1", [Expected("assign-to-builtin", "cannot assign to builtin 'print'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "declare a variable of your own: var print_ = ...")
    expectDiagnostics("1️⃣len += 1", [Expected("assign-to-builtin", "cannot assign to builtin 'len'", at: "1️⃣")])
  }

  @Test func builtinsCanBeShadowed() {
    #expect(output("let len = 3\nprint(len)") == "3\n")
  }

  @Test func assignToUndefinedName() {
    expectDiagnostics("var counter = 0\n1️⃣countr = 3", [
      Expected("undefined-name", "cannot assign to undefined name 'countr'", at: "1️⃣", suggestion: "counter"),
    ])
    expectDiagnostics("1️⃣nothing_here += 3", [Expected("undefined-name", "undefined name 'nothing_here'", at: "1️⃣")])
  }

  @Test func breakAndContinueOutsideLoops() {
    expectDiagnostics("1️⃣break", [Expected("outside-loop", "'break' outside a loop", at: "1️⃣")])
    expectDiagnostics("if true { 1️⃣continue }", [Expected("outside-loop", "'continue' outside a loop", at: "1️⃣")])
    // A function is not inside the loop it is defined in.
    expectDiagnostics("while true {\n  fn f() { 1️⃣break }\n  break\n}", [Expected("outside-loop", "'break' outside a loop", at: "1️⃣")])
    expectDiagnostics("for x in [1] { let g = fn() { 1️⃣continue } }", [
      Expected("outside-loop", "'continue' outside a loop", at: "1️⃣"),
    ])
  }

  @Test func returnOutsideFunction() {
    let outcome = expectDiagnostics("let x = 1\n1️⃣return x", [Expected("outside-function", "'return' outside a function", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.range?.text == "return x")
    expectDiagnostics("for x in [1] { 1️⃣return }", [Expected("outside-function", "'return' outside a function", at: "1️⃣")])
  }

  @Test func everyResolveErrorIsReportedTogether() {
    expectDiagnostics("""
      let 4️⃣port = 1
      1️⃣port = 2
      print(2️⃣prot)
      3️⃣break
      """, [
        Expected("assign-to-constant", "cannot assign to constant 'port'", at: "1️⃣", notes: [("'port' is declared here", "4️⃣")]),
        Expected("undefined-name", "undefined name 'prot'", at: "2️⃣", notes: [("'port' is declared here", "4️⃣")], suggestion: "port"),
        Expected("outside-loop", "'break' outside a loop", at: "3️⃣"),
      ])
  }
}
