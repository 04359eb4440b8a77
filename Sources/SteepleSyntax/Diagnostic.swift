/// One problem found in a script, at any stage: lexing, parsing, resolving or running.
///
/// Diagnostics are values, never strings: a summary (one line, lower case, no final period), a detail
/// that says what to do, the exact range, notes pointing at related places, and a spelling
/// suggestion where a name is close to one that exists. Runtime errors also carry the call stack.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
  public enum Severity: String, Sendable, Codable {
    case error, warning, note
  }

  /// A related place: "first declared here", "imported here".
  public struct Note: Sendable {
    public var message: String
    public var range: SourceRange?

    public init(_ message: String, at range: SourceRange?) {
      self.message = message
      self.range = range
    }
  }

  /// One frame of a runtime call stack: the function that was running and where the call was.
  public struct StackFrame: Sendable {
    public var function: String
    public var range: SourceRange

    public init(function: String, range: SourceRange) {
      self.function = function
      self.range = range
    }
  }

  /// An edit that fixes the problem: replace `range` with `replacement` (empty to delete it).
  public struct FixIt: Sendable {
    /// What the edit does, for people: "join it to the line above: 'let total = 10 - 3'".
    public var message: String
    public var range: SourceRange
    public var replacement: String

    public init(_ message: String, replacing range: SourceRange, with replacement: String) {
      self.message = message
      self.range = range
      self.replacement = replacement
    }
  }

  public var severity: Severity
  /// A stable identifier of the kind of problem, such as `undefined-name`, for tools to filter on.
  public var code: String
  /// One line: what is wrong.
  public var summary: String
  /// What to do about it.
  public var detail: String?
  /// Where it is. `nil` only for problems that belong to no file, such as a file that cannot be read.
  public var range: SourceRange?
  public var notes: [Note]
  /// A close name that exists, for "did you mean 'region'?".
  public var suggestion: String?
  /// For runtime errors, the calls that led here, innermost first.
  public var stack: [StackFrame]
  /// An edit that fixes it, when one is certain enough to offer.
  public var fixIt: FixIt?

  public init(
    _ severity: Severity = .error, code: String, _ summary: String, detail: String? = nil,
    at range: SourceRange?, notes: [Note] = [], suggestion: String? = nil, stack: [StackFrame] = []
  ) {
    self.severity = severity
    self.code = code
    self.summary = summary
    self.detail = detail
    self.range = range
    self.notes = notes
    self.suggestion = suggestion
    self.stack = stack
  }

  public var description: String { DiagnosticRenderer(colors: false).render(self) }
}

/// Diagnostics of several stages or files, thrown together.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]

  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

  public var description: String { DiagnosticRenderer(colors: false).render(diagnostics) }
}
