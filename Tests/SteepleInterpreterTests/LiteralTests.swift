import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Literals and strings")
struct LiteralTests {
  @Test func integers() {
    #expect(evaluate("42") == "42")
    #expect(evaluate("1_000_000") == "1000000")
    #expect(evaluate("0xFF") == "255")
    #expect(evaluate("0xff") == "255")
    #expect(evaluate("0X1f") == "31")
    #expect(evaluate("0xFF_FF") == "65535")
    #expect(evaluate("-5") == "-5")
    #expect(evaluate("9223372036854775807") == "9223372036854775807")
    #expect(evaluate("0") == "0")
  }

  @Test func floats() {
    #expect(evaluate("1.5") == "1.5")
    #expect(evaluate("1e3") == "1000.0")
    #expect(evaluate("2.5e-1") == "0.25")
    #expect(evaluate("1E+2") == "100.0")
    #expect(evaluate("1_000.5") == "1000.5")
    #expect(evaluate("-0.5") == "-0.5")
    #expect(evaluate("3.0") == "3.0")
    #expect(evaluate("1e100") == "1e+100")
    #expect(evaluate("type(1e3)") == #""float""#)
  }

  @Test func booleansAndNil() {
    #expect(evaluate("true") == "true")
    #expect(evaluate("false") == "false")
    #expect(evaluate("nil") == "nil")
    #expect(output("print(true, false, nil)") == "true false nil\n")
  }

  @Test func integerFollowedByMemberIsNotAFloat() {
    // `1.x` is not a float literal; `1.5` is.
    #expect(evaluate("[1.5, 2][0]") == "1.5")
    #expect(output(#"print("abc".upper())"#) == "ABC\n")
  }

  @Test(arguments: [
    (#""a\nb""#, "a\nb"),
    (#""a\tb""#, "a\tb"),
    (#""a\rb""#, "a\rb"),
    (#""a\0b""#, "a\u{0}b"),
    (#""a\\b""#, "a\\b"),
    (#""a\"b""#, "a\"b"),
    (#""a\'b""#, "a'b"),
    (#""\u{41}""#, "A"),
    (#""\u{e9}""#, "é"),
    (#""\u{1F600}""#, "😀"),
    (#""\u{0041}\u{42}""#, "AB"),
    (#""""#, ""),
    (#""héllo 😀""#, "héllo 😀"),
  ])
  func escapes(source: String, expected: String) {
    let outcome = run("let s = \(source)")
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    guard case .string(let value)? = outcome.global("s") else {
      Issue.record("s is not a string: \(String(describing: outcome.global("s")))")
      return
    }
    #expect(value == expected)
  }

  @Test func printWritesStringsAsIs() {
    #expect(output(#"print("tab\there", "quote\"", "back\\slash")"#) == "tab\there quote\" back\\slash\n")
  }

  @Test func literalFormEscapesStrings() {
    #expect(output(#"print(["a\nb", "q\"", "t\t", "z\0"])"#) == #"["a\nb", "q\"", "t\t", "z\0"]"# + "\n")
  }

  @Test func interpolation() {
    let source = #"""
      let x = 3
      let name = "web"
      print("a \(x) b")
      print("\(x)\(x)")
      print("sum: \(x + 4), call: \(len(name)), index: \([10, 20][1])")
      print("\(name)-\(x * 2)!")
      """#
    #expect(output(source) == "a 3 b\n33\nsum: 7, call: 3, index: 20\nweb-6!\n")
  }

  @Test func interpolationShowsNonStringsAsLiterals() {
    let source = #"""
      print("[\(nil)] [\(true)] [\(1.5)] [\([1, "a"])] [\({ a: 1 })] [\("s")]")
      """#
    #expect(output(source) == #"[nil] [true] [1.5] [[1, "a"]] [{ a: 1 }] [s]"# + "\n")
  }

  @Test func nestedStringsInInterpolation() {
    let source = #"""
      let xs = ["a", "b"]
      print("x \(", ".join(xs)) y")
      print("\("inner")")
      print("outer \("inner \(1 + 1) done") end")
      print("\(")")")
      print("\("(")")
      print("p \({ k: "v" }["k"]) q")
      """#
    #expect(output(source) == "x a, b y\ninner\nouter inner 2 done end\n)\n(\np v q\n")
  }

  @Test func nestedInterpolationWithParenthesisInAString() {
    // The inner string has an interpolation of its own, holding a string with a '('.
    let source = #"""
      print("\("a\("(")b")")
      print("\("x\(")")y")")
      """#
    #expect(output(source) == "a(b\nx)y\n")
  }

  @Test func interpolationCanSpanAnExpressionWithParentheses() {
    #expect(output(#"print("\((1 + 2) * (3 + 4))")"#) == "21\n")
  }

  @Test func multiLineStringStripsTheClosingIndentation() {
    let source = #"""
      let s = """
          first
            indented
          last
          """
      print("[" + s + "]")
      """#
    #expect(output(source) == "[first\n  indented\nlast]\n")
  }

  @Test func multiLineStringKeepsBlankLinesAndQuotes() {
    let source = #"""
      let s = """
        a

        "quoted" \t tab
        """
      print(s == "a\n\n\"quoted\" \t tab")
      """#
    #expect(output(source) == "true\n")
  }

  @Test func multiLineStringWithInterpolation() {
    let source = #"""
      let name = "mesh"
      let s = """
        hello \(name)
          \(1 + 1) two
        """
      print(s)
      """#
    #expect(output(source) == "hello mesh\n  2 two\n")
  }

  @Test func multiLineStringClosingAtColumnOneKeepsIndentation() {
    let source = "let s = \"\"\"\n  a\n\"\"\"\nprint(\"[\" + s + \"]\")"
    #expect(output(source) == "[  a]\n")
  }

  @Test func multiLineStringWithWindowsLineBreaks() {
    let source = "let s = \"\"\"\r\n    a\r\n    b\r\n    \"\"\"\r\nprint(s == \"a\\nb\", len(s))\r\n"
    #expect(output(source) == "true 3\n")
  }

  @Test func emptyMultiLineString() {
    let source = "let s = \"\"\"\n  \"\"\"\nprint(len(s))"
    #expect(output(source) == "0\n")
  }

  @Test func commentsAreIgnored() {
    let source = """
      // a line comment
      let x = 1 // after code
      /* a block
         comment */ let y = 2
      print(x /* inline */ + y)
      """
    #expect(output(source) == "3\n")
  }
}
