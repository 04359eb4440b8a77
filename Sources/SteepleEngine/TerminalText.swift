/// Text that came from a script or a provider (names, values, error messages) made safe to print:
/// control characters, which on a terminal could move the cursor, clear the screen or rewrite the
/// lines around them, are written as escapes (`\n`, `\t`, `\u{1b}`); everything else stays as it is.
///
/// Every text renderer (plan, apply progress and report, state, checks) and the live board print
/// lines through it.
public enum TerminalText {
  /// `text` with every C0 control character, DEL and C1 control character escaped.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      case "\0": out += "\\0"
      default:
        if isControl(scalar) {
          out += "\\u{\(String(scalar.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out
  }

  /// Whether a scalar is a control character: U+0000–U+001F, U+007F–U+009F.
  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }
}
