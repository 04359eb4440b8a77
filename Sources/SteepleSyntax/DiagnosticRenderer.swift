/// Prints diagnostics the way a good compiler does:
///
/// ```
/// main.spire:3:9: error: undefined name 'regon'
///    3 | let x = regon
///      |         ^~~~~
///      = did you mean 'region'?
///      = help: declare it with 'let' or 'var' before its first use
/// main.spire:1:5: note: 'region' is declared here
/// ```
public struct DiagnosticRenderer: Sendable {
  /// Whether to use ANSI colors. Callers turn them on only when writing to a terminal.
  public var colors: Bool

  public init(colors: Bool) { self.colors = colors }

  public func render(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(render).joined()
  }

  /// The text of one diagnostic, ending in a newline.
  public func render(_ diagnostic: Diagnostic) -> String {
    var out = ""
    let label: String
    switch diagnostic.severity {
    case .error: label = paint("error:", "1;31")
    case .warning: label = paint("warning:", "1;35")
    case .note: label = paint("note:", "1;36")
    }
    let place = diagnostic.range.map { "\($0): " } ?? "steeple: "
    out += paint(place, "1") + label + " " + paint(diagnostic.summary, "1") + "\n"
    let gutterWidth = gutter(for: diagnostic)
    if let range = diagnostic.range {
      out += snippet(range, gutterWidth: gutterWidth)
    }
    let pad = String(repeating: " ", count: gutterWidth + 1)
    if let suggestion = diagnostic.suggestion {
      out += pad + paint("= ", "34") + "did you mean '\(suggestion)'?\n"
    }
    if let detail = diagnostic.detail {
      for (index, line) in detail.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        out += pad + paint("= ", "34") + (index == 0 ? paint("help: ", "1") : "      ") + line + "\n"
      }
    }
    if let fixIt = diagnostic.fixIt {
      out += pad + paint("= ", "34") + paint("fix-it: ", "1") + fixIt.message + "\n"
    }
    if !diagnostic.stack.isEmpty {
      out += pad + paint("= ", "34") + "call stack, innermost first:\n"
      for line in Self.compactStack(diagnostic.stack) {
        out += pad + "    " + line + "\n"
      }
    }
    for note in diagnostic.notes {
      let notePlace = note.range.map { "\($0): " } ?? ""
      out += paint(notePlace, "1") + paint("note:", "1;36") + " " + note.message + "\n"
      if let range = note.range {
        out += snippet(range, gutterWidth: gutterWidth)
      }
    }
    return out
  }

  /// Stack lines with runs of the same frame folded, so unbounded recursion prints a few lines.
  static func compactStack(_ stack: [Diagnostic.StackFrame]) -> [String] {
    var lines: [String] = []
    var index = 0
    while index < stack.count {
      let frame = stack[index]
      var run = 1
      while index + run < stack.count, stack[index + run].function == frame.function,
        stack[index + run].range.start == frame.range.start
      {
        run += 1
      }
      lines.append("\(frame.range): in \(frame.function)")
      if run > 1 {
        lines.append("... the same call \(run - 1) more time\(run == 2 ? "" : "s")")
      }
      index += run
    }
    return lines
  }

  private func gutter(for diagnostic: Diagnostic) -> Int {
    var widest = 1
    if let range = diagnostic.range { widest = max(widest, String(range.endLocation.line).count) }
    for note in diagnostic.notes {
      if let range = note.range { widest = max(widest, String(range.endLocation.line).count) }
    }
    return widest + 1
  }

  /// The widest part of a source line shown; longer lines are cut around the range.
  static let maxLineWidth = 120

  /// The first line of the range with a caret under its start and tildes under the rest.
  private func snippet(_ range: SourceRange, gutterWidth: Int) -> String {
    let start = range.startLocation
    let end = range.endLocation
    var scalars = Array(range.file.lineText(start.line).unicodeScalars)
    var startColumn = min(start.column, scalars.count + 1)
    var endColumn = end.line == start.line ? max(end.column, startColumn + 1) : scalars.count + 1
    // Cut long lines to a window that begins a little before the range.
    var lead = ""
    if scalars.count > Self.maxLineWidth {
      let first = max(0, min(startColumn - 1 - 20, scalars.count - Self.maxLineWidth))
      let last = min(scalars.count, first + Self.maxLineWidth)
      lead = first > 0 ? "..." : ""
      let trail = last < scalars.count ? "..." : ""
      scalars = Array(lead.unicodeScalars) + scalars[first..<last] + Array(trail.unicodeScalars)
      startColumn += lead.count - first
      endColumn = min(endColumn + lead.count - first, scalars.count + 1 - trail.count)
    }
    let line = String(String.UnicodeScalarView(scalars))
    let number = String(start.line)
    let numberPad = String(repeating: " ", count: gutterWidth - number.count)
    var out = numberPad + paint(number + " |", "34") + " " + Self.visible(line) + "\n"
    let width = max(1, min(endColumn, scalars.count + 1) - startColumn)
    let prefix = scalars.prefix(startColumn - 1).map { $0 == "\t" ? "\t" : " " }.joined()
    let marker = "^" + String(repeating: "~", count: max(0, width - 1))
    out += String(repeating: " ", count: gutterWidth) + paint(" |", "34") + " " + prefix
      + paint(marker, "1;32") + "\n"
    return out
  }

  /// Control characters would garble a terminal; show them as U+FFFD.
  private static func visible(_ line: String) -> String {
    String(String.UnicodeScalarView(line.unicodeScalars.map {
      ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F ? "\u{FFFD}" : $0
    }))
  }

  private func paint(_ text: String, _ code: String) -> String {
    colors && !text.isEmpty ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
