/// The `duration` field type's values: `"90s"`, `"30m"`, `"1h"`, `"1h30m"`, `"24h"`, or an int of
/// seconds, as every TTL and timeout is written.
///
/// A text is one or more `<digits><unit>` parts, units `h`, `m` and `s` in that order, each at
/// most once: SPIRE's and Go's spelling without fractions, so a value reads the same in a script
/// and in the configuration made from it.
public enum ModelDuration {
  /// How a duration is written, for error details.
  public static let example = "a duration such as \"90s\", \"30m\", \"1h30m\" or \"24h\", or an int of seconds"

  /// The seconds a value stands for, or `nil` when it is not a duration (or is negative).
  public static func seconds(_ value: ModelValue) -> Int? {
    switch value {
    case .int(let seconds): return seconds >= 0 ? seconds : nil
    case .string(let text): return parse(text).seconds
    default: return nil
    }
  }

  /// What is wrong with a value written as a duration, or `nil` when it is one.
  public static func problem(with value: ModelValue) -> String? {
    switch value {
    case .int(let seconds): return seconds < 0 ? "it is negative" : nil
    case .string(let text): return parse(text).problem
    default: return "it is neither a string nor an int"
    }
  }

  /// What a mistyped duration was probably meant as: `"90 s"` → `"90s"`, `"1H"` → `"1h"`,
  /// `"30min"` → `"30m"`.
  public static func suggestion(for value: ModelValue) -> String? {
    guard case .string(let text) = value else { return nil }
    var cleaned = text.lowercased().filter { $0 != " " }
    for (long, short) in [("hours", "h"), ("hour", "h"), ("hrs", "h"), ("hr", "h"), ("minutes", "m"), ("minute", "m"), ("mins", "m"),
      ("min", "m"), ("seconds", "s"), ("second", "s"), ("secs", "s"), ("sec", "s")]
    {
      cleaned = cleaned.replacing(long, with: short)
    }
    if cleaned.allSatisfy(\.isASCIIDigit), !cleaned.isEmpty { cleaned += "s" }
    return cleaned != text && parse(cleaned).seconds != nil ? cleaned : nil
  }

  /// The text form of a number of seconds: `5400` → `"1h30m"`, `0` → `"0s"`.
  public static func text(seconds: Int) -> String {
    if seconds == 0 { return "0s" }
    let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
    return (hours > 0 ? "\(hours)h" : "") + (minutes > 0 ? "\(minutes)m" : "") + (rest > 0 ? "\(rest)s" : "")
  }

  static func parse(_ text: String) -> (seconds: Int?, problem: String?) {
    if text.isEmpty { return (nil, "it is empty") }
    let units: [(Character, Int)] = [("h", 3600), ("m", 60), ("s", 1)]
    var total = 0
    var digits = ""
    var next = 0
    for character in text {
      if character.isASCIIDigit {
        digits.append(character)
        continue
      }
      guard let position = units.firstIndex(where: { $0.0 == character }) else {
        return (nil, "'\(character)' is not a unit; write h, m or s after each number")
      }
      guard !digits.isEmpty else { return (nil, "'\(character)' has no number before it") }
      guard position >= next else { return (nil, "write the units in the order h, m, s, each once") }
      guard let amount = Int(digits), case (let product, false) = amount.multipliedReportingOverflow(by: units[position].1),
        case (let sum, false) = total.addingReportingOverflow(product)
      else { return (nil, "it is too long") }
      total = sum
      digits = ""
      next = position + 1
    }
    if !digits.isEmpty { return (nil, "\(digits) has no unit; write \(digits)s for seconds, or the int \(digits)") }
    return (total, nil)
  }
}

extension Character {
  fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
