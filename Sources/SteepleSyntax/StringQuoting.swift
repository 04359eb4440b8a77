/// Strings written back as string literals: the one quoter behind every value printer and
/// diagnostic (`Value.quote`, `ModelValue`'s description) and the JSON writers, so one string reads
/// the same everywhere (`"it's"`, `"a\"b"`), and differs between Steeple, JSON and YAML only where
/// the languages write a control character differently.
public enum StringQuoting {
  /// The language a literal is written in.
  public enum Syntax: Sendable {
    /// A Steeple string literal: other control characters as `\0` and `\u{1b}`.
    case steeple
    /// A JSON string: other control characters as `\u001b`.
    case json
    /// A YAML double-quoted scalar: as JSON, and DEL as `\u007f` too (YAML does not allow it raw).
    case yaml
  }

  /// `string` between double quotes, with `"` and `\` escaped, the usual control characters as
  /// `\n`, `\t` and `\r`, and every other one as `syntax` writes it.
  public static func quote(_ string: String, as syntax: Syntax = .steeple) -> String {
    var out = "\""
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        switch syntax {
        case .steeple where scalar == "\0": out += "\\0"
        case .steeple where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{\(String(scalar.value, radix: 16))}"
        case .json where scalar.value < 0x20, .yaml where scalar.value < 0x20 || scalar.value == 0x7F:
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
