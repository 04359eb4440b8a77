import Steeple
import SteepleModel
import SteepleSyntax
import Testing

/// A string is written back the same way by the interpreter's values, the model's values and the
/// JSON writers: one quoter (`StringQuoting`), so a name reads alike in `eval`, in a plan and in a
/// diagnostic.
@Suite("string quoting")
struct StringQuotingTests {
  @Test("values, model values and JSON quote a string alike", arguments: [
    ("it's", #""it's""#),
    (#"say "hi""#, #""say \"hi\"""#),
    (#"C:\dir"#, #""C:\\dir""#),
    ("a\nb\tc\rd", #""a\nb\tc\rd""#),
    ("é ✓", #""é ✓""#),
  ])
  func alike(text: String, quoted: String) {
    #expect(StringQuoting.quote(text) == quoted)
    #expect(Value.quote(text) == quoted)
    #expect(Value.string(text).literal == quoted)
    #expect(ModelValue.string(text).description == quoted)
    #expect(DiagnosticJSON.string(text) == quoted)
  }

  @Test("other control characters differ only as Steeple, JSON and YAML write them")
  func controlCharacters() {
    let text = "\u{0}\u{1b}\u{7f}"
    #expect(StringQuoting.quote(text) == #""\0\u{1b}\u{7f}""#)
    #expect(ModelValue.string(text).description == #""\0\u{1b}\u{7f}""#)
    #expect(DiagnosticJSON.string(text) == "\"\\u0000\\u001b\u{7f}\"")
    #expect(StringQuoting.quote(text + "it's \"q\"\n", as: .yaml) == #""\u0000\u001b\u007fit's \"q\"\n""#)
  }
}
