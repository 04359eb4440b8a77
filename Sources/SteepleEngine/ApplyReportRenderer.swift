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
    document(report).rendered() + "\n"
  }

  /// The JSON of `json(_:)` as a value, for a document that holds it (`steeple run --json`).
  public static func document(_ report: ApplyReport) -> JSONValue {
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
    return .object(document)
  }

  /// A duration as JSON writes seconds: at most six decimals.
  public static func seconds(_ duration: Duration) -> String {
    let (whole, atto) = duration.components
    let value = Double(whole) + Double(atto) / 1e18
    return String((value * 1e6).rounded() / 1e6)
  }
}
