import Testing
@testable import SteepleInterpreter

/// Strings are sequences of Unicode scalars in every operation. Swift's own `String` works in
/// grapheme clusters, where `"\r\n"` is one `Character`, so these pin down each operation on the
/// text that used to fool it, and compare the byte-level implementations (`ScalarText`) with
/// a plain walk over the scalars.
@Suite("Strings are sequences of Unicode scalars")
struct StringScalarTests {
  @Test func carriageReturnLineFeedIsTwoScalars() {
    #expect(evaluate(#"len("a\r\nb")"#) == "4")
    #expect(evaluate(#""a\r\nb".split("\n")"#) == #"["a\r", "b"]"#)
    #expect(evaluate(#""a\r\nb".split("\r")"#) == #"["a", "\nb"]"#)
    #expect(evaluate(#""a\r\nb".replace("\n", "|")"#) == #""a\r|b""#)
    #expect(evaluate(#""a\r\nb".replace("\r\n", " ")"#) == #""a b""#)
    #expect(evaluate(#""\n" in "a\r\nb""#) == "true")
    #expect(evaluate(#""\r" in "a\r\nb""#) == "true")
    #expect(evaluate(#""a\r\nb".contains("\n")"#) == "true")
    #expect(evaluate(#""one\r\ntwo\r\n".lines()"#) == #"["one\r", "two\r", ""]"#)
    #expect(evaluate(#""a\r\nb".starts_with("a\r")"#) == "true")
    #expect(evaluate(#""a\r\nb".ends_with("\nb")"#) == "true")
    #expect(evaluate(#""a\r\nb"[1]"#) == #""\r""#)
    #expect(evaluate(#""a\r\nb"[2]"#) == #""\n""#)
    #expect(evaluate(#""a\r\nb"[-2]"#) == #""\n""#)
    #expect(evaluate(#"" a\r\nb ".split()"#) == #"["a", "b"]"#)
    #expect(evaluate(#""-".join("a\r\nb".split("\n"))"#) == #""a\r-b""#)
    #expect(output("var n = 0\nfor c in \"a\\r\\nb\" { n += 1 }\nprint(n)") == "4\n")
    #expect(evaluate(#""a\r\nb"[1:3]"#) == #""\r\n""#)
    #expect(evaluate(#""a\r\nb"[2:]"#) == #""\nb""#)
    #expect(evaluate(#""a\r\nb".find("\n")"#) == "2")
    #expect(evaluate(#""a\r\nb".find("b")"#) == "3")
    #expect(evaluate(#"[c for c in "a\r\nb"]"#) == #"["a", "\r", "\n", "b"]"#)
    #expect(evaluate(#""a\r\nb".pad_left(6, "-")"#) == #""--a\r\nb""#)
  }

  @Test func combiningMarksAndEmojiModifiersAreScalarsOfTheirOwn() {
    #expect(evaluate(#"len("👍🏽")"#) == "2")
    #expect(evaluate(#"len("e\u{301}")"#) == "2")
    #expect(evaluate(#""e\u{301}"[0]"#) == #""e""#)
    #expect(evaluate(#""e\u{301}".starts_with("e")"#) == "true")
    #expect(evaluate(#""\u{301}" in "e\u{301}""#) == "true")
    #expect(evaluate(#""café".split("é")"#) == #"["caf", ""]"#)
    #expect(evaluate(#""日本語".split("本")"#) == #"["日", "語"]"#)
    #expect(evaluate(#""日本語"[-1]"#) == #""語""#)
  }

  @Test func emptyAndMissingPieces() {
    #expect(evaluate(#""".split(",")"#) == #"[""]"#)
    #expect(evaluate(#""a,,b,".split(",")"#) == #"["a", "", "b", ""]"#)
    #expect(evaluate(#""aaa".split("aa")"#) == #"["", "a"]"#)
    #expect(evaluate(#""aaa".replace("aa", "b")"#) == #""ba""#)
    #expect(evaluate(#""" in "abc""#) == "true")
    #expect(evaluate(#""abc".contains("")"#) == "true")
    #expect(evaluate(#""abc".starts_with("")"#) == "true")
    #expect(evaluate(#""ab".starts_with("abc")"#) == "false")
    #expect(evaluate(#""ab".ends_with("abc")"#) == "false")
    #expect(evaluate(#"",".join([])"#) == #""""#)
    #expect(evaluate(#"",".join(["x"])"#) == #""x""#)
    #expect(evaluate(#""".join(["a", "", "b"])"#) == #""ab""#)
    #expect(run(#""abc"[3]"#).code == "index-out-of-range")
    #expect(run(#""a\r\nb"[4]"#).diagnostics.first?.summary == "index 4 is out of range for a string of 4 elements")
  }

