import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Other languages' spellings get an error that names the Steeple one.
@Suite("Hints for other languages' habits")
struct HabitHintTests {
  @Test func foreignLiterals() {
    expectDiagnostics("let a = 1️⃣null\nlet b = 2️⃣None\nlet c = 3️⃣True\nlet d = 4️⃣False", [
      Expected("undefined-name", "undefined name 'null'", at: "1️⃣", suggestion: "nil"),
      Expected("undefined-name", "undefined name 'None'", at: "2️⃣", suggestion: "nil"),
      Expected("undefined-name", "undefined name 'True'", at: "3️⃣", suggestion: "true"),
      Expected("undefined-name", "undefined name 'False'", at: "4️⃣", suggestion: "false"),
    ])
    // A script's own variable of that name is fine.
    #expect(output("let None = 1\nprint(None)") == "1\n")
  }

  @Test func elif() {
    let outcome = expectDiagnostics("let a = 1\nif a == 1 { print(1) } 1️⃣elif a == 2 { print(2) }", [
      Expected("unexpected-token", "Steeple writes 'else if', not 'elif'", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "write: } else if condition { ... }")
    expectDiagnostics("let a = 1\nif a == 1 { print(1) }\n1️⃣elif a == 2 { print(2) }", [
      Expected("unexpected-token", "Steeple writes 'else if', not 'elif'", at: "1️⃣"),
    ])
    expectDiagnostics("1️⃣elsif true { }", [Expected("unexpected-token", "Steeple writes 'else if', not 'elsif'", at: "1️⃣")])
  }

  @Test func incrementOperators() {
    let outcome = expectDiagnostics("var i = 0\ni1️⃣++\nprint(i)", [Expected("unexpected-token", "Steeple has no '++' operator", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "write 'i += 1' to add 1 to a variable")
    #expect(outcome.diagnostics.first?.range?.text == "++")
    expectDiagnostics("var i = 0\ni1️⃣--", [Expected("unexpected-token", "Steeple has no '--' operator", at: "1️⃣")])
    // `a--b` is a minus and a negative number.
    #expect(evaluate("3--2") == "5")
  }

  @Test func assignmentInACondition() {
    let outcome = expectDiagnostics("let x = 1\nif x 1️⃣= 1 { }", [
      Expected("expected-token", "'=' assigns; to compare in a condition, write '=='", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "write: if x == 1 { ... }")
    expectDiagnostics("var x = 1\nwhile x 1️⃣= 2 { }", [
      Expected("expected-token", "'=' assigns; to compare in a condition, write '=='", at: "1️⃣"),
    ])
  }

  @Test func adjacentStringArguments() {
    let outcome = expectDiagnostics(#"print("a" 1️⃣"b")"#, [
      Expected("expected-token", "expected ')' to close the argument list, found string", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "a ',' is missing between the arguments; to join the strings into one, put '+' between them")
    let names = expectDiagnostics("let a = 1\nprint(a 1️⃣a)", [
      Expected("expected-token", "expected ')' to close the argument list, found name 'a'", at: "1️⃣"),
    ])
    #expect(names.diagnostics.first?.detail == "a ',' is missing between the arguments, or an operator between the values")
  }

  @Test func ternaryOperator() {
    let outcome = expectDiagnostics("let c = true\nlet x = c 1️⃣? 1 : 2", [Expected("unexpected-character", "unexpected character '?'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail
      == "Steeple has no 'c ? a : b'; write the conditional expression 'if c { a } else { b }' (or 'a ?? b' for a default when a is nil)")
  }

  @Test func didYouMeanFindsBuiltinsByOtherLanguagesNames() {
    expectDiagnostics("let xs = 1️⃣sort([2, 1])", [Expected("undefined-name", "undefined name 'sort'", at: "1️⃣", suggestion: "sorted")])
    expectDiagnostics("let n = 1️⃣lenght([1])", [Expected("undefined-name", "undefined name 'lenght'", at: "1️⃣", suggestion: "len")])
    expectDiagnostics("let n = 1️⃣mapp([1], str)", [Expected("undefined-name", "undefined name 'mapp'", at: "1️⃣", suggestion: "map")])
    expectDiagnostics("var xs = []\nxs.1️⃣push(1)", [Expected("unknown-member", "list has no method 'push'", at: "1️⃣", suggestion: "append")])
  }
}

@Suite("Hints for other languages' habits: functions and strings")
struct HabitHintFunctionTests {
  @Test func functionKeywordsFromOtherLanguages() {
    for word in ["def", "function", "func"] {
      let outcome = expectDiagnostics("1️⃣\(word) double(x) { x * 2 }", [
        Expected("unexpected-token", "Steeple declares functions with 'fn', not '\(word)'", at: "1️⃣"),
      ])
      #expect(outcome.diagnostics.first?.detail == "write: fn name(parameters) { ... }")
    }
    // A variable named so is fine.
    #expect(output("let def = 1\nprint(def)") == "1\n")
  }

  @Test func pythonFStrings() {
    let outcome = expectDiagnostics("let name = \"x\"\nprint(1️⃣f\"hi {name}\")", [
      Expected("unexpected-token", "Steeple has no f-strings", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == #"every string interpolates: write "text \(value)" without the 'f'"#)
    // `f "x"` with a space is a name and a string: the missing-comma error.
    expectDiagnostics("let f = 1\nprint(f 1️⃣\"x\")", [
      Expected("expected-token", "expected ')' to close the argument list, found string", at: "1️⃣"),
    ])
  }
}

@Suite("Hints for other languages' habits: template strings")
struct HabitHintTemplateTests {
  @Test func backticks() {
    let outcome = expectDiagnostics("let x = 1️⃣`a`", [Expected("unexpected-character", "unexpected character '`'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == #"strings use double quotes, and every string interpolates: "text \(value)""#)
  }
}
