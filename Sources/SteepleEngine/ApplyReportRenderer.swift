/// What an apply did, as the last lines `steeple apply` prints, or as JSON.
///
/// ```
/// Apply failed: 5 done, 1 failed, 2 skipped.
/// failed:
///   + net.subnet.frontend: InvalidParameterValue: the CIDR overlaps 10.1.0.0/16
/// skipped:
///   + store.bucket.frontend-logs: needs net.subnet.frontend, which failed
/// ```
public enum ApplyReportRenderer {
  public static func text(_ report: ApplyReport) -> String {
    guard !report.outcomes.isEmpty else {
      return report.command == "destroy"
        ? "No changes. The state holds nothing to destroy.\n" : "No changes. What exists matches the script.\n"
    }
    var out = report.summary + "\n"
    if !report.failed.isEmpty {
      out += "failed:\n"
      for outcome in report.failed {
        if case .failed(let why) = outcome.status { out += TerminalText.escaped("  \(outcome.step.symbol) \(outcome.step.address): \(why)") + "\n" }
      }
    }
    if !report.skipped.isEmpty {
      out += "skipped:\n"
      for outcome in report.skipped {
        if case .skipped(let why) = outcome.status { out += TerminalText.escaped("  \(outcome.step.symbol) \(outcome.step.address): \(why)") + "\n" }
      }
    }
    return out
  }

  /// `{"succeeded", "summary", "elapsed_seconds", "critical_path_seconds", "steps": [...]}`: each step
  /// with its action, address, status, error, start time and duration.
  public static func json(_ report: ApplyReport) -> String {
    let steps: [JSONValue] = report.outcomes.map { outcome in
      let step = outcome.step
      var fields: [(String, JSONValue)] = [
        ("step", .int(step.id)),
        ("action", .string(step.action.verb)),
        ("planned", .string(step.planned.rawValue)),
        ("address", .string(step.address.description)),
      ]
      fields += step.placement.json
      let status: String
      var error: JSONValue = .null
      switch outcome.status {
      case .done: status = "done"
      case .failed(let why):
        status = "failed"
        error = .string(why.description)
      case .skipped(let why):
        status = "skipped"
        error = .string(why)
      }
      fields += [
        ("status", .string(status)),
        ("error", error),
        ("dependencies", .array(step.dependencies.map(JSONValue.int))),
        ("started", outcome.started.map { .string(ApplyProgress.timestamp($0)) } ?? .null),
        ("seconds", outcome.duration.map { .number(seconds($0)) } ?? .null),
      ]
      return .object(fields)
    }
    var document: [(String, JSONValue)] = [
      ("succeeded", .bool(report.succeeded)),
      ("summary", .object([
        ("done", .int(report.done.count)), ("failed", .int(report.failed.count)),
        ("skipped", .int(report.skipped.count)),
      ])),
      ("plan", .object([
        ("add", .int(report.plan.toAdd)), ("change", .int(report.plan.toChange)),
        ("destroy", .int(report.plan.toDestroy)),
      ])),
      ("elapsed_seconds", .number(seconds(report.elapsed))),
      ("critical_path_seconds", .number(seconds(report.criticalPath))),
    ]
    if let resumed = report.resumed {
      document.append(("resumed", .object([
        ("pid", .int(Int(resumed.pid))), ("command", .string(resumed.command)),
        ("started", .string(ApplyProgress.timestamp(resumed.started))),
        ("in_flight", .array(resumed.inFlight.map { .string($0.description) })),
      ])))
    }
    document.append(("steps", .array(steps)))
    return JSONValue.object(document).rendered() + "\n"
  }

  static func seconds(_ duration: Duration) -> String {
    let (whole, atto) = duration.components
    let value = Double(whole) + Double(atto) / 1e18
    return String((value * 1e6).rounded() / 1e6)
  }
}

/// How `verify` checks came out, one a line, then a count.
public enum CheckReportRenderer {
  public static func text(_ results: [CheckResult]) -> String {
    guard !results.isEmpty else { return "" }
    var out = ""
    var passed = 0
    var failed = 0
    var unsupported = 0
    for result in results {
      let label = describe(result.check)
      switch result.outcome {
      case .passed(let detail):
        passed += 1
        out += TerminalText.escaped("  ✓ \(label)" + (detail.isEmpty ? "" : ": \(detail)")) + "\n"
      case .failed(let reason):
        failed += 1
        out += TerminalText.escaped("  ✗ \(label): \(reason)") + "\n"
      case .unsupported(let reason):
        unsupported += 1
        out += TerminalText.escaped("  - \(label): not yet supported (\(reason))") + "\n"
      }
    }
    var counts = ["\(passed) passed", "\(failed) failed"]
    if unsupported > 0 { counts.append("\(unsupported) not yet supported") }
    return "checks:\n" + out + "Checks: " + counts.joined(separator: ", ") + ".\n"
  }

  /// `verify mtls "yelb-ui" -> "yelb-appserver"`, as the script wrote it.
  public static func describe(_ check: Check) -> String {
    var text = "verify \(check.kind)"
    if let subject = check.arguments.first { text += " \(subject)" }
    if check.arguments.count > 1 { text += " -> \(check.arguments[1])" }
    return text
  }
}
