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
    // The caret goes under the range as a terminal shows the line: a tab is repeated as a tab,
    // wide characters (CJK, emoji) take two columns, combining marks none.
    let widths = Self.widths(scalars)
    let first = min(startColumn - 1, scalars.count)
    let width = max(1, widths[first..<max(first, min(endColumn, scalars.count + 1) - 1)].reduce(0, +))
    var prefix = ""
    for (scalar, columns) in zip(scalars.prefix(first), widths) {
      prefix += scalar == "\t" ? "\t" : String(repeating: " ", count: columns)
    }
    let marker = "^" + String(repeating: "~", count: max(0, width - 1))
    out += String(repeating: " ", count: gutterWidth) + paint(" |", "34") + " " + prefix
      + paint(marker, "1;32") + "\n"
    return out
  }

  /// The columns a terminal gives each of these scalars, in context (a tab counts as one).
  static func widths(_ scalars: some Sequence<Unicode.Scalar>) -> [Int] {
    var widths: [Int] = []
    var previous: Unicode.Scalar?
    var flagOpen = false
    for scalar in scalars {
      if isRegionalIndicator(scalar) {
        // A flag is two regional indicators shown as one wide character.
        widths.append(flagOpen ? 0 : 2)
        flagOpen.toggle()
      } else {
        flagOpen = false
        widths.append(columns(of: scalar, after: previous))
      }
      previous = scalar
    }
    return widths
  }

  private static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool { (0x1F1E6...0x1F1FF).contains(scalar.value) }

  /// The columns one scalar takes after `previous`: 0 for combining marks, joiners and variation
  /// selectors (an emoji presentation selector widens the character before it instead, and an
  /// emoji after a zero-width joiner joins the one before), 2 for East Asian wide and full-width
  /// characters and emoji, 1 for the rest.
  static func columns(of scalar: Unicode.Scalar, after previous: Unicode.Scalar?) -> Int {
    if scalar.value < 0x20 || scalar.value == 0x7F { return 1 }
    let properties = scalar.properties
    if scalar == "\u{FE0F}", let previous, previous.properties.isEmoji, !previous.properties.isEmojiPresentation,
      !isWide(previous)
    {
      return 1
    }
    switch properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if previous == "\u{200D}", properties.isEmoji { return 0 }
    // A skin tone modifies the emoji before it.
    if properties.isEmojiModifier, let previous, previous.properties.isEmojiModifierBase { return 0 }
    if properties.isEmojiPresentation || isWide(scalar) { return 2 }
    return 1
  }

  /// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth.txt, in outline).
  private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
      0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19,
      0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD,
      0x30000...0x3FFFD:
      return true
    default:
      return false
    }
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
