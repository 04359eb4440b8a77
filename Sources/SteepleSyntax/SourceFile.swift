/// The text of one script, as bytes, with the offsets where its lines start.
///
/// A source file is immutable and shared by every token, syntax node and diagnostic that points
/// into it. Its text is kept as UTF-8 bytes exactly as read (less a leading byte-order mark), so a
/// file with invalid UTF-8 still gets diagnostics that point at the right place.
public final class SourceFile: Sendable, CustomStringConvertible {
  /// The name shown in diagnostics: the path as the user gave it, or a label such as `<repl>`.
  public let name: String
  /// The bytes of the file.
  public let bytes: [UInt8]
  /// The offset at which each line starts; the first line starts at offset 0.
  public let lineStarts: [Int]
  /// The number of the text's first line: 1 for a file; more for a piece of a longer stream,
  /// such as the REPL's fifth input read from a pipe, so that diagnostics give the stream's lines.
  public let firstLine: Int

  public init(name: String, bytes: [UInt8], firstLine: Int = 1) {
    self.name = name
    self.firstLine = firstLine
    // A leading byte-order mark (some editors write one) is not part of the text.
    self.bytes = bytes.starts(with: Self.byteOrderMark) ? Array(bytes.dropFirst(Self.byteOrderMark.count)) : bytes
    var starts = [0]
    for (offset, byte) in self.bytes.enumerated() where byte == UInt8(ascii: "\n") {
      starts.append(offset + 1)
    }
    self.lineStarts = starts
  }

  /// U+FEFF in UTF-8.
  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  public convenience init(name: String, text: String, firstLine: Int = 1) {
    self.init(name: name, bytes: Array(text.utf8), firstLine: firstLine)
  }

  public var description: String { name }

  /// The line (counted from `firstLine`) and 1-based column of a byte offset. Columns count Unicode scalars, so a caret lines
  /// up under the character a user sees in a terminal for most text.
  public func location(of offset: Int) -> SourceLocation {
    let clamped = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
    }
    // Decoded as `lineText` decodes, so that after invalid UTF-8 (one U+FFFD per bad sequence) the
    // column still matches the line as it is shown.
    let column = String(decoding: bytes[lineStarts[low]..<clamped], as: UTF8.self).unicodeScalars.count + 1
    return SourceLocation(offset: clamped, line: low + firstLine, column: column)
  }

  /// The text of a line (numbered from `firstLine`) without its line break; invalid UTF-8 shows
  /// as U+FFFD.
  public func lineText(_ numbered: Int) -> String {
    let line = numbered - firstLine + 1
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  /// The text between two byte offsets.
  public func text(from start: Int, to end: Int) -> String {
    let lower = max(0, min(start, bytes.count))
    let upper = max(lower, min(end, bytes.count))
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }

  static func scalarLength(leadingByte byte: UInt8) -> Int {
    switch byte {
    case 0xF0...0xF7: return 4
    case 0xE0...0xEF: return 3
    case 0xC0...0xDF: return 2
    default: return 1
    }
  }
}

/// A position in a source file: a byte offset and its 1-based line and column.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
  public var offset: Int
  public var line: Int
  public var column: Int

  public init(offset: Int, line: Int, column: Int) {
    self.offset = offset
    self.line = line
    self.column = column
  }

  public var description: String { "\(line):\(column)" }
}

/// A span of bytes in one source file. Every token, syntax node and diagnostic has one.
public struct SourceRange: Sendable, CustomStringConvertible {
  public let file: SourceFile
  /// The byte offset of the first byte.
  public let start: Int
  /// The byte offset just past the last byte.
  public let end: Int

  public init(file: SourceFile, start: Int, end: Int) {
    self.file = file
    self.start = start
    self.end = max(start, end)
  }

  /// The range from the start of this one to the end of `other`.
  public func through(_ other: SourceRange) -> SourceRange {
    SourceRange(file: file, start: min(start, other.start), end: max(end, other.end))
  }

  public var startLocation: SourceLocation { file.location(of: start) }
  public var endLocation: SourceLocation { file.location(of: end) }

  /// The source text the range covers.
  public var text: String { file.text(from: start, to: end) }

  /// `file:line:column` of the start, as diagnostics print it.
  public var description: String {
    let location = startLocation
    return "\(file.name):\(location.line):\(location.column)"
  }
}