  /// Texts that mix ASCII, multi-byte scalars, combining marks and line breaks.
  static let texts = [
    "", "a", "a\r\nb", "\r\n\r\n", "x,y,,z", "é,e\u{301},👍🏽", "日本,語", "ab\nab\nab", "\u{0}\u{7F}\u{80}", "  spire\tagent\u{A0}x ",
    "spiffe://td.example.org/ns/app/sa/svc",
  ]
  static let needles = ["\n", "\r", "\r\n", ",", "é", "e", "\u{301}", "ab", "/", "👍🏽", "🏽", "語", "zz"]

  @Test("a long text is counted in blocks of words, each block summed before its byte counters overflow")
  func longTextsAreCountedWhole() {
    for repeats in [255, 256, 257, 2_000] {
      for unit in ["é", "日本", "👍🏽", "a\u{80}", "\u{10FFFF}"] {
        let text = String(repeating: unit, count: repeats * 8) + "xyz"
        #expect(ScalarText.count(text) == text.unicodeScalars.count, "\(repeats) times \(unit.debugDescription)")
      }
    }
  }

  @Test func byteOperationsAgreeWithAWalkOverScalars() {
    for text in Self.texts {
      let scalars = Array(text.unicodeScalars)
      #expect(ScalarText.count(text) == scalars.count, "count of \(text.debugDescription)")
      #expect(ScalarText.scalars(text) == scalars.map { String($0) })
      for index in 0...scalars.count {
        #expect(ScalarText.scalar(text, at: index) == (index < scalars.count ? String(scalars[index]) : nil))
      }
      for needle in Self.needles {
        let pattern = Array(needle.unicodeScalars)
        let split = Self.referenceSplit(scalars, pattern)
        #expect(ScalarText.split(text, separator: needle) == split, "\(text.debugDescription) split at \(needle.debugDescription)")
        #expect(ScalarText.contains(text, needle) == (split.count > 1), "\(text.debugDescription) contains \(needle.debugDescription)")
        #expect(ScalarText.hasPrefix(text, needle) == scalars.starts(with: pattern))
        #expect(ScalarText.hasSuffix(text, needle) == scalars.reversed().starts(with: pattern.reversed()))
        #expect(ScalarText.join(split, separator: needle) == text)
        #expect(ScalarText.equal(text, needle) == (scalars == pattern))
        let order = ScalarText.compare(text, needle)
        let expected = scalars.lexicographicallyPrecedes(pattern, by: { $0.value < $1.value }) ? -1 : scalars == pattern ? 0 : 1
        #expect(order == expected, "\(text.debugDescription) vs \(needle.debugDescription)")
        if let index = ScalarText.firstIndex(of: needle, in: text) {
          #expect(Array(scalars[index...]).starts(with: pattern))
          #expect(Self.referenceSplit(Array(scalars[..<index]), pattern).count == 1)
        } else {
          #expect(split.count == 1)
        }
      }
      let words = text.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String(String.UnicodeScalarView($0)) }
      #expect(ScalarText.splitWhitespace(text) == words, "words of \(text.debugDescription)")
    }
  }

  /// `splitValues` notes up to `ScalarText.notedMatches` separators on the stack and counts texts with
  /// more before searching them again: pieces on both sides of that boundary, separators at the
  /// ends and side by side, and multi-byte separators all come out as a scalar walk says.
  @Test func splitsAroundTheNotedMatchesBoundary() {
    let noted = ScalarText.notedMatches
    for separator in ["/", "::", "日"] {
      for separators in [noted - 1, noted, noted + 1, 2 * noted + 3] {
        let pieces = (0..<separators + 1).map { index in index % 5 == 0 ? "" : "p\(index)é" }
        let text = pieces.joined(separator: separator)
        #expect(ScalarText.split(text, separator: separator) == pieces, "\(separators) separators \(separator.debugDescription)")
        let expected = Self.referenceSplit(Array(text.unicodeScalars), Array(separator.unicodeScalars))
        #expect(ScalarText.splitValues(text, separator: separator).map(\.text) == expected)
      }
    }
  }

  /// Splits scalars at a non-empty pattern, scalar by scalar.
  static func referenceSplit(_ scalars: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> [String] {
    var pieces: [String] = []
    var current = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      if index + pattern.count <= scalars.count, Array(scalars[index..<index + pattern.count]) == pattern {
        pieces.append(String(current))
        current = String.UnicodeScalarView()
        index += pattern.count
      } else {
        current.append(scalars[index])
        index += 1
      }
    }
    pieces.append(String(current))
    return pieces
  }
}
