/// Why a JSON text could not be read: what was wrong, at which byte.
struct JSONReadError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The byte offset in the text where the problem was found.
  var offset: Int
  var message: String

  var description: String { "\(message) at byte \(offset)" }
}

/// A pull reader over one JSON text in memory: the caller asks for the value it expects next
/// (an object's keys, an array's elements, a string, a number) and the reader checks the text as
/// it goes, so a record is read straight into its Swift type with no document tree in between.
///
/// It accepts exactly RFC 8259 JSON: whitespace anywhere between tokens, any key order, escapes
/// including surrogate pairs; it refuses raw control characters in strings, bad UTF-8, leading
/// zeros, trailing commas and anything after the value. `skipValue()` checks what it skips, so a
/// text is accepted or refused whole (Foundation's `JSONDecoder` lets a trailing comma and a cut
/// number through in what it skips; this reader does not). Only for use inside
/// `withUnsafeBufferPointer`.
struct JSONReader {
  /// Where an object or an array is in its members, for `nextKey` and `nextElement`.
  struct Container {
    fileprivate var first = true
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private(set) var position = 0

  init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  // MARK: Structure

  /// Reads `{`; then call `nextKey(in:)` until it returns `nil`.
  mutating func beginObject() throws(JSONReadError) -> Container {
    try expect(UInt8(ascii: "{"), "expected an object")
    return Container()
  }

  /// The next key of the object and its `:`, or `nil` after its `}`. The caller then reads or
  /// skips the member's value.
  mutating func nextKey(in object: inout Container) throws(JSONReadError) -> String? {
    skipWhitespace()
    if peek == UInt8(ascii: "}") {
      position += 1
      return nil
    }
    if !object.first { try expect(UInt8(ascii: ","), "expected ',' or '}'") }
    object.first = false
    skipWhitespace()
    guard peek == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
    let key = try string()
    try expect(UInt8(ascii: ":"), "expected ':' after a key")
    return key
  }

  /// Reads `[`; then call `nextElement(in:)` before each element.
  mutating func beginArray() throws(JSONReadError) -> Container {
    try expect(UInt8(ascii: "["), "expected an array")
    return Container()
  }

  /// Whether another element follows (the caller then reads it); `false` after the array's `]`.
  mutating func nextElement(in array: inout Container) throws(JSONReadError) -> Bool {
    skipWhitespace()
    if peek == UInt8(ascii: "]") {
      position += 1
      return false
    }
    if !array.first { try expect(UInt8(ascii: ","), "expected ',' or ']'") }
    array.first = false
    return true
  }

  /// Checks that nothing but whitespace follows the value just read.
  mutating func end() throws(JSONReadError) {
    skipWhitespace()
    guard position == bytes.count else { throw fail("unexpected text after the value") }
  }

  // MARK: Values

  /// Whether the next value is `null`, reading it if so.
  mutating func null() -> Bool {
    skipWhitespace()
    guard position + 4 <= bytes.count, bytes[position] == UInt8(ascii: "n"), bytes[position + 1] == UInt8(ascii: "u"),
      bytes[position + 2] == UInt8(ascii: "l"), bytes[position + 3] == UInt8(ascii: "l")
    else { return false }
    position += 4
    return true
  }

  mutating func bool() throws(JSONReadError) -> Bool {
    skipWhitespace()
    switch peek {
    case UInt8(ascii: "t"):
      try literal("true")
      return true
    case UInt8(ascii: "f"):
      try literal("false")
      return false
    default: throw fail("expected true or false")
    }
  }

