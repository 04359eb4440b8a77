/// Turns source bytes into tokens.
///
/// The lexer never fails: bytes it cannot read become diagnostics and an `invalid` token, and lexing
/// goes on, so one stray character does not hide the other errors in a file. It reads a byte range of
/// a file, so the parser can lex the expression inside a string interpolation in place.
public struct Lexer {
  public let file: SourceFile
  private let bytes: [UInt8]
  private var position: Int
  private let end: Int
  public private(set) var diagnostics: [Diagnostic] = []

  public init(file: SourceFile, start: Int = 0, end: Int? = nil) {
    self.file = file
    self.bytes = file.bytes
    self.position = start
    self.end = end ?? file.bytes.count
  }

  /// Every token of the range, ending with `endOfFile`.
  public mutating func tokenize() -> [Token] {
    var tokens: [Token] = []
    while true {
      let token = next()
      tokens.append(token)
      if case .endOfFile = token.kind { return tokens }
    }
  }

  private func range(_ start: Int, _ stop: Int) -> SourceRange {
    SourceRange(file: file, start: start, end: stop)
  }

  private func peek(_ ahead: Int = 0) -> UInt8 {
    position + ahead < end ? bytes[position + ahead] : 0
  }

  private mutating func report(
    _ code: String, _ summary: String, _ detail: String, _ start: Int, _ stop: Int
  ) {
    diagnostics.append(Diagnostic(code: code, summary, detail: detail, at: range(start, stop)))
  }

  /// Skips spaces and comments; tells whether a line break was among them.
  private mutating func skipTrivia() -> Bool {
    var sawNewline = false
    while position < end {
      switch bytes[position] {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        position += 1
      case UInt8(ascii: "\n"):
        sawNewline = true
        position += 1
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
        while position < end, bytes[position] != UInt8(ascii: "\n") { position += 1 }
      case UInt8(ascii: "#"):
        // Not Steeple, but clearly meant as a comment: report it once and skip the line.
        report("unexpected-character", "unexpected character '#'", "comments start with '//'", position, position + 1)
        while position < end, bytes[position] != UInt8(ascii: "\n") { position += 1 }
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
        let start = position
        position += 2
        while position < end, !(bytes[position] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
          if bytes[position] == UInt8(ascii: "\n") { sawNewline = true }
          position += 1
        }
        if position >= end {
          report("unterminated-comment", "unterminated block comment",
            "close the comment with '*/'", start, start + 2)
        } else {
          position += 2
        }
      default:
        return sawNewline
      }
    }
    return sawNewline
  }

  public mutating func next() -> Token {
    let newline = skipTrivia()
    let start = position
    guard position < end else {
      return Token(kind: .endOfFile, range: range(end, end), newlineBefore: true)
    }
    let byte = bytes[position]
    let kind: Token.Kind
    if Self.isIdentifierStart(byte) {
      while position < end, Self.isIdentifierContinue(bytes[position]) { position += 1 }
      let text = String(decoding: bytes[start..<position], as: UTF8.self)
      kind = Keyword(rawValue: text).map(Token.Kind.keyword) ?? .identifier(text)
    } else if Self.isDigit(byte) {
      kind = lexNumber()
    } else if byte == UInt8(ascii: "\"") {
      kind = lexString()
    } else if let symbol = lexSymbol() {
      kind = .symbol(symbol)
    } else {
      kind = lexInvalid()
    }
    return Token(kind: kind, range: range(start, position), newlineBefore: newline)
  }

