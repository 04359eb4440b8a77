#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// String operations with Steeple's meaning of a string: a sequence of Unicode scalars.
///
/// Swift's `String` works in `Character`s (grapheme clusters), in which `"\r\n"` is one character
/// and `"e\u{301}"` equals `"é"`; so a search for `"\n"` in `"a\r\nb"` finds nothing. Steeple
/// counts, indexes, searches, splits, compares and joins scalars instead, which is also what
/// lets these operations work on the UTF-8 bytes directly: UTF-8 is self-synchronizing, so a
/// byte-wise match of one valid string inside another always starts and ends on scalar
/// boundaries, byte order is scalar order, and the pieces cut at matches are valid UTF-8.
enum ScalarText {
  /// Runs `body` on the string's UTF-8 bytes, without copying them when the string is native.
  @inline(__always)
  static func withBytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let result = try string.utf8.withContiguousStorageIfAvailable(body) { return result }
    var copy = string
    return try copy.withUTF8(body)
  }

  /// The piece of `string` between two UTF-8 offsets on scalar boundaries, copied through a
  /// `Substring`: the bytes come from a valid string, so they are not validated again as
  /// `String(decoding:as:)` would (a split makes a string a piece, and validation was a quarter of
  /// its cost).
  @inline(__always)
  static func piece(of string: String, _ range: Range<Int>) -> String {
    let utf8 = string.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
    return String(string[start..<utf8.index(start, offsetBy: range.count)])
  }

  // MARK: Counting and indexing

  /// The number of Unicode scalars: the bytes that are not UTF-8 continuation bytes.
  static func count(_ string: String) -> Int {
    withBytes(string) { bytes in
      guard let base = UnsafeRawPointer(bytes.baseAddress) else { return 0 }
      // Eight bytes at a time: a continuation byte has its top bit set and the next one clear.
      // Each word's marks (one a byte) are added bytewise into a running word, which is summed
      // every 255 words before a byte can overflow: no population count a word, which without a
      // POPCNT instruction costs more than the rest of the loop.
      var continuations = 0
      var offset = 0
      let high: UInt64 = 0x8080_8080_8080_8080
      while offset + 8 <= bytes.count {
        var marks: UInt64 = 0
        var words = 0
        while words < 255, offset + 8 <= bytes.count {
          let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
          marks &+= (word & high & ~(word << 1)) >> 7
          offset += 8
          words += 1
        }
        // Bytes to 16-bit lanes (each at most 510), then the four lanes summed in the top one.
        let lanes = (marks & 0x00FF_00FF_00FF_00FF) &+ ((marks >> 8) & 0x00FF_00FF_00FF_00FF)
        continuations += Int((lanes &* 0x0001_0001_0001_0001) >> 48)
      }
      while offset < bytes.count {
        if bytes[offset] & 0xC0 == 0x80 { continuations += 1 }
        offset += 1
      }
      return bytes.count - continuations
    }
  }

  /// The scalar at `index` (0-based, from the start) as a one-scalar string, or `nil` when the
  /// string has no more than `index` scalars.
  static func scalar(_ string: String, at index: Int) -> String? {
    guard index >= 0 else { return nil }
    return withBytes(string) { bytes in
      var seen = -1
      var start = -1
      for position in bytes.indices where bytes[position] & 0xC0 != 0x80 {
        seen += 1
        if seen == index {
          start = position
        } else if seen == index + 1 {
          return Self.piece(of: string, start..<position)
        }
      }
      return start >= 0 ? Self.piece(of: string, start..<bytes.count) : nil
    }
  }

  /// The scalars at `positions` (within `0...count`), as a string.
  static func slice(_ string: String, _ positions: Range<Int>) -> String {
    let scalars = string.unicodeScalars
    let first = scalars.index(scalars.startIndex, offsetBy: positions.lowerBound)
    let last = scalars.index(first, offsetBy: positions.count)
    return String(scalars[first..<last])
  }

  /// The scalars of the string, each as a one-scalar string.
  static func scalars(_ string: String) -> [String] {
    string.unicodeScalars.map { String($0) }
  }

  // MARK: Comparing

  /// Whether two strings hold the same scalars (no canonical equivalence: `"é" != "e\u{301}"`).
  @inline(__always)
  static func equal(_ a: String, _ b: String) -> Bool {
    withBytes(a) { left in
      withBytes(b) { right in
        left.count == right.count && (left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
      }
    }
  }

  /// -1, 0 or 1, ordering by scalar values (the order of the UTF-8 bytes).
  static func compare(_ a: String, _ b: String) -> Int {
    withBytes(a) { left in
      withBytes(b) { right in
        let common = min(left.count, right.count)
        if common > 0 {
          let order = memcmp(left.baseAddress!, right.baseAddress!, common)
          if order != 0 { return order < 0 ? -1 : 1 }
        }
        return left.count < right.count ? -1 : left.count == right.count ? 0 : 1
      }
    }
  }

  static func hasPrefix(_ string: String, _ prefix: String) -> Bool {
    withBytes(string) { bytes in
      withBytes(prefix) { part in
        part.count <= bytes.count && (part.count == 0 || memcmp(bytes.baseAddress!, part.baseAddress!, part.count) == 0)
      }
    }
  }

  static func hasSuffix(_ string: String, _ suffix: String) -> Bool {
    withBytes(string) { bytes in
      withBytes(suffix) { part in
        part.count <= bytes.count
          && (part.count == 0 || memcmp(bytes.baseAddress! + (bytes.count - part.count), part.baseAddress!, part.count) == 0)
      }
    }
  }

  // MARK: Searching

  /// The byte offset of the first occurrence of `needle` at or after byte `start`, or `nil`.
  /// An empty needle is found at `start`.
  @inline(__always)
  static func find(_ needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, from start: Int = 0) -> Int? {
    let count = needle.count
    guard count > 0 else { return start <= bytes.count ? start : nil }
    guard bytes.count - start >= count, let base = bytes.baseAddress, let pattern = needle.baseAddress else { return nil }
    if count == 1, bytes.count - start < 32 {
      // A short run: a plain loop costs less than calling memchr.
      let byte = pattern.pointee
      var position = start
      while position < bytes.count {
        if base[position] == byte { return position }
        position += 1
      }
      return nil
    }
    return search(pattern, count, in: base, bytes.count, from: start)
  }

  /// `find` with memchr for the first byte and memcmp for the rest.
  static func search(
    _ pattern: UnsafePointer<UInt8>, _ count: Int, in base: UnsafePointer<UInt8>, _ length: Int, from start: Int
  ) -> Int? {
    let first = Int32(pattern.pointee)
    var position = start
    let last = length - count
    while position <= last {
      guard let hit = memchr(base + position, first, last - position + 1) else { return nil }
      let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if count == 1 || memcmp(base + offset + 1, pattern + 1, count - 1) == 0 { return offset }
      position = offset + 1
    }
    return nil
  }

  /// Whether `needle` occurs in `string` (an empty needle always does).
  static func contains(_ string: String, _ needle: String) -> Bool {
    withBytes(string) { bytes in withBytes(needle) { find($0, in: bytes) != nil } }
  }

  /// The scalar index of the first occurrence of `needle`, or `nil`.
  static func firstIndex(of needle: String, in string: String) -> Int? {
    withBytes(string) { bytes in
      withBytes(needle) { pattern in
        guard let offset = find(pattern, in: bytes) else { return nil }
        var index = 0
        for position in 0..<offset where bytes[position] & 0xC0 != 0x80 { index += 1 }
        return index
      }
    }
  }

  // MARK: Splitting and joining

  /// The pieces between occurrences of a non-empty separator, empty pieces kept.
  static func split(_ string: String, separator: String) -> [String] {
    withBytes(string) { bytes in
      withBytes(separator) { pattern in
        var pieces: [String] = []
        // Counted first, so the array is made once at its final size.
        pieces.reserveCapacity(pieceCount(bytes, separator: pattern))
        var start = 0
        while let match = find(pattern, in: bytes, from: start) {
          pieces.append(Self.piece(of: string, start..<match))
          start = match + pattern.count
        }
        pieces.append(Self.piece(of: string, start..<bytes.count))
        return pieces
      }
    }
  }

  /// How many pieces `split` makes: one more than the separator's non-overlapping occurrences.
  static func pieceCount(_ string: String, separator: String) -> Int {
    withBytes(string) { bytes in withBytes(separator) { pattern in pieceCount(bytes, separator: pattern) } }
  }

  /// ``pieceCount(_:separator:)`` over the strings' UTF-8 bytes.
  private static func pieceCount(_ bytes: UnsafeBufferPointer<UInt8>, separator pattern: UnsafeBufferPointer<UInt8>) -> Int {
    var count = 1
    var position = 0
    while let match = find(pattern, in: bytes, from: position) {
      count += 1
      position = match + pattern.count
    }
    return count
  }

  /// `split` for a list: the pieces as string values.
  ///
  /// The text is searched once when it has at most `notedMatches` separators (the common case: a
  /// name split at "/" or "."), their offsets noted on the stack; a text with more is counted
  /// first and searched again. Either way the array is made once, at its final size.
  static func splitValues(_ string: String, separator: String) -> [Value] {
    withBytes(string) { bytes in
      withBytes(separator) { pattern in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: notedMatches) { noted in
          var found = 0
          var position = 0
          while found < notedMatches, let match = find(pattern, in: bytes, from: position) {
            noted[found] = match
            found += 1
            position = match + pattern.count
          }
          let overflowing = found == notedMatches
          var count = found + 1
          if overflowing {
            while let match = find(pattern, in: bytes, from: position) {
              count += 1
              position = match + pattern.count
            }
          }
          var pieces: [Value] = []
          pieces.reserveCapacity(count)
          var start = 0
          var index = 0
          while index < found {
            let match = noted[index]
            pieces.append(.string(Self.piece(of: string, start..<match)))
            start = match + pattern.count
            index += 1
          }
          if overflowing {
            while let match = find(pattern, in: bytes, from: start) {
              pieces.append(.string(Self.piece(of: string, start..<match)))
              start = match + pattern.count
            }
          }
          pieces.append(.string(Self.piece(of: string, start..<bytes.count)))
          return pieces
        }
      }
    }
  }

  /// How many separator offsets `splitValues` notes on the stack before it counts instead.
  static let notedMatches = 32

  /// The runs of non-whitespace scalars (Unicode's White_Space property), with no empty strings.
  static func splitWhitespace(_ string: String) -> [String] {
    var words: [String] = []
    var word = String.UnicodeScalarView()
    for scalar in string.unicodeScalars {
      if isWhitespace(scalar) {
        if !word.isEmpty {
          words.append(String(word))
          word = String.UnicodeScalarView()
        }
      } else {
        word.append(scalar)
      }
    }
    if !word.isEmpty { words.append(String(word)) }
    return words
  }

  @inline(__always)
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09...0x0D: return true
    case 0..<0x80: return false
    default: return scalar.properties.isWhitespace
    }
  }

  /// The strings joined with `separator` between them, built in one buffer of the final size.
  static func join(_ parts: [String], separator: String) -> String {
    guard parts.count > 1 else { return parts.first ?? "" }
    var total = 0
    for part in parts { total += part.utf8.count }
    let separatorCount = separator.utf8.count
    total += separatorCount * (parts.count - 1)
    if total == 0 { return "" }
    return withBytes(separator) { separatorBytes in
      String(unsafeUninitializedCapacity: total) { buffer in
        var offset = 0
        for (index, part) in parts.enumerated() {
          if index > 0, separatorCount > 0 {
            _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + separatorCount]).initialize(from: separatorBytes)
            offset += separatorCount
          }
          withBytes(part) { bytes in
            if bytes.count > 0 {
              _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + bytes.count]).initialize(from: bytes)
              offset += bytes.count
            }
          }
        }
        return offset
      }
    }
  }

}
