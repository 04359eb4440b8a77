/// How `verify` checks came out: a line each (a detail of several lines continues indented below
/// it), then a count; or the same as JSON.
///
/// ```
/// checks:
///   ✓ verify mtls "td/yelb-ui" -> "td/yelb-appserver": ... TLSv1.3, TLS_AES_128_GCM_SHA256, answered
///   ✗ verify denied "td/yelb-ui" -> "td/yelb-db": td/yelb-db admitted td/yelb-ui ...
/// Checks: 1 passed, 1 failed.
/// ```
public enum CheckReportRenderer {
  /// With `colors`, the marks are green, red and yellow for a terminal.
  public static func text(_ results: [CheckResult], colors: Bool = false) -> String {
    guard !results.isEmpty else { return "" }
    var out = ""
    for result in results {
      let label = describe(result.check)
      let (mark, color, text): (String, String, String)
      switch result.outcome {
      case .passed(let detail): (mark, color, text) = ("✓", "32", detail.isEmpty ? label : "\(label): \(detail)")
      case .failed(let reason): (mark, color, text) = ("✗", "31", "\(label): \(reason)")
      case .unsupported(let reason): (mark, color, text) = ("-", "33", "\(label): not yet supported (\(reason))")
      }
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.escaped(String($0)) }
      out += "  \(paint(mark, color, colors)) \(lines[0])\n"
      for line in lines.dropFirst() { out += "      \(line)\n" }
    }
    let counts = self.counts(results)
    var summary = ["\(counts.passed) passed", "\(counts.failed) failed"]
    if counts.unsupported > 0 { summary.append("\(counts.unsupported) not yet supported") }
    return "checks:\n" + out + "Checks: " + summary.joined(separator: ", ") + ".\n"
  }

  /// `{"passed", "failed", "unsupported", "checks": [...]}`: each check with its label, kind,
  /// arguments, where its `verify` statement is (`locate`, `file:line:column`), outcome, text and
  /// how long it took (`null` when not measured).
  public static func json(_ results: [CheckResult], locate: (Check) -> String? = { _ in nil }) -> JSONValue {
    let checks: [JSONValue] = results.map { result in
      let (outcome, text): (String, String)
      switch result.outcome {
      case .passed(let detail): (outcome, text) = ("passed", detail)
      case .failed(let reason): (outcome, text) = ("failed", reason)
      case .unsupported(let reason): (outcome, text) = ("unsupported", reason)
      }
      return .object([
        ("check", .string(describe(result.check))),
        ("kind", .string(result.check.kind)),
        ("arguments", .array(result.check.arguments.map(JSONValue.init))),
        ("at", locate(result.check).map(JSONValue.string) ?? .null),
        ("outcome", .string(outcome)),
        ("detail", .string(text)),
        ("seconds", result.duration.map { .number(ApplyReportRenderer.seconds($0)) } ?? .null),
      ])
    }
    let counts = self.counts(results)
    return .object([
      ("passed", .int(counts.passed)), ("failed", .int(counts.failed)), ("unsupported", .int(counts.unsupported)),
      ("checks", .array(checks)),
    ])
  }

  /// `verify mtls "yelb-ui" -> "yelb-appserver"`, as the script wrote it, or the check's own label.
  public static func describe(_ check: Check) -> String {
    if let label = check.label { return label }
    var text = "verify \(check.kind)"
    if let subject = check.arguments.first { text += " \(subject)" }
    if check.arguments.count > 1 { text += " -> \(check.arguments[1])" }
    return text
  }

  private static func counts(_ results: [CheckResult]) -> (passed: Int, failed: Int, unsupported: Int) {
    var counts = (passed: 0, failed: 0, unsupported: 0)
    for result in results {
      switch result.outcome {
      case .passed: counts.passed += 1
      case .failed: counts.failed += 1
      case .unsupported: counts.unsupported += 1
      }
    }
    return counts
  }

  private static func paint(_ text: String, _ code: String, _ colors: Bool) -> String {
    colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }
}
