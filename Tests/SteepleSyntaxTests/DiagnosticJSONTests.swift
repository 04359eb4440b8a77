import Testing
@testable import SteepleSyntax

@Suite("Diagnostics as JSON")
struct DiagnosticJSONTests {
  @Test func everyField() {
    let file = SourceFile(name: "main.spire", text: "let région = 1\nprint(regon)")
    let diagnostic = Diagnostic(
      code: "undefined-name", "undefined name 'regon'", detail: "fix \"it\"",
      at: SourceRange(file: file, start: 22, end: 27),
      notes: [.init("declared here", at: SourceRange(file: file, start: 4, end: 10))],
      suggestion: "région",
      stack: [.init(function: "f", range: SourceRange(file: file, start: 16, end: 28))])
    #expect(DiagnosticJSON.encode(diagnostic) == """
      {"severity":"error","code":"undefined-name","summary":"undefined name 'regon'","detail":"fix \\"it\\"",\
      "file":"main.spire","start":{"line":2,"column":7,"offset":22},"end":{"line":2,"column":12,"offset":27},\
      "suggestion":"région",\
      "notes":[{"message":"declared here","file":"main.spire","start":{"line":1,"column":5,"offset":4},"end":{"line":1,"column":10,"offset":10}}],\
      "stack":[{"function":"f","file":"main.spire","start":{"line":2,"column":1,"offset":16},"end":{"line":2,"column":13,"offset":28}}]}
      """)
  }

  @Test func absentValuesAreNull() {
    let diagnostic = Diagnostic(.warning, code: "w", "no place", at: nil, notes: [.init("floating", at: nil)])
    #expect(DiagnosticJSON.encode(diagnostic) == """
      {"severity":"warning","code":"w","summary":"no place","detail":null,"file":null,"start":null,"end":null,\
      "suggestion":null,"notes":[{"message":"floating","file":null,"start":null,"end":null}],"stack":[]}
      """)
  }

  @Test func aListIsAnArray() {
    let one = Diagnostic(code: "a", "1", at: nil)
    let two = Diagnostic(.note, code: "b", "2", at: nil)
    #expect(DiagnosticJSON.encode([Diagnostic]()) == "[]")
    #expect(DiagnosticJSON.encode([one, two]) == "[" + DiagnosticJSON.encode(one) + "," + DiagnosticJSON.encode(two) + "]")
  }

  @Test func stringEscapes() {
    #expect(DiagnosticJSON.string("plain") == #""plain""#)
    #expect(DiagnosticJSON.string("q\"b\\n\nr\rt\t") == #""q\"b\\n\nr\rt\t""#)
    #expect(DiagnosticJSON.string("\u{1}\u{1F}") == #""\u0001\u001f""#)
    #expect(DiagnosticJSON.string("é😀\u{7F}") == "\"é😀\u{7F}\"")
  }
}