  private mutating func lexSymbol() -> Symbol? {
    let first = bytes[position]
    let second = peek(1)
    if first == UInt8(ascii: "."), second == UInt8(ascii: "."), peek(2) == UInt8(ascii: ".") {
      position += 3
      return .ellipsis
    }
    let two: Symbol?
    switch (first, second) {
    case (UInt8(ascii: "-"), UInt8(ascii: ">")): two = .arrow
    case (UInt8(ascii: "+"), UInt8(ascii: "=")): two = .plusEqual
    case (UInt8(ascii: "-"), UInt8(ascii: "=")): two = .minusEqual
    case (UInt8(ascii: "*"), UInt8(ascii: "=")): two = .starEqual
    case (UInt8(ascii: "/"), UInt8(ascii: "=")): two = .slashEqual
    case (UInt8(ascii: "%"), UInt8(ascii: "=")): two = .percentEqual
    case (UInt8(ascii: "="), UInt8(ascii: "=")): two = .equalEqual
    case (UInt8(ascii: "!"), UInt8(ascii: "=")): two = .bangEqual
    case (UInt8(ascii: "<"), UInt8(ascii: "=")): two = .lessEqual
    case (UInt8(ascii: ">"), UInt8(ascii: "=")): two = .greaterEqual
    case (UInt8(ascii: "?"), UInt8(ascii: "?")): two = .questionQuestion
    default: two = nil
    }
    if let two {
      position += 2
      return two
    }
    guard let one = Symbol(rawValue: String(UnicodeScalar(first))) else { return nil }
    position += 1
    return one
  }

  /// How an unexpected non-ASCII or control character is named, and what to do about it. A
  /// visible one is shown with its code point; an invisible or look-alike one by its code point
  /// and Unicode name, since showing it would show nothing: `U+00A0 no-break space`.
  static func describe(_ scalar: Unicode.Scalar) -> (shown: String, detail: String) {
    let hex = String(scalar.value, radix: 16, uppercase: true)
    let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    let properties = scalar.properties
    let name = (properties.name ?? properties.nameAlias)?.lowercased()
    let described = name.map { "\(code) \($0)" } ?? code
    switch properties.generalCategory {
    case .spaceSeparator, .lineSeparator, .paragraphSeparator:
      return (described, "an unusual space, easy to type by accident; replace it with a plain space")
    case .format:
      return (described, "an invisible character; delete it")
    case .control:
      return (described, "a control character; delete it")
    case .unassigned, .privateUse, .surrogate:
      return (code, "remove it; text belongs in a string literal")
    default:
      break
    }
    if "\u{201C}\u{201D}\u{201E}\u{00AB}\u{00BB}\u{2018}\u{2019}".unicodeScalars.contains(scalar) {
      return ("'\(scalar)' (\(described))", "strings use plain double quotes: \"text\"")
    }
    if "\u{2212}\u{2013}\u{2014}".unicodeScalars.contains(scalar) {
      return ("'\(scalar)' (\(described))", "use the ASCII '-' for subtraction and negation")
    }
    return ("'\(scalar)' (\(described))", "names use ASCII letters, digits and '_'; text belongs in a string literal")
  }

