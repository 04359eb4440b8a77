import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Each mistake gives exactly one diagnostic, at the right place.
@Suite("Diagnostics: lexer")
struct LexerDiagnosticTests {
  @Test func bangSuggestsNot() {
    let outcome = expectDiagnostics("""
      let done = false
      if 1️⃣!done { print("x") }
      """, [Expected("unexpected-character", "unexpected character '!'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "use 'not' for negation and '!=' for inequality")
  }

  @Test func bangEqualIsFine() {
    #expect(evaluate("1 != 2") == "true")
  }

  @Test func doubleAmpersandSuggestsAnd() {
    let outcome = expectDiagnostics("""
      let a = true
      let b = false
      if a 1️⃣&& b { }
      """, [Expected("unexpected-character", "unexpected '&&'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "use 'and' to combine conditions")
    #expect(outcome.diagnostics.first?.range?.text == "&&")
  }

  @Test func doubleBarSuggestsOr() {
    let outcome = expectDiagnostics("""
      let a = true
      let b = a 1️⃣|| false
      """, [Expected("unexpected-character", "unexpected '||'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "use 'or' to combine conditions")
  }

  @Test func singleQuotesSuggestDoubleQuotes() {
    let outcome = expectDiagnostics("""
      let s = 1️⃣'text'
      print(s)
      """, [Expected("unexpected-character", "unexpected character '''", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == #"strings use double quotes: "text""#)
  }

  @Test func singleQuotesInArguments() {
    expectDiagnostics("""
      print(1️⃣'a', 2️⃣'b')
      """, [
        Expected("unexpected-character", "unexpected character '''", at: "1️⃣"),
        Expected("unexpected-character", "unexpected character '''", at: "2️⃣"),
      ])
  }

  @Test func hashSuggestsSlashes() {
    let outcome = expectDiagnostics("""
      1️⃣# a comment, don't do this
      let x = 1 2️⃣# another
      print(x)
      """, [
        Expected("unexpected-character", "unexpected character '#'", at: "1️⃣"),
        Expected("unexpected-character", "unexpected character '#'", at: "2️⃣"),
      ])
    #expect(outcome.diagnostics.first?.detail == "comments start with '//'")
  }

  @Test func otherUnexpectedCharacters() {
    expectDiagnostics("let x = 1️⃣@", [Expected("unexpected-character", "unexpected character '@'", at: "1️⃣")])
    expectDiagnostics("let x = 1 1️⃣$ 2", [Expected("unexpected-character", "unexpected character '$'", at: "1️⃣")])
    expectDiagnostics("let 1️⃣é = 1", [Expected("unexpected-character", "unexpected character 'é' (U+00E9 latin small letter e with acute)", at: "1️⃣")])
    expectDiagnostics("let x = 1\nlet y = 1️⃣\u{7}", [Expected("unexpected-character", "unexpected character U+0007", at: "1️⃣")])
  }

  @Test func unterminatedString() {
    let outcome = expectDiagnostics("""
      let s = 1️⃣"abc
      let t = 2
      """, [Expected("unterminated-string", "unterminated string literal", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.range?.text == "\"abc")
  }

  @Test func unterminatedMultiLineString() {
    expectDiagnostics("let s = 1️⃣\"\"\"\n  abc\n", [Expected("unterminated-string", "unterminated string literal", at: "1️⃣")])
  }

  @Test func multiLineStringMustStartOnANewLine() {
    expectDiagnostics("let s = 1️⃣\"\"\"abc\n  \"\"\"", [
      Expected("multiline-string-start", "multi-line string must start on a new line", at: "1️⃣"),
    ])
  }

  @Test func invalidEscape() {
    let outcome = expectDiagnostics(#"""
      let s = "a1️⃣\qb"
      """#, [Expected("invalid-escape", "invalid escape sequence in string", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.range?.text == #"\q"#)
  }

  @Test func invalidUnicodeEscapes() {
    expectDiagnostics(#"let s = "1️⃣\u{110000}""#, [Expected("invalid-escape", "invalid Unicode escape", at: "1️⃣")])
    expectDiagnostics(#"let s = "1️⃣\u{}""#, [Expected("invalid-escape", "invalid Unicode escape", at: "1️⃣")])
    expectDiagnostics(#"let s = "1️⃣\u{D800}""#, [Expected("invalid-escape", "invalid Unicode escape", at: "1️⃣")])
    expectDiagnostics(#"let s = "1️⃣\u{zz}""#, [Expected("invalid-escape", "invalid Unicode escape", at: "1️⃣")])
  }

  @Test func invalidNumbers() {
    let outcome = expectDiagnostics("let n = 121️⃣abc", [Expected("invalid-number", "invalid number literal", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.range?.text == "abc")
    // The marker follows the digit 5: the text is `1.5e`.
    expectDiagnostics("let n = 1.51️⃣e", [Expected("invalid-number", "invalid number literal", at: "1️⃣")])
    expectDiagnostics("let n = 1️⃣0x", [Expected("invalid-number", "hexadecimal literal has no digits", at: "1️⃣")])
    expectDiagnostics("let n = 0xFF2️⃣g", [Expected("invalid-number", "invalid number literal", at: "2️⃣")])
  }

  @Test func unterminatedBlockComment() {
    expectDiagnostics("let x = 1\n1️⃣/* never closed\nlet y = 2", [
      Expected("unterminated-comment", "unterminated block comment", at: "1️⃣"),
    ])
  }

  @Test func interpolationErrors() {
    expectDiagnostics(#"let s = "a 1️⃣\(1 + 2""#, [
      Expected("unterminated-interpolation", "unterminated string interpolation", at: "1️⃣"),
    ])
    expectDiagnostics(#"let s = "a 1️⃣\() b""#, [Expected("empty-interpolation", "empty string interpolation", at: "1️⃣")])
    expectDiagnostics(#"let s = "a \(1 1️⃣2) b""#, [
      Expected("unexpected-token", "unexpected number in string interpolation", at: "1️⃣"),
    ])
    expectDiagnostics(#"let s = "a \(1️⃣nope) b""#, [
      Expected("undefined-name", "undefined name 'nope'", at: "1️⃣"),
    ])
  }
}
