import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Operators")
struct OperatorTests {
  @Test(arguments: [
    ("1 + 2", "3"), ("5 - 8", "-3"), ("6 * 7", "42"), ("7 / 2", "3"), ("-7 / 2", "-3"), ("7 / -2", "-3"),
    ("7 % 3", "1"), ("-7 % 3", "-1"), ("7 % -3", "1"), ("-7 % -3", "-1"), ("6 / 3", "2"),
    ("7.0 / 2", "3.5"), ("7 / 2.0", "3.5"), ("1 + 2.5", "3.5"), ("2.5 * 2", "5.0"), ("10 % 3.5", "3.0"),
    ("-7.5 % 2", "-1.5"), ("0.1 + 0.2", "0.30000000000000004"), ("1 - 0.5", "0.5"),
    ("2 + 3 * 4", "14"), ("(2 + 3) * 4", "20"), ("10 - 2 - 3", "5"), ("100 / 10 / 5", "2"), ("2 * 3 % 4", "2"),
    ("2 - -3", "5"), ("-(2 + 3)", "-5"), ("--4", "4"), ("-2.5 * -2", "5.0"),
  ])
  func arithmetic(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test(arguments: [
    ("1 < 2", "true"), ("2 < 1", "false"), ("2 <= 2", "true"), ("3 > 2", "true"), ("2 >= 3", "false"),
    ("1 < 1.5", "true"), ("2.0 >= 2", "true"), (#""a" < "b""#, "true"), (#""abc" < "abd""#, "true"),
    (#""b" > "abc""#, "true"), ("[1, 2] < [1, 3]", "true"), ("[1] < [1, 0]", "true"), ("[2] > [1, 9]", "true"),
    ("1 == 1", "true"), ("1 == 1.0", "true"), ("1 != 2", "true"), (#"1 == "1""#, "false"),
    ("nil == nil", "true"), ("nil == false", "false"), ("0 == false", "false"), ("[] == []", "true"),
    (#""a" != "a""#, "false"), ("[1, 2] != [1, 2]", "false"),
  ])
  func comparisons(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test(arguments: [
    // `and` and `or` give one of their operands, like Python.
    ("1 and 2", "2"), ("0 and 2", "0"), ("nil and 1", "nil"), (#""" and 1"#, #""""#),
    ("1 or 2", "1"), ("0 or 2", "2"), (#"nil or "x""#, #""x""#), ("false or nil", "nil"), ("[] or [1]", "[1]"),
    ("not true", "false"), ("not 0", "true"), ("not []", "true"), (#"not "a""#, "false"), ("not nil", "true"),
    ("true or false and false", "true"), ("(true or false) and false", "false"),
    ("not 1 == 2", "true"), ("not not 5", "true"), ("1 < 2 and 2 < 3", "true"),
  ])
  func logic(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test func andOrShortCircuit() {
    let source = """
      var calls = 0
      fn hit() { calls += 1; true }
      let a = false and hit()
      let b = true or hit()
      let c = nil ?? hit()
      let d = 1 ?? hit()
      print(calls)
      """
    #expect(output(source) == "1\n")
  }

  @Test(arguments: [
    ("2 in [1, 2]", "true"), ("3 in [1, 2]", "false"), ("3 not in [1, 2]", "true"), ("2 not in [1, 2]", "false"),
    ("1.0 in [1]", "true"), ("[1] in [[1], [2]]", "true"),
    (#""a" in { a: 1 }"#, "true"), (#""b" in { a: 1 }"#, "false"), (#""a" not in { a: 1 }"#, "false"),
    ("1 in { a: 1 }", "false"),
    (#""ell" in "hello""#, "true"), (#""x" in "hello""#, "false"), (#""" in "abc""#, "true"),
    (#""x" not in "abc""#, "true"),
  ])
  func membership(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test(arguments: [
    ("nil ?? 5", "5"), ("0 ?? 5", "0"), ("false ?? 5", "false"), (#""" ?? "x""#, #""""#),
    ("nil ?? nil ?? 3", "3"), ("nil ?? 1 + 1", "2"), ("{ a: nil }.a ?? 7", "7"),
  ])
  func nilCoalescing(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test func concatenation() {
    #expect(evaluate(#""ab" + "cd""#) == #""abcd""#)
    #expect(evaluate("[1] + [2, 3]") == "[1, 2, 3]")
    #expect(evaluate("[] + []") == "[]")
    #expect(evaluate(#""" + """#) == #""""#)
  }

  @Test func comparisonOperatorsBindLooserThanArithmetic() {
    #expect(evaluate("1 + 1 == 2") == "true")
    #expect(evaluate("2 * 3 > 5 and 1 + 1 < 3") == "true")
    #expect(evaluate("1 + 2 in [3]") == "true")
  }

  @Test func expressionsContinueOnTheNextLineInsideBrackets() {
    let source = """
      let x = (1
        + 2)
      let ys = [1,
        2]
      print(x, ys, len(
        ys))
      """
    #expect(output(source) == "3 [1, 2] 2\n")
  }

  @Test func aLineBreakEndsAnExpressionOutsideBrackets() {
    // The second line is a statement of its own: a negative number.
    let source = """
      let x = 1
      -2
      print(x)
      """
    let outcome = run(source)
    #expect(outcome.output == "1\n")
    // It runs, with a warning that says why the value is lost.
    #expect(outcome.diagnostics.map(\.code) == ["unused-value"])
  }

  @Test func aCallOnTheNextLineIsNotACall() {
    let source = """
      let f = fn() { "called" }
      let g = f
      (1)
      print(g == f)
      """
    let outcome = run(source)
    #expect(outcome.output == "true\n")
    #expect(outcome.diagnostics.map(\.code) == ["unused-value"])
  }

  @Test func anOperatorCannotStartALine() {
    expectDiagnostics("let x = 1\n1️⃣+ 2", [Expected("unexpected-token", "expected an expression, found '+'", at: "1️⃣")])
    #expect(output("let x = 1 +\n  2 +\n  3\nprint(x)") == "6\n")
  }

  @Test func aMemberAccessContinuesOnTheNextLine() {
    let source = """
      let found = "a,b"
        .split(",")
        .contains("b")
      print(found)
      """
    #expect(output(source) == "true\n")
  }

  @Test func lineBreaksSeparateFieldsEvenInsideParentheses() {
    #expect(output("print(len({ a: 1\n  b: 2 }))") == "2\n")
  }

  @Test func stringsCompareScalarByScalar() {
    // Strings are sequences of Unicode scalars: no canonical equivalence.
    #expect(evaluate(#""é" == "e\u{301}""#) == "false")
    #expect(evaluate(#""\u{e9}" == "é""#) == "true")
    #expect(evaluate(#"len("e\u{301}")"#) == "2")
    #expect(evaluate(#""e\u{301}" < "é""#) == "true")
    #expect(evaluate(#"sorted(["é", "z", "e\u{301}", "a"]) == ["a", "e\u{301}", "z", "é"]"#) == "true")
  }

  @Test func orderingIsOnlyForNumbersStringsAndLists() {
    for expression in ["true < false", "nil < 1", "{} < {}", #"[1] < ["a"]"#, "print < print"] {
      #expect(run("let x = \(expression)").code == "type-mismatch", "\(expression)")
    }
  }

}
