/// Diagnostics as JSON, for editors and other tools (`--diagnostics-format json`).
///
/// The shape is one object per diagnostic:
/// `{"severity","code","summary","detail","file","start":{"line","column","offset"},"end":{...},
/// "suggestion","notes":[{"message","file","start","end"}],"stack":[{"function","file","start","end"}]}`.
/// Absent values are `null`. A diagnostic with a fix-it also has
/// `"fixit":{"message","file","start","end","replacement"}`. Written by hand so the library needs no Foundation.
public enum DiagnosticJSON {
  public static func encode(_ diagnostics: [Diagnostic]) -> String {
    "[" + diagnostics.map(encode).joined(separator: ",") + "]"
  }

  public static func encode(_ diagnostic: Diagnostic) -> String {
    var fields: [(String, String)] = [
      ("severity", string(diagnostic.severity.rawValue)),
      ("code", string(diagnostic.code)),
      ("summary", string(diagnostic.summary)),
      ("detail", diagnostic.detail.map(string) ?? "null"),
    ]
    fields += place(diagnostic.range)
    fields.append(("suggestion", diagnostic.suggestion.map(string) ?? "null"))
    fields.append(("notes", "[" + diagnostic.notes.map { note in
      object([("message", string(note.message))] + place(note.range))
    }.joined(separator: ",") + "]"))
    fields.append(("stack", "[" + diagnostic.stack.map { frame in
      object([("function", string(frame.function))] + place(frame.range))
    }.joined(separator: ",") + "]"))
    if let fixIt = diagnostic.fixIt {
      // Only on diagnostics that have one, so the shape of every other diagnostic is unchanged.
      fields.append(("fixit", object([("message", string(fixIt.message))] + place(fixIt.range) + [("replacement", string(fixIt.replacement))])))
    }
    return object(fields)
  }

  private static func place(_ range: SourceRange?) -> [(String, String)] {
    guard let range else { return [("file", "null"), ("start", "null"), ("end", "null")] }
    return [
      ("file", string(range.file.name)),
      ("start", location(range.startLocation)),
      ("end", location(range.endLocation)),
    ]
  }

  private static func location(_ location: SourceLocation) -> String {
    "{\"line\":\(location.line),\"column\":\(location.column),\"offset\":\(location.offset)}"
  }

  private static func object(_ fields: [(String, String)]) -> String {
    "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  /// A JSON string literal (`StringQuoting.quote(_:as: .json)`).
  public static func string(_ text: String) -> String { StringQuoting.quote(text, as: .json) }
}
