import Testing
@testable import SteepleSyntax

@Suite("Lexer")
struct LexerTests {
  @Test func namesAndKeywords() {
    #expect(kinds("region _x x1 Let") == [.identifier("region"), .identifier("_x"), .identifier("x1"), .identifier("Let")])
    for keyword in Keyword.allCases {
      #expect(kinds(keyword.rawValue) == [.keyword(keyword)])
    }
    #expect(kinds("lets format") == [.identifier("lets"), .identifier("format")])
  }

  @Test func integers() {
    #expect(kinds("0 42 1_000 0xFF 0x_ff 0XaB 9223372036854775807") == [
      .integer(0), .integer(42), .integer(1000), .integer(255), .integer(255), .integer(171), .integer(Int.max),
    ])
  }

  @Test func floats() {
    #expect(kinds("1.5 0.25 1e3 2.5e-3 1E+2 1_000.5") == [
      .float(1.5), .float(0.25), .float(1000), .float(0.0025), .float(100), .float(1000.5),
    ])
  }

  @Test func aDotWithoutDigitsIsNotPartOfANumber() {
    #expect(kinds("1.x") == [.integer(1), .symbol(.dot), .identifier("x")])
    #expect(kinds("5.") == [.integer(5), .symbol(.dot)])
    #expect(kinds(".5") == [.symbol(.dot), .integer(5)])
  }

  @Test func everySymbol() {
    for symbol in Symbol.allCases {
      #expect(kinds(symbol.rawValue) == [.symbol(symbol)], "\(symbol.rawValue)")
    }
    #expect(kinds("a<=b->c??d!=e") == [
      .identifier("a"), .symbol(.lessEqual), .identifier("b"), .symbol(.arrow), .identifier("c"),
      .symbol(.questionQuestion), .identifier("d"), .symbol(.bangEqual), .identifier("e"),
    ])
    #expect(kinds("x-=-1") == [.identifier("x"), .symbol(.minusEqual), .symbol(.minus), .integer(1)])
  }

  @Test func newlineBefore() {
    let (tokens, _) = lex("a b\nc /* x\ny */ d /* z */ e // f\ng")
    #expect(tokens.map(\.newlineBefore) == [false, false, true, true, false, true, true])
  }

  @Test func tokenRanges() {
    let (tokens, _) = lex("let  name = \"hé\"")
    #expect(tokens.map { $0.range.text } == ["let", "name", "=", "\"hé\"", ""])
    #expect(tokens.map { "\($0.range.startLocation)" } == ["1:1", "1:6", "1:11", "1:13", "1:17"])
  }

  @Test func commentsAreSkipped() {
    #expect(kinds("// only a comment") == [])
    #expect(kinds("a /* b */ c") == [.identifier("a"), .identifier("c")])
    #expect(kinds("a /* b // c */ d") == [.identifier("a"), .identifier("d")])
  }

  @Test func stringSegments() {
    #expect(stringValue(#""plain""#) == [.text("plain")])
    #expect(stringValue(#""""#) == [])
    let source = #""a \(x + 1) b \(y)""#
    guard let segments = stringValue(source) else {
      Issue.record("no string")
      return
    }
    #expect(segments.count == 4)
    guard segments.count == 4, case .interpolation(let start, let end) = segments[1] else { return }
    #expect(segments[0] == .text("a "))
    #expect(segments[2] == .text(" b "))
    let bytes = Array(source.utf8)
    #expect(String(decoding: bytes[start..<end], as: UTF8.self) == "x + 1")
  }

  @Test func escapes() {
    #expect(stringValue(#""\n\t\r\0\\\"\'""#) == [.text("\n\t\r\0\\\"'")])
    #expect(stringValue(#""\u{48}\u{1F600}""#) == [.text("H😀")])
  }

  @Test func multiLineDedent() {
    let text = "\"\"\"\n    one\n      two\n\n    three\n    \"\"\""
    #expect(stringValue(text) == [.text("one\n  two\n\nthree")])
  }

  @Test func multiLineTabsAndInterpolation() {
    let text = "\"\"\"\n\tA \\(x)\n\tB\n\t\"\"\""
    guard let segments = stringValue(text), segments.count == 3 else {
      Issue.record("segments: \(String(describing: stringValue(text)))")
      return
    }
    #expect(segments[0] == .text("A "))
    #expect(segments[2] == .text("\nB"))
  }

  @Test func multiLineQuotesInside() {
    let text = "\"\"\"\n  say \"hi\" and \"\"\n  \"\"\""
    #expect(stringValue(text) == [.text("say \"hi\" and \"\"")])
  }

  @Test(arguments: [
    ("!", "unexpected-character", "use 'not' for negation and '!=' for inequality"),
    ("&", "unexpected-character", "use 'and' to combine conditions"),
    ("|", "unexpected-character", "use 'or' to combine conditions"),
    ("'", "unexpected-character", #"strings use double quotes: "text""#),
    ("#", "unexpected-character", "comments start with '//'"),
    ("@", "unexpected-character", "remove it"),
    ("é", "unexpected-character", "names use ASCII letters, digits and '_'; text belongs in a string literal"),
  ])
  func unexpectedCharacters(text: String, code: String, detail: String) {
    let (_, diagnostics) = lex("x \(text) y")
    #expect(diagnostics.map(\.code) == [code])
    #expect(diagnostics.first?.detail == detail)
    #expect(diagnostics.first.map { "\($0.range!.startLocation)" } == "1:3")
  }

  @Test func recoveryTokens() {
    // Mistakes borrowed from other languages are read as what they meant, after their error.
    #expect(kinds("!a") == [.keyword(.not), .identifier("a")])
    #expect(kinds("a && b || c") == [.identifier("a"), .keyword(.and), .identifier("b"), .keyword(.or), .identifier("c")])
    #expect(kinds("'single'") == [.string(StringLiteral(segments: [.text("single")]))])
    #expect(kinds("a # comment\nb") == [.identifier("a"), .identifier("b")])
    #expect(kinds("@") == [.invalid])
    let (_, diagnostics) = lex("a && b || 'c' # d")
    #expect(diagnostics.map(\.summary) == ["unexpected '&&'", "unexpected '||'", "unexpected character '''", "unexpected character '#'"])
  }

  @Test func invalidUTF8() {
    var lexer = Lexer(file: SourceFile(name: "t", bytes: [0x61, 0x20, 0xC3, 0x20, 0x62]))
    let tokens = lexer.tokenize()
    #expect(tokens.map(\.kind) == [.identifier("a"), .invalid, .identifier("b"), .endOfFile])
    #expect(lexer.diagnostics.map(\.summary) == ["invalid UTF-8 byte 0xC3"])
    #expect(lexer.diagnostics.map(\.code) == ["invalid-utf8"])
  }

  @Test func lexerErrors() {
    #expect(places(lex(#""abc"#).diagnostics) == ["unterminated-string@1:1"])
    #expect(places(lex(#"x = "a\qb""#).diagnostics) == ["invalid-escape@1:7"])
    #expect(places(lex(#""\u{FFFFFFFFF}""#).diagnostics) == ["invalid-escape@1:2"])
    #expect(places(lex("12abc").diagnostics) == ["invalid-number@1:3"])
    #expect(places(lex("0x").diagnostics) == ["invalid-number@1:1"])
    #expect(places(lex("99999999999999999999").diagnostics) == ["number-too-large@1:1"])
    #expect(places(lex("1e999").diagnostics) == ["number-too-large@1:1"])
    #expect(places(lex("a /* b").diagnostics) == ["unterminated-comment@1:3"])
    #expect(places(lex(#""a \(b"#).diagnostics) == ["unterminated-interpolation@1:4"])
    #expect(places(lex("\"\"\"x\n\"\"\"").diagnostics) == ["multiline-string-start@1:1"])
    #expect(places(lex("\"\"\"\nabc").diagnostics) == ["unterminated-string@1:1"])
  }

  @Test func aRangeOfAFileCanBeLexed() {
    let file = SourceFile(name: "t", text: "aaa bb(cc + 1) dd")
    var lexer = Lexer(file: file, start: 7, end: 13)
    let tokens = lexer.tokenize()
    #expect(tokens.map(\.kind) == [.identifier("cc"), .symbol(.plus), .integer(1), .endOfFile])
    #expect(tokens.map(\.range.start) == [7, 10, 12, 13])
  }
}