  /// A string, unescaped.
  mutating func string() throws(JSONReadError) -> String {
    skipWhitespace()
    try expect(UInt8(ascii: "\""), "expected a string")
    let start = position
    // The common case: no escapes, so the text is the bytes as they are.
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        let text = try text(start..<position)
        position += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      guard byte >= 0x20 else { throw fail("a control character must be escaped in a string") }
      position += 1
    }
    var unescaped = Array(bytes[start..<position])
    while position < bytes.count {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        position += 1
        guard let text = String(validating: unescaped, as: UTF8.self) else {
          throw JSONReadError(offset: start, message: "a string is not valid UTF-8")
        }
        return text
      case UInt8(ascii: "\\"):
        position += 1
        guard position < bytes.count else { break }
        let escape = bytes[position]
        position += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"): unescaped.append(contentsOf: try unicodeEscape())
        default:
          position -= 1
          throw fail("unknown escape in a string")
        }
      default:
        guard byte >= 0x20 else { throw fail("a control character must be escaped in a string") }
        unescaped.append(byte)
        position += 1
      }
    }
    throw fail("a string is not closed")
  }

  /// An integer; a number with a fraction or an exponent is accepted when its value is whole.
  mutating func int() throws(JSONReadError) -> Int {
    let range = try number()
    var value = 0
    var negative = false
    var index = range.lowerBound
    if bytes[index] == UInt8(ascii: "-") {
      negative = true
      index += 1
    }
    var integral = true
    while index < range.upperBound {
      let digit = Int(bytes[index]) - 48
      guard (0...9).contains(digit) else {
        integral = false
        break
      }
      let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflow2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
      guard !overflow1, !overflow2 else { throw JSONReadError(offset: range.lowerBound, message: "a number is too large") }
      value = sum
      index += 1
    }
    if integral { return value }
    guard let double = Double(try text(range)), let whole = Int(exactly: double) else {
      throw JSONReadError(offset: range.lowerBound, message: "expected a whole number")
    }
    return whole
  }

  /// A number; with `nonFinite`, also the strings that stand for the values JSON has no number for.
  mutating func double(nonFinite: (infinity: String, negativeInfinity: String, nan: String)? = nil) throws(JSONReadError)
    -> Double
  {
    skipWhitespace()
    if let nonFinite, peek == UInt8(ascii: "\"") {
      let start = position
      switch try string() {
      case nonFinite.infinity: return .infinity
      case nonFinite.negativeInfinity: return -.infinity
      case nonFinite.nan: return .nan
      default: throw JSONReadError(offset: start, message: "expected a number")
      }
    }
    let range = try number()
    guard let value = Double(try text(range)), value.isFinite else {
      throw JSONReadError(offset: range.lowerBound, message: "a number is out of range")
    }
    return value
  }

  /// Reads past the next value of any kind, checking it.
  mutating func skipValue() throws(JSONReadError) {
    skipWhitespace()
    switch peek {
    case UInt8(ascii: "{"):
      var object = try beginObject()
      while try nextKey(in: &object) != nil { try skipValue() }
    case UInt8(ascii: "["):
      var array = try beginArray()
      while try nextElement(in: &array) { try skipValue() }
    case UInt8(ascii: "\""): _ = try string()
    case UInt8(ascii: "t"), UInt8(ascii: "f"): _ = try bool()
    case UInt8(ascii: "n"): try literal("null")
    default: _ = try number()
    }
  }

  // MARK: Tokens

  private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

  private func fail(_ message: String) -> JSONReadError {
    JSONReadError(offset: position, message: position < bytes.count ? message : message + ", found the end")
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): position += 1
      default: return
      }
    }
  }

  private mutating func expect(_ byte: UInt8, _ message: String) throws(JSONReadError) {
    skipWhitespace()
    guard peek == byte else { throw fail(message) }
    position += 1
  }

  private mutating func literal(_ word: StaticString) throws(JSONReadError) {
    let count = word.utf8CodeUnitCount
    guard position + count <= bytes.count,
      (0..<count).allSatisfy({ bytes[position + $0] == word.utf8Start[$0] })
    else { throw fail("expected \(word)") }
    position += count
  }

  /// The bytes of a number as JSON's grammar has it: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
  private mutating func number() throws(JSONReadError) -> Range<Int> {
    skipWhitespace()
    let start = position
    func digits(_ reader: inout JSONReader) -> Int {
      let first = reader.position
      while let byte = reader.peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { reader.position += 1 }
      return reader.position - first
    }
    if peek == UInt8(ascii: "-") { position += 1 }
    if peek == UInt8(ascii: "0") {
      position += 1
    } else if digits(&self) == 0 {
      position = start
      throw fail("expected a value")
    }
    if peek == UInt8(ascii: ".") {
      position += 1
      guard digits(&self) > 0 else { throw fail("expected digits after '.'") }
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      position += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
      guard digits(&self) > 0 else { throw fail("expected digits in an exponent") }
    }
    if let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
      throw fail("a number must not start with 0")
    }
    return start..<position
  }

  /// `\uXXXX` after its `\u`, with the second half of a surrogate pair, as UTF-8.
  private mutating func unicodeEscape() throws(JSONReadError) -> [UInt8] {
    func hex(_ reader: inout JSONReader) throws(JSONReadError) -> UInt32 {
      guard reader.position + 4 <= reader.bytes.count else { throw reader.fail("expected four hex digits") }
      var value: UInt32 = 0
      for _ in 0..<4 {
        let byte = reader.bytes[reader.position]
        let digit: UInt32
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
        default: throw reader.fail("expected four hex digits")
        }
        value = value << 4 | digit
        reader.position += 1
      }
      return value
    }
    var scalar = try hex(&self)
    if (0xD800..<0xDC00).contains(scalar) {
      guard position + 2 <= bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
      else { throw fail("a high surrogate must be followed by a low one") }
      position += 2
      let low = try hex(&self)
      guard (0xDC00..<0xE000).contains(low) else { throw fail("a high surrogate must be followed by a low one") }
      scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
    }
    guard let unicode = Unicode.Scalar(scalar) else { throw fail("a lone low surrogate") }
    return Array(String(Character(unicode)).utf8)
  }

  private func text(_ range: Range<Int>) throws(JSONReadError) -> String {
    guard let text = String(validating: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) else {
      throw JSONReadError(offset: range.lowerBound, message: "a string is not valid UTF-8")
    }
    return text
  }
}
