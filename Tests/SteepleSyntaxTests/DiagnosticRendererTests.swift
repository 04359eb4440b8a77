import Testing
@testable import SteepleSyntax

@Suite("Diagnostic renderer")
struct DiagnosticRendererTests {
  static let renderer = DiagnosticRenderer(colors: false)

  static func range(_ file: SourceFile, _ text: String, occurrence: Int = 0) -> SourceRange {
    let haystack = Array(file.bytes)
    let needle = Array(text.utf8)
    var found = -1
    var seen = 0
    for start in 0...(haystack.count - needle.count) where Array(haystack[start..<(start + needle.count)]) == needle {
      if seen == occurrence { found = start; break }
      seen += 1
    }
    precondition(found >= 0, "no \(text)")
    return SourceRange(file: file, start: found, end: found + needle.count)
  }

  @Test func everyPart() {
    let file = SourceFile(name: "main.spire", text: "let region = 1\nprint(regon)\n")
    let diagnostic = Diagnostic(
      code: "undefined-name", "undefined name 'regon'", detail: "declare it first\nor fix the spelling",
      at: Self.range(file, "regon"), notes: [.init("'region' is declared here", at: Self.range(file, "region"))],
      suggestion: "region")
    #expect(Self.renderer.render(diagnostic) == """
      main.spire:2:7: error: undefined name 'regon'
       2 | print(regon)
         |       ^~~~~
         = did you mean 'region'?
         = help: declare it first
         =       or fix the spelling
      main.spire:1:5: note: 'region' is declared here
       1 | let region = 1
         |     ^~~~~~

      """)
    #expect(diagnostic.description == Self.renderer.render(diagnostic))
    #expect(Self.renderer.render([diagnostic, diagnostic]) == Self.renderer.render(diagnostic) + Self.renderer.render(diagnostic))
  }

  @Test func severitiesAndMissingRanges() {
    let warning = Diagnostic(.warning, code: "w", "a warning", at: nil)
    #expect(Self.renderer.render(warning) == "steeple: warning: a warning\n")
    let note = Diagnostic(.note, code: "n", "a note", at: nil, notes: [.init("no place", at: nil)])
    #expect(Self.renderer.render(note) == "steeple: note: a note\nnote: no place\n")
  }

  @Test func gutterFitsTheWidestLineNumber() {
    let text = (1...12).map { "line \($0)" }.joined(separator: "\n")
    let file = SourceFile(name: "f", text: text)
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "line 2"),
      notes: [.init("here", at: Self.range(file, "line 12"))])
    #expect(Self.renderer.render(diagnostic) == """
      f:2:1: error: s
        2 | line 2
          | ^~~~~~
      f:12:1: note: here
       12 | line 12
          | ^~~~~~~

      """)
  }

  @Test func anEmptyRangeGetsOneCaret() {
    let file = SourceFile(name: "f", text: "abc")
    let diagnostic = Diagnostic(code: "c", "s", at: SourceRange(file: file, start: 3, end: 3))
    #expect(Self.renderer.render(diagnostic) == "f:1:4: error: s\n 1 | abc\n   |    ^\n")
  }

  @Test func aRangeOverSeveralLinesIsMarkedToTheEndOfItsFirstLine() {
    let file = SourceFile(name: "f", text: "fn f() {\n  1\n}")
    let diagnostic = Diagnostic(code: "c", "s", at: SourceRange(file: file, start: 3, end: file.bytes.count))
    #expect(Self.renderer.render(diagnostic) == "f:1:4: error: s\n 1 | fn f() {\n   |    ^~~~~\n")
  }

  @Test func tabsAreKeptUnderTheLineAndControlCharactersAreReplaced() {
    let file = SourceFile(name: "f", text: "\tx\u{1}= y")
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "y"))
    #expect(Self.renderer.render(diagnostic) == "f:1:6: error: s\n 1 | \tx\u{FFFD}= y\n   | \t    ^\n")
  }

  @Test func theCaretLinesUpUnderWideCharacters() {
    // The column still counts scalars; the caret counts what a terminal shows: 😀 is two wide.
    let file = SourceFile(name: "f", text: "let é😀 = bad")
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "bad"))
    #expect(Self.renderer.render(diagnostic) == "f:1:10: error: s\n 1 | let é😀 = bad\n   |           ^~~\n")
    let cjk = SourceFile(name: "f", text: "let 名前 = 区域")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(cjk, "区域")))
      == "f:1:10: error: s\n 1 | let 名前 = 区域\n   |            ^~~~\n")
  }

  @Test func theCaretLinesUpUnderCombiningCharacters() {
    // "e" and a combining acute accent show as one column.
    let file = SourceFile(name: "f", text: "let cafe\u{301} = x")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(file, "x")))
      == "f:1:13: error: s\n 1 | let cafe\u{301} = x\n   |            ^\n")
    let marked = SourceFile(name: "f", text: "\"cafe\u{301}\" + 1")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(marked, "\"cafe\u{301}\"")))
      == "f:1:1: error: s\n 1 | \"cafe\u{301}\" + 1\n   | ^~~~~~\n")
  }

  @Test func theCaretLinesUpUnderEmojiSequences() {
    // A heart with the emoji presentation selector, and a family joined with zero-width joiners,
    // each take two columns.
    let heart = SourceFile(name: "f", text: "\"\u{2764}\u{FE0F}\" x")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(heart, "x")))
      == "f:1:6: error: s\n 1 | \"\u{2764}\u{FE0F}\" x\n   |      ^\n")
    let family = SourceFile(name: "f", text: "\"\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\" x")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(family, "x")))
      == "f:1:9: error: s\n 1 | \"\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}\" x\n   |      ^\n")
  }

  @Test func skinTonesAndFlagsAreOneWideCharacter() {
    // A waving hand with a skin tone, and a flag (two regional indicators), each take two columns.
    let file = SourceFile(name: "f", text: "\"\u{1F44B}\u{1F3FD}\u{1F1EF}\u{1F1F5}\" x")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(file, "x")))
      == "f:1:8: error: s\n 1 | \"\u{1F44B}\u{1F3FD}\u{1F1EF}\u{1F1F5}\" x\n   |        ^\n")
    #expect(DiagnosticRenderer.widths("\u{1F1EF}\u{1F1F5}\u{1F1FA}\u{1F1F8}".unicodeScalars) == [2, 0, 2, 0])
  }

  @Test func tabsBeforeWideCharactersStayTabs() {
    let file = SourceFile(name: "f", text: "\t名 = y")
    #expect(Self.renderer.render(Diagnostic(code: "c", "s", at: Self.range(file, "y")))
      == "f:1:6: error: s\n 1 | \t名 = y\n   | \t     ^\n")
  }

  @Test func longLinesAreCutAroundTheRange() {
    // 200 characters; the range is 5 characters at column 150.
    let line = String(repeating: "a", count: 149) + "BBBBB" + String(repeating: "c", count: 46)
    let file = SourceFile(name: "f", text: line)
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "BBBBB"))
    // The window is the last 120 characters, after "...": it starts 20 characters before the range
    // unless that would leave less than 120 characters to show.
    let shown = "..." + String(repeating: "a", count: 69) + "BBBBB" + String(repeating: "c", count: 46)
    #expect(Self.renderer.render(diagnostic) == """
      f:1:150: error: s
       1 | \(shown)
         | \(String(repeating: " ", count: 72))^~~~~

      """)
  }

  @Test func longLinesAreCutAtBothEnds() {
    // 300 characters; the range is at column 150: 20 characters of context before it.
    let line = String(repeating: "a", count: 149) + "BBBBB" + String(repeating: "c", count: 146)
    let file = SourceFile(name: "f", text: line)
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "BBBBB"))
    let shown = "..." + String(repeating: "a", count: 20) + "BBBBB" + String(repeating: "c", count: 95) + "..."
    #expect(Self.renderer.render(diagnostic) == """
      f:1:150: error: s
       1 | \(shown)
         | \(String(repeating: " ", count: 23))^~~~~

      """)
  }

  @Test func longLinesWithTheRangeNearTheStartAreCutAtTheEnd() {
    let line = "let x = bad + " + String(repeating: "1 + ", count: 50) + "1"
    let file = SourceFile(name: "f", text: line)
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, "bad"))
    let shown = String(line.prefix(120)) + "..."
    #expect(Self.renderer.render(diagnostic) == "f:1:9: error: s\n 1 | \(shown)\n   |         ^~~\n")
  }

  @Test func aRangeRunningPastTheWindowIsMarkedToItsEdge() {
    let line = String(repeating: "x", count: 10) + String(repeating: "R", count: 200)
    let file = SourceFile(name: "f", text: line)
    let diagnostic = Diagnostic(code: "c", "s", at: Self.range(file, String(repeating: "R", count: 200)))
    let rendered = Self.renderer.render(diagnostic)
    let lines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[1] == " 1 | " + String(repeating: "x", count: 10) + String(repeating: "R", count: 110) + "...")
    #expect(lines[2] == "   | " + String(repeating: " ", count: 10) + "^" + String(repeating: "~", count: 109))
  }

  @Test func callStackFolding() {
    let file = SourceFile(name: "m.spire", text: "a()\nb()\nc()")
    let a = Self.range(file, "a()")
    let b = Self.range(file, "b()")
    let c = Self.range(file, "c()")
    let stack: [Diagnostic.StackFrame] = [
      .init(function: "down", range: a), .init(function: "down", range: a), .init(function: "down", range: a),
      .init(function: "down", range: a), .init(function: "mid", range: b), .init(function: "mid", range: b),
      .init(function: "top", range: c), .init(function: "down", range: a),
    ]
    #expect(DiagnosticRenderer.compactStack(stack) == [
      "m.spire:1:1: in down", "... the same call 3 more times",
      "m.spire:2:1: in mid", "... the same call 1 more time",
      "m.spire:3:1: in top",
      "m.spire:1:1: in down",
    ])
    // The same function called from different places is not folded.
    #expect(DiagnosticRenderer.compactStack([.init(function: "f", range: a), .init(function: "f", range: b)])
      == ["m.spire:1:1: in f", "m.spire:2:1: in f"])
    let diagnostic = Diagnostic(code: "call-depth", "deep", at: a, stack: Array(stack.prefix(3)))
    #expect(Self.renderer.render(diagnostic) == """
      m.spire:1:1: error: deep
       1 | a()
         | ^~~
         = call stack, innermost first:
             m.spire:1:1: in down
             ... the same call 2 more times

      """)
  }

  @Test func colors() {
    let file = SourceFile(name: "f", text: "x")
    let diagnostic = Diagnostic(code: "c", "summary", detail: "help text", at: SourceRange(file: file, start: 0, end: 1))
    let colored = DiagnosticRenderer(colors: true).render(diagnostic)
    #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    #expect(colored.contains("\u{1B}[1;32m^\u{1B}[0m"))
    #expect(colored.contains("\u{1B}[1msummary\u{1B}[0m"))
    #expect(!Self.renderer.render(diagnostic).contains("\u{1B}"))
    // Without the escapes, the text is the same.
    var stripped = ""
    var inEscape = false
    for character in colored {
      if character == "\u{1B}" { inEscape = true; continue }
      if inEscape { if character == "m" { inEscape = false }; continue }
      stripped.append(character)
    }
    #expect(stripped == Self.renderer.render(diagnostic))
  }
}
