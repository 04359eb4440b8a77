extension Parser {
  /// Whether `file` stops in the middle of something that more lines could finish: an open `(`,
  /// `[` or `{`, a `"""` string or `/*` comment not yet closed, or a statement the parser was still
  /// reading when the text ran out (`let x =`, `1 +`, `if ready`). A REPL reads another line with a
  /// continuation prompt while this holds; text with an error before its end is complete (the
  /// error is reported), as is empty text.
  public static func needsMoreInput(_ file: SourceFile) -> Bool {
    var lexer = Lexer(file: file)
    let tokens = lexer.tokenize()
    for diagnostic in lexer.diagnostics {
      switch diagnostic.code {
      case "unterminated-comment": return true
      case "unterminated-string":
        // A one-line string ends at its line break: that is an error, not an unfinished input.
        if let range = diagnostic.range, file.bytes[range.start...].starts(with: Array("\"\"\"".utf8)) { return true }
      default: break
      }
    }
    guard let end = tokens.last?.range.start else { return false }
    if bracketDepth(tokens) > 0 { return true }
    let (_, diagnostics) = parse(file)
    // The first error decides: only one found where the text ends means the text stopped early.
    guard let first = diagnostics.min(by: { ($0.range?.start ?? 0) < ($1.range?.start ?? 0) }) else { return false }
    return (first.range?.start ?? 0) >= end && lexer.diagnostics.isEmpty
  }

  /// How many `(`, `[` and `{` the tokens leave open (negative when more are closed).
  static func bracketDepth(_ tokens: [Token]) -> Int {
    var depth = 0
    for token in tokens {
      guard case .symbol(let symbol) = token.kind else { continue }
      switch symbol {
      case .leftParen, .leftBracket, .leftBrace: depth += 1
      case .rightParen, .rightBracket, .rightBrace: depth -= 1
      default: break
      }
    }
    return depth
  }

  /// Whether a lexer stopped inside a `"""` string or a `/*` comment that more lines could close.
  static func endsInsideLongToken(_ lexer: Lexer, _ file: SourceFile) -> Bool {
    lexer.diagnostics.contains { diagnostic in
      switch diagnostic.code {
      case "unterminated-comment": return true
      case "unterminated-string":
        guard let range = diagnostic.range else { return false }
        return file.bytes[range.start...].starts(with: Array("\"\"\"".utf8))
      default: return false
      }
    }
  }
}
