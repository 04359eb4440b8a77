import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Diagnostics: parser")
struct ParserDiagnosticTests {
  @Test func expectedClosingParenthesis() {
    expectDiagnostics("let x = (1 + 21️⃣", [
      Expected("expected-token", "expected ')' to close the parenthesis, found end of file", at: "1️⃣"),
    ])
    expectDiagnostics("print(1, 2\n1️⃣let y = 3", [
      Expected("expected-token", "expected ')' to close the argument list, found 'let'", at: "1️⃣"),
    ])
    expectDiagnostics("let xs = [1, 2 1️⃣3]", [
      Expected("expected-token", "expected ']' to close the list, found number", at: "1️⃣"),
    ])
  }

  @Test func missingEquals() {
    let outcome = expectDiagnostics("let x 1️⃣5", [
      Expected("expected-token", "expected '=' after 'let x', found number", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "give the constant a value: let x = ...")
    let variable = expectDiagnostics("var count\n1️⃣count = 1", [
      Expected("expected-token", "expected '=' after 'var count', found name 'count'", at: "1️⃣"),
    ])
    #expect(variable.diagnostics.first?.detail == "give the variable a value: var count = ...")
  }

  @Test func missingOpeningBrace() {
    expectDiagnostics("if true 1️⃣print(1)", [
      Expected("expected-token", "expected '{' after the 'if' condition, found name 'print'", at: "1️⃣"),
    ])
    expectDiagnostics("var i = 0\nwhile i < 3 1️⃣i += 1", [
      Expected("expected-token", "expected '{' for the loop body, found name 'i'", at: "1️⃣"),
    ])
    expectDiagnostics("fn f() 1️⃣1", [
      Expected("expected-token", "expected '{' for the function body, found number", at: "1️⃣"),
    ])
    expectDiagnostics("if true { } else 1️⃣print(2)", [
      Expected("expected-token", "expected '{' after 'else', found name 'print'", at: "1️⃣"),
    ])
  }

  @Test func missingClosingBrace() {
    expectDiagnostics("fn f() 2️⃣{\n  let x = 1\n1️⃣", [
      Expected("expected-token", "expected '}' to close the block, found end of file", at: "1️⃣",
        notes: [("the block opens here", "2️⃣")]),
    ])
    expectDiagnostics("let r = 2️⃣{ a: 1\n1️⃣", [
      Expected("expected-token", "expected '}' to close the fields, found end of file", at: "1️⃣",
        notes: [("the fields open here", "2️⃣")]),
    ])
  }

  @Test func unexpectedClosingBrace() {
    expectDiagnostics("let x = 1\n1️⃣}\nlet y = 2", [Expected("unexpected-token", "unexpected '}'", at: "1️⃣")])
  }

  @Test func elseWithoutIf() {
    let outcome = expectDiagnostics("""
      let x = 1
      1️⃣else {
        print(2)
      }
      """, [Expected("unexpected-token", "'else' without an 'if'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "'else' must follow the closing '}' of an 'if' block")
  }

  @Test func elseMayStartTheNextLine() {
    let source = """
      fn check(x) {
        if x > 1 {
          "big"
        }
        else if x > 0 {
          "small"
        }
        else {
          "none"
        }
      }
      print(check(2), check(1), check(0))
      """
    #expect(output(source) == "big small none\n")
  }

  @Test func chainedComparisons() {
    let outcome = expectDiagnostics("let x = 5\nlet ok = 1 < x 1️⃣< 10", [
      Expected("chained-comparison", "comparisons cannot be chained", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "combine them with 'and': a < b and b < c")
    expectDiagnostics("let ok = 1 == 1 1️⃣== true", [Expected("chained-comparison", "comparisons cannot be chained", at: "1️⃣")])
  }

  @Test func positionalAfterLabelledArgument() {
    expectDiagnostics("fn f(a, b) { }\nf(2️⃣a: 1, 1️⃣2)", [
      Expected("positional-after-label", "positional argument after a labelled one", at: "1️⃣",
        notes: [("labelled argument here", "2️⃣")]),
    ])
  }

  @Test func duplicateField() {
    expectDiagnostics("let r = { 2️⃣name: 1, other: 2, 1️⃣name: 3 }", [
      Expected("duplicate-field", "duplicate field 'name'", at: "1️⃣", notes: [("first given here", "2️⃣")]),
    ])
    expectDiagnostics("account \"a\" { 2️⃣id: 1, 1️⃣id: 2 }", [
      Expected("duplicate-field", "duplicate field 'id'", at: "1️⃣", notes: [("first given here", "2️⃣")]),
    ])
  }

  @Test func duplicateParameter() {
    expectDiagnostics("fn f(2️⃣a, b, 1️⃣a) { }", [
      Expected("duplicate-parameter", "duplicate parameter 'a'", at: "1️⃣", notes: [("first declared here", "2️⃣")]),
    ])
    expectDiagnostics("let g = fn(2️⃣x, 1️⃣x) { x }", [
      Expected("duplicate-parameter", "duplicate parameter 'x'", at: "1️⃣", notes: [("first declared here", "2️⃣")]),
    ])
  }

  @Test func duplicateArgument() {
    expectDiagnostics("fn f(a) { }\nf(2️⃣a: 1, 1️⃣a: 2)", [
      Expected("duplicate-argument", "argument 'a' is given twice", at: "1️⃣", notes: [("first given here", "2️⃣")]),
    ])
  }

  @Test func missingDefault() {
    expectDiagnostics("fn f(a = 1, 1️⃣b) { }", [
      Expected("missing-default", "parameter 'b' needs a default value", at: "1️⃣"),
    ])
  }

  @Test func statementsMustBeSeparated() {
    let outcome = expectDiagnostics("let a = 1 1️⃣let b = 2\nprint(a) 2️⃣print(b)", [
      Expected("expected-newline", "expected a line break or ';' after the statement, found 'let'", at: "1️⃣"),
      Expected("expected-newline", "expected a line break or ';' after the statement, found name 'print'", at: "2️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "put each statement on a line of its own, or separate them with ';'")
  }

  @Test func reservedWordsAsNames() {
    expectDiagnostics("let 1️⃣if = 3", [
      Expected("reserved-word", "'if' is a reserved word and cannot be used as a name", at: "1️⃣"),
    ])
    expectDiagnostics("fn f(1️⃣while) { }", [
      Expected("reserved-word", "'while' is a reserved word and cannot be used as a name", at: "1️⃣"),
    ])
  }

  @Test func invalidAssignmentTarget() {
    expectDiagnostics("fn f() { }\n1️⃣f() = 3", [Expected("invalid-assignment", "cannot assign to this expression", at: "1️⃣")])
    expectDiagnostics("var a = 1\n1️⃣a + 1 += 3", [Expected("invalid-assignment", "cannot assign to this expression", at: "1️⃣")])
  }

  @Test func forLoopSyntax() {
    expectDiagnostics("for x 1️⃣[1] { }", [
      Expected("expected-token", "expected 'in' after the loop variable, found '['", at: "1️⃣"),
    ])
    expectDiagnostics("for (k1️⃣) in { a: 1 } { }", [
      Expected("expected-token", "expected ',' between the key and value names, found ')'", at: "1️⃣"),
    ])
  }

  @Test func recordSyntax() {
    expectDiagnostics("let r = { a 1️⃣1 }", [
      Expected("expected-token", "expected ':' after field name 'a', found number", at: "1️⃣"),
    ])
    expectDiagnostics("let r = { a: 1 1️⃣b: 2 }", [
      Expected("expected-token", "expected ',' or a line break between fields, found name 'b'", at: "1️⃣"),
    ])
  }

  @Test func importSyntax() {
    expectDiagnostics("import 1️⃣lib", [
      Expected("expected-token", "expected a module path in quotes after 'import', found name 'lib'", at: "1️⃣"),
    ])
  }

  @Test func missingExpressions() {
    expectDiagnostics("let x = 1️⃣", [Expected("unexpected-end", "expected an expression, found the end of the file", at: "1️⃣")])
    expectDiagnostics("let x = 1️⃣)", [Expected("unexpected-token", "expected an expression, found ')'", at: "1️⃣")])
    expectDiagnostics("let x = 1 + 1️⃣*", [Expected("unexpected-token", "expected an expression, found '*'", at: "1️⃣")])
    expectDiagnostics("let x = 1️⃣while", [Expected("unexpected-token", "expected an expression, found 'while'", at: "1️⃣")])
  }

  @Test func verifyNeedsAKind() {
    // At the end of a line, `verify` is a name (the primitives' keywords are contextual).
    let outcome = expectDiagnostics("1️⃣verify\nlet x = 1", [Expected("undefined-name", "undefined name 'verify'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == #"'verify' is read as a name here, because no declaration form follows it on this line; to declare, write verify mtls "a" -> "b" (the name on the keyword's line)"#)
  }

  @Test func oneErrorPerBrokenLine() {
    // After an error the parser skips to the next line; each line's own mistake is reported.
    expectDiagnostics("""
      let a = 1️⃣)
      let b 2️⃣2
      let d = 4
      print(a 3️⃣b)
      """, [
        Expected("unexpected-token", "expected an expression, found ')'", at: "1️⃣"),
        Expected("expected-token", "expected '=' after 'let b', found number", at: "2️⃣"),
        Expected("expected-token", "expected ')' to close the argument list, found name 'b'", at: "3️⃣"),
      ])
  }

  @Test func interpolatedFieldName() {
    expectDiagnostics(#"""
      let x = "a"
      let r = { 1️⃣"k\(x)": 1 }
      """#, [Expected("interpolated-field-name", "a field name cannot use interpolation", at: "1️⃣")])
  }

}
