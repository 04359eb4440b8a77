/// Gathers the lines of one interactive input until it is complete (`Parser.needsMoreInput`), in
/// time linear in its length: a REPL fed a 20,000-line literal must not re-read everything before
/// each new line.
///
/// Each new line is lexed alone, which gives the tokens it has within the whole input as long as
/// it does not start inside a `"""` string or `/*` comment; while brackets stay open the input
/// needs more and nothing else is read. Only when they close (or a long string or comment is
/// open) is the whole input examined.
///
/// ```swift
/// var input = InputGatherer()
/// input.add("let xs = [")   // false: read another line
/// input.add("  1, 2,")      // false
/// input.add("]")            // true: input.text is the whole input
/// ```
public struct InputGatherer: Sendable {
  /// The lines so far, joined by line breaks.
  public private(set) var text = ""
  /// How many lines were added.
  public private(set) var lineCount = 0
  /// The bytes lexed or parsed for this input so far: the work it cost, for tests that check
  /// that the work grows linearly.
  public private(set) var bytesExamined = 0
  /// Brackets the lines leave open, while `insideLongToken` is false.
  private var depth = 0
  /// Whether the lines end inside a `"""` string or a `/*` comment.
  private var insideLongToken = false

  public init() {}

  public var isEmpty: Bool { lineCount == 0 }

  /// Adds a line (without its line break); says whether the input is now complete.
  @discardableResult
  public mutating func add(_ line: String) -> Bool {
    if lineCount > 0 { text += "\n" }
    text += line
    lineCount += 1
    if !insideLongToken {
      let file = SourceFile(name: "<input>", text: line)
      var lexer = Lexer(file: file)
      let tokens = lexer.tokenize()
      bytesExamined += file.bytes.count
      if Parser.endsInsideLongToken(lexer, file) {
        insideLongToken = true
      } else {
        depth += Parser.bracketDepth(tokens)
        if depth > 0 { return false }
      }
    }
    let whole = SourceFile(name: "<input>", text: text)
    bytesExamined += whole.bytes.count
    if insideLongToken {
      // Inside a long string or comment, the whole input tells where it ends and what is open.
      var lexer = Lexer(file: whole)
      let tokens = lexer.tokenize()
      bytesExamined += whole.bytes.count
      if Parser.endsInsideLongToken(lexer, whole) { return false }
      insideLongToken = false
      depth = Parser.bracketDepth(tokens)
      if depth > 0 { return false }
    }
    return !Parser.needsMoreInput(whole)
  }

  /// Forgets the lines: the next `add` starts a new input.
  public mutating func reset() {
    self = InputGatherer()
  }
}
