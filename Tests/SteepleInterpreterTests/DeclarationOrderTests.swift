import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Declaration order: names used before they are declared")
struct DeclarationOrderTests {
  @Test func aLaterTopLevelNameDoesNotSilentlyReplaceABuiltinInAFunction() {
    // It printed "s"'s call error at run time, or worse, called the constant.
    let outcome = expectDiagnostics("""
      fn show(x) { 1️⃣str(x) }
      let 2️⃣str = "s"
      print(show(1))
      """, [
        Expected("shadowed-builtin", "'str' here is the constant declared below, not the builtin 'str'", at: "1️⃣",
          notes: [("'str' is declared here, after the function that uses it", "2️⃣")]),
      ])
    #expect(outcome.rendered == """
      main.spire:1:14: error: 'str' here is the constant declared below, not the builtin 'str'
       1 | fn show(x) { str(x) }
         |              ^~~
         = help: a declaration at the top of a scope that takes a builtin's name must come before the functions that use the name; move it above this function, or give it another name
      main.spire:2:5: note: 'str' is declared here, after the function that uses it
       2 | let str = "s"
         |     ^~~

      """)
  }

  @Test func usingABuiltinAboveADeclarationOfItsNameIsUsedBeforeDeclaration() {
    expectDiagnostics("""
      print(1️⃣type(1))
      let 2️⃣type = "eks"
      """, [
        Expected("used-before-declaration", "'type' is used before it is declared", at: "1️⃣",
          notes: [("'type' is declared here, shadowing the builtin", "2️⃣")]),
      ])
    // Inside functions, and for the builtins the compiler treats specially, too.
    expectDiagnostics("""
      fn f(xs) {
        var n = 1️⃣len(xs)
        for i in 3️⃣range(n) { }
        let 2️⃣len = 0
        let 4️⃣range = 1
      }
      """, [
        Expected("used-before-declaration", "'len' is used before it is declared", at: "1️⃣",
          notes: [("'len' is declared here, shadowing the builtin", "2️⃣")]),
        Expected("used-before-declaration", "'range' is used before it is declared", at: "3️⃣",
          notes: [("'range' is declared here, shadowing the builtin", "4️⃣")]),
      ])
  }

  @Test func shadowingABuiltinBeforeUsingItIsFine() {
    #expect(output("let type = \"eks\"\nfn f() { type }\nprint(type, f())") == "eks eks\n")
    #expect(output("fn f() { len([1]) }\nprint(f())\nif true { let len = 3\n print(len) }") == "1\n3\n")
  }

  @Test func aNestedFunctionReadingItsParentsLaterVariableTooEarlyIsAnError() {
    let outcome = run("""
      fn outer() {
        fn inner() { y }
        let early = inner()
        let y = 1
      }
      outer()
      """)
    #expect(outcome.diagnostics.map(\.summary) == ["'y' is used before its declaration has run"])
    #expect(outcome.diagnostics.first?.stack.map(\.function) == ["inner", "outer"])
  }

  @Test func assigningALaterVariableTooEarlyIsAnErrorToo() {
    expectDiagnostics("""
      fn bump() { 1️⃣count += 1 }
      bump()
      var 2️⃣count = 0
      """, [
        Expected("used-before-declaration", "'count' is used before its declaration has run", at: "1️⃣",
          notes: [("'count' is declared here", "2️⃣")]),
      ])
    expectDiagnostics("""
      fn set() { 1️⃣count = 5 }
      set()
      var 2️⃣count = 0
      """, [
        Expected("used-before-declaration", "'count' is used before its declaration has run", at: "1️⃣",
          notes: [("'count' is declared here", "2️⃣")]),
      ])
    #expect(output("fn bump() { count += 1 }\nfn set() { count = 5 }\nvar count = 0\nbump()\nset()\nbump()\nprint(count)") == "6\n")
  }

  @Test func laterFunctionsAreCalledOnceDeclared() {
    #expect(output("""
      fn a() { b() + c }
      fn b() { 1 }
      let c = 2
      print(a())
      var log = []
      for i in range(2) {
        fn note() { log.append(i) }
        note()
      }
      print(log)
      """) == "3\n[0, 1]\n")
  }
}
