import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Source text: byte order marks, curly quotes, unusual code points")
struct SourceTextTests {
  @Test func aLeadingByteOrderMarkIsSkipped() {
    let file = SourceFile(name: "main.spire", bytes: [0xEF, 0xBB, 0xBF] + Array("print(\"ok\")\nlet x = y".utf8))
    let buffer = OutputBuffer()
    let result = makeInterpreter(buffer: buffer, host: RecordingHost()).run(file)
    #expect(DiagnosticRenderer(colors: false).render(result.diagnostics) == """
      main.spire:2:9: error: undefined name 'y'
       2 | let x = y
         |         ^
         = help: declare it with 'let' or 'var' before this line, import the module it belongs to, or fix the spelling

      """)
    let clean = makeInterpreter(buffer: buffer, host: RecordingHost()).run(SourceFile(name: "bom.spire", bytes: [0xEF, 0xBB, 0xBF] + Array("print(1)".utf8)))
    #expect(clean.diagnostics.isEmpty)
    #expect(buffer.text == "1\n")
  }

  @Test func aByteOrderMarkElsewhereIsNamed() {
    expectDiagnostics("let x = 1\nlet y = 1️⃣\u{FEFF}2", [
      Expected("unexpected-character", "unexpected character U+FEFF zero width no-break space", at: "1️⃣"),
    ])
  }

  @Test func aStringInCurlyQuotesIsOneError() {
    let outcome = run("print(\u{201C}hi\u{201D}, 1)")
    #expect(outcome.diagnostics.map(\.summary) == ["unexpected character '\u{201C}' (U+201C left double quotation mark)"])
    #expect(outcome.diagnostics.first?.range?.text == "\u{201C}")
  }

  @Test func unusualCodePointsAreNamed() {
    let outcome = expectDiagnostics("let x1️⃣\u{A0}= 1\nlet y = 2️⃣\u{201C}hi\u{201D}\nlet z = 3️⃣\u{200B}1\nlet w = 2 4️⃣\u{2212} 1", [
      Expected("unexpected-character", "unexpected character U+00A0 no-break space", at: "1️⃣"),
      Expected("unexpected-character", "unexpected character '\u{201C}' (U+201C left double quotation mark)", at: "2️⃣"),
      Expected("unexpected-character", "unexpected character U+200B zero width space", at: "3️⃣"),
      Expected("unexpected-character", "unexpected character '\u{2212}' (U+2212 minus sign)", at: "4️⃣"),
    ])
    #expect(outcome.rendered.hasPrefix("""
      main.spire:1:6: error: unexpected character U+00A0 no-break space
       1 | let x\u{A0}= 1
         |      ^
         = help: an unusual space, easy to type by accident; replace it with a plain space

      """))
    #expect(outcome.diagnostics.map(\.detail) == [
      "an unusual space, easy to type by accident; replace it with a plain space",
      "strings use plain double quotes: \"text\"",
      "an invisible character; delete it",
      "use the ASCII '-' for subtraction and negation",
    ])
  }
}