  private mutating func lexInvalid() -> Token.Kind {
    let start = position
    let byte = bytes[position]
    if byte >= 0x80 {
      if let (scalar, length) = scalar(at: position) {
        position += length
        let (shown, detail) = Self.describe(scalar)
        report("unexpected-character", "unexpected character \(shown)", detail, start, position)
        // A string in curly quotes (pasted from a document): one error, read as the string.
        if scalar == "\u{201C}", let close = curlyQuoteEnd() {
          position = close + 3
          return .string(StringLiteral(segments: [.text(String(decoding: bytes[(start + length)..<close], as: UTF8.self))]))
        }
      } else {
        position += 1
        report("invalid-utf8", "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))",
          "save the file as UTF-8", start, position)
      }
    } else if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "|"), peek(1) == byte {
      // `&&` and `||`: one error, and read as `and` / `or` so the rest of the line parses.
      position += 2
      let isAnd = byte == UInt8(ascii: "&")
      report("unexpected-character", "unexpected '\(isAnd ? "&&" : "||")'",
        "use '\(isAnd ? "and" : "or")' to combine conditions", start, position)
      return .keyword(isAnd ? .and : .or)
    } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`"), let close = singleQuoteEnd(byte) {
      // A single-quoted (or JavaScript's backquoted) string: one error, and read as the string it
      // was meant to be.
      position = close + 1
      if byte == UInt8(ascii: "`") {
        report("unexpected-character", "unexpected character '`'",
          "strings use double quotes, and every string interpolates: \"text \\(value)\"", start, position)
      } else {
        report("unexpected-character", "unexpected character '''", "strings use double quotes: \"text\"", start, position)
      }
      return .string(StringLiteral(segments: [.text(String(decoding: bytes[(start + 1)..<close], as: UTF8.self))]))
    } else {
      position += 1
      let shown = byte >= 0x20 && byte < 0x7F ? "'\(UnicodeScalar(byte))'" : Self.describe(UnicodeScalar(byte)).shown
      var detail = "remove it"
      switch byte {
      case UInt8(ascii: "!"): detail = "use 'not' for negation and '!=' for inequality"
      case UInt8(ascii: "&"): detail = "use 'and' to combine conditions"
      case UInt8(ascii: "|"): detail = "use 'or' to combine conditions"
      case UInt8(ascii: "'"): detail = "strings use double quotes: \"text\""
      case UInt8(ascii: "#"): detail = "comments start with '//'"
      case UInt8(ascii: "`"): detail = "strings use double quotes, and every string interpolates: \"text \\(value)\""
      case UInt8(ascii: "?"): detail = "Steeple has no 'c ? a : b'; write the conditional expression 'if c { a } else { b }' (or 'a ?? b' for a default when a is nil)"
      default: break
      }
      report("unexpected-character", "unexpected character \(shown)", detail, start, position)
      // Read `!` as `not`, `&` as `and` and `|` as `or`, so that one mistake gives one error.
      switch byte {
      case UInt8(ascii: "!"): return .keyword(.not)
      case UInt8(ascii: "&"): return .keyword(.and)
      case UInt8(ascii: "|"): return .keyword(.or)
      default: break
      }
    }
    return .invalid
  }

  /// Where a closing U+201D is on the rest of this line, when there is one.
  private func curlyQuoteEnd() -> Int? {
    var index = position
    while index + 2 < end, bytes[index] != UInt8(ascii: "\n") {
      if bytes[index] == 0xE2, bytes[index + 1] == 0x80, bytes[index + 2] == 0x9D { return index }
      index += 1
    }
    return nil
  }

  /// The offset of the `'` closing a single-quoted string that starts at `position`, if one closes
  /// it on the same line.
  private func singleQuoteEnd(_ quote: UInt8) -> Int? {
    var index = position + 1
    while index < end, bytes[index] != UInt8(ascii: "\n") {
      if bytes[index] == quote { return index }
      index += 1
    }
    return nil
  }

  /// The Unicode scalar whose UTF-8 starts at `offset`, and its length in bytes; `nil` when the
  /// bytes there are not valid UTF-8.
  private func scalar(at offset: Int) -> (Unicode.Scalar, Int)? {
    let length = SourceFile.scalarLength(leadingByte: bytes[offset])
    let slice = bytes[offset..<min(end, offset + length)]
    var decoder = UTF8()
    var iterator = slice.makeIterator()
    guard case .scalarValue(let scalar) = decoder.decode(&iterator), slice.count == length else { return nil }
    return (scalar, length)
  }

  private mutating func lexNumber() -> Token.Kind {
    let start = position
    if bytes[position] == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
      position += 2
      let digitsStart = position
      while position < end, Self.isHexDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
        position += 1
      }
      let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self).replacingAll("_", "")
      guard !digits.isEmpty else {
        report("invalid-number", "hexadecimal literal has no digits", "write digits after '0x', as in 0xFF",
          start, position)
        return .integer(0)
      }
      if reportSuffix() { return .integer(0) }
      guard let value = Int(digits, radix: 16) else {
        report("number-too-large", "integer literal is too large",
          "integers are 64-bit: the largest is 9223372036854775807", start, position)
        return .integer(0)
      }
      return .integer(value)
    }
    while position < end, Self.isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
      position += 1
    }
    var isFloat = false
    if peek() == UInt8(ascii: "."), Self.isDigit(peek(1)) {
      isFloat = true
      position += 1
      while position < end, Self.isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_") {
        position += 1
      }
    }
    if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
      var ahead = 1
      if peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") { ahead = 2 }
      if Self.isDigit(peek(ahead)) {
        isFloat = true
        position += ahead
        while position < end, Self.isDigit(bytes[position]) { position += 1 }
      }
    }
    // A number with letters after it gets that error only, not "too large" as well.
    if reportSuffix() { return isFloat ? .float(0) : .integer(0) }
    let text = String(decoding: bytes[start..<position], as: UTF8.self).replacingAll("_", "")
    if isFloat {
      guard let value = Double(text), value.isFinite else {
        report("number-too-large", "float literal is out of range",
          "the largest float is about 1.8e308", start, position)
        return .float(0)
      }
      return .float(value)
    }
    guard let value = Int(text) else {
      report("number-too-large", "integer literal is too large",
        "integers are 64-bit: the largest is 9223372036854775807; write a float such as 1e30 for larger magnitudes",
        start, position)
      return .integer(0)
    }
    return .integer(value)
  }

  /// Lexes `"..."` or `"""..."""`, processing escapes and noting the ranges of interpolations.
  private mutating func lexString() -> Token.Kind {
    let start = position
    let multiline = peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"")
    position += multiline ? 3 : 1
    if multiline {
      // The text starts on the line after the opening delimiter.
      while position < end, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
        position += 1
      }
      if position < end, bytes[position] == UInt8(ascii: "\r") { position += 1 }
      if position < end, bytes[position] == UInt8(ascii: "\n") {
        position += 1
      } else {
        report("multiline-string-start", "multi-line string must start on a new line",
          "put a line break right after the opening \"\"\"", start, start + 3)
      }
    }
    var segments: [StringLiteral.Segment] = []
    var text: [UInt8] = []
    var closed = false
    while position < end {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        if !multiline {
          position += 1
          closed = true
          break
        }
        if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
          position += 3
          closed = true
          break
        }
        text.append(byte)
        position += 1
      } else if byte == UInt8(ascii: "\n"), !multiline {
        break
      } else if byte == UInt8(ascii: "\\") {
        if peek(1) == UInt8(ascii: "(") {
          if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))); text = [] }
          let open = position
          position += 2
          let exprStart = position
          guard let exprEnd = skipInterpolation() else {
            report("unterminated-interpolation", "unterminated string interpolation",
              "close the interpolation with ')'", open, open + 2)
            // The rest of the line belongs to the broken string; read as code it would only give
            // more errors.
            while position < end, bytes[position] != UInt8(ascii: "\n") { position += 1 }
            return .string(StringLiteral(segments: segments))
          }
          segments.append(.interpolation(start: exprStart, end: exprEnd))
          position = exprEnd + 1
        } else {
          lexEscape(into: &text)
        }
      } else if multiline, byte == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
        // A Windows line break in a multi-line string is a line break, "\n".
        position += 1
      } else if byte >= 0x80 {
        if let (_, length) = scalar(at: position) {
          text.append(contentsOf: bytes[position..<(position + length)])
          position += length
        } else {
          report("invalid-utf8", "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))",
            "save the file as UTF-8", position, position + 1)
          text.append(contentsOf: Array("\u{FFFD}".utf8))
          position += 1
        }
      } else {
        text.append(byte)
        position += 1
      }
    }
    if !closed {
      report("unterminated-string", "unterminated string literal",
        multiline ? "close the string with \"\"\" on a line of its own" : "close the string with '\"' before the end of the line; use \"\"\" for text over several lines",
        start, multiline ? start + 3 : position)
    }
    if !text.isEmpty { segments.append(.text(String(decoding: text, as: UTF8.self))) }
    if multiline, closed { segments = Self.dedent(segments, file: file, closingAt: position - 3) }
    return .string(StringLiteral(segments: segments))
  }

  /// Reports letters directly after a number (`10px`), and skips them; returns whether there were any.
  private mutating func reportSuffix() -> Bool {
    guard position < end, Self.isIdentifierStart(bytes[position]) else { return false }
    let suffixStart = position
    while position < end, Self.isIdentifierContinue(bytes[position]) { position += 1 }
    report("invalid-number", "invalid number literal",
      "a number cannot be followed directly by letters; put a space or operator between them",
      suffixStart, position)
    return true
  }

  private mutating func lexEscape(into text: inout [UInt8]) {
    let start = position
    let escaped = peek(1)
    position += 2
    switch escaped {
    case UInt8(ascii: "n"): text.append(UInt8(ascii: "\n"))
    case UInt8(ascii: "t"): text.append(UInt8(ascii: "\t"))
    case UInt8(ascii: "r"): text.append(UInt8(ascii: "\r"))
    case UInt8(ascii: "0"): text.append(0)
    case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "'"): text.append(escaped)
    case UInt8(ascii: "u") where peek() == UInt8(ascii: "{"):
      position += 1
      let digitsStart = position
      while position < end, Self.isHexDigit(bytes[position]), position - digitsStart < 8 { position += 1 }
      let digits = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
      if peek() == UInt8(ascii: "}"), let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) {
        position += 1
        text.append(contentsOf: Array(String(scalar).utf8))
      } else {
        if peek() == UInt8(ascii: "}") { position += 1 }
        report("invalid-escape", "invalid Unicode escape",
          "write a scalar value of 1 to 8 hex digits, as in \\u{1F600}", start, position)
      }
    default:
      position = min(position, end)
      report("invalid-escape", "invalid escape sequence in string",
        "the escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\u{...} and \\(expression); write \\\\ for a backslash",
        start, position)
    }
  }

  /// Finds the `)` closing an interpolation, skipping nested parentheses and strings, and the
  /// interpolations inside those strings; returns its offset, or nil if the line or file ends first.
  private func skipInterpolation() -> Int? {
    /// Where the scan is: in code, with the parentheses open in it, or in a nested string.
    enum Context { case code(depth: Int), string }
    var stack: [Context] = [.code(depth: 0)]
    var index = position
    while index < end {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\n") { return nil }
      switch stack[stack.count - 1] {
      case .string:
        if byte == UInt8(ascii: "\\") {
          if index + 1 < end, bytes[index + 1] == UInt8(ascii: "(") { stack.append(.code(depth: 0)) }
          index += 2
          continue
        }
        if byte == UInt8(ascii: "\"") { stack.removeLast() }
      case .code(let depth):
        switch byte {
        case UInt8(ascii: "\""): stack.append(.string)
        case UInt8(ascii: "("): stack[stack.count - 1] = .code(depth: depth + 1)
        case UInt8(ascii: ")"):
          if depth > 0 {
            stack[stack.count - 1] = .code(depth: depth - 1)
          } else {
            stack.removeLast()
            if stack.isEmpty { return index }
          }
        default: break
        }
      }
      index += 1
    }
    return nil
  }

  /// Removes the indentation of the closing `"""` from every line of a multi-line string, and the
  /// line break before the closing delimiter.
  static func dedent(_ segments: [StringLiteral.Segment], file: SourceFile, closingAt close: Int) -> [StringLiteral.Segment] {
    var lineStart = close
    while lineStart > 0, file.bytes[lineStart - 1] == UInt8(ascii: " ") || file.bytes[lineStart - 1] == UInt8(ascii: "\t") {
      lineStart -= 1
    }
    let indent = close - lineStart
    var result: [StringLiteral.Segment] = []
    var atLineStart = true
    for segment in segments {
      guard case .text(let text) = segment else {
        atLineStart = false
        result.append(segment)
        continue
      }
      var out = ""
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if index > 0 { out += "\n"; atLineStart = true }
        var piece = Substring(line)
        if atLineStart {
          var removed = 0
          while removed < indent, let first = piece.first, first == " " || first == "\t" {
            piece = piece.dropFirst()
            removed += 1
          }
        }
        out += piece
        if !line.isEmpty { atLineStart = false }
      }
      result.append(.text(out))
    }
    // Drop the line break that ends the last line of text.
    if case .text(var last)? = result.last {
      if last.hasSuffix("\n") {
        last.removeLast()
        result[result.count - 1] = .text(last)
      } else if last.allSatisfy({ $0 == " " || $0 == "\t" }) {
        result.removeLast()
        if case .text(var previous)? = result.last, previous.hasSuffix("\n") {
          previous.removeLast()
          result[result.count - 1] = .text(previous)
        }
      }
    }
    return result.filter { $0 != .text("") }
  }

  static func isIdentifierStart(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || byte == UInt8(ascii: "_")
  }

  static func isIdentifierContinue(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }
  static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
  static func isHexDigit(_ byte: UInt8) -> Bool {
    isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
  }
}

extension String {
  func replacingAll(_ target: Character, _ replacement: String) -> String {
    var out = ""
    for character in self { if character == target { out += replacement } else { out.append(character) } }
    return out
  }
}
