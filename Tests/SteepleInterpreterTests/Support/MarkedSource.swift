import Testing

/// Test source text with position markers.
///
/// A marker is a keycap emoji such as `1️⃣` (a digit, U+FE0F, U+20E3). Markers are removed from
/// the text before it runs; each one records the byte offset of the character that followed it, so
/// a test says *where* it expects a diagnostic without counting columns by hand:
///
/// ```swift
/// let source = MarkedSource("let x = 1️⃣regon")
/// source.text            // "let x = regon"
/// source.location("1️⃣")  // "1:9"
/// ```
///
/// Lines and columns are computed here, independently of `SourceFile`, so a test catches a wrong
/// column as well as a wrong offset. Columns count Unicode scalars, starting at 1.
struct MarkedSource {
  /// The text with the markers removed.
  let text: String
  /// The byte offset (in `text`'s UTF-8) at each marker.
  let offsets: [String: Int]

  init(_ marked: String) {
    var text = ""
    var offsets: [String: Int] = [:]
    let scalars = Array(marked.unicodeScalars)
    var index = 0
    var byteOffset = 0
    while index < scalars.count {
      let scalar = scalars[index]
      if index + 2 < scalars.count, ("0"..."9").contains(scalar), scalars[index + 1] == "\u{FE0F}",
        scalars[index + 2] == "\u{20E3}"
      {
        let marker = String(String.UnicodeScalarView([scalar, scalars[index + 1], scalars[index + 2]]))
        precondition(offsets[marker] == nil, "marker \(marker) is used twice")
        offsets[marker] = byteOffset
        index += 3
        continue
      }
      text.unicodeScalars.append(scalar)
      byteOffset += String(scalar).utf8.count
      index += 1
    }
    self.text = text
    self.offsets = offsets
  }

  /// The byte offset of a marker; stops the test if the marker is missing.
  func offset(_ marker: String) -> Int {
    guard let offset = offsets[marker] else {
      preconditionFailure("no marker \(marker) in the source")
    }
    return offset
  }

  /// `line:column` of a marker, computed from the text itself.
  func location(_ marker: String) -> String {
    let target = offset(marker)
    var line = 1
    var column = 1
    var byteOffset = 0
    for scalar in text.unicodeScalars {
      if byteOffset >= target { break }
      if scalar == "\n" {
        line += 1
        column = 1
      } else {
        column += 1
      }
      byteOffset += String(scalar).utf8.count
    }
    return "\(line):\(column)"
  }
}
