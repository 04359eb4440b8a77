public import Foundation

/// Follows an apply's events and draws its progress: a live board for a terminal (a line per
/// running step with its elapsed time, a bar for the whole), or a plain timestamped line per event
/// when output goes to a file or a pipe.
public struct ApplyProgress: Sendable {
  public private(set) var total = 0
  public private(set) var done = 0
  public private(set) var failed = 0
  public private(set) var skipped = 0
  public private(set) var began: Date?
  /// Steps running now, in the order they started.
  public private(set) var running: [(step: ApplyStep, since: Date)] = []

  public init() {}

  public var finished: Int { done + failed + skipped }

  public mutating func handle(_ event: ApplyEvent) {
    switch event {
    case .waitingForLock, .resuming: break
    case .began(_, let steps):
      total = steps
      began = Date()
    case .started(let step, let at): running.append((step, at))
    case .finished(let outcome):
      running.removeAll { $0.step.id == outcome.step.id }
      switch outcome.status {
      case .done: done += 1
      case .failed: failed += 1
      case .skipped: skipped += 1
      }
    }
  }

  /// The live view: at most `maxLines` running steps, then the bar. Each line fits `width`
  /// columns (at least 10).
  public func board(now: Date, width: Int = 80, maxLines: Int = 8) -> [String] {
    var lines: [String] = []
    for (step, since) in running.prefix(maxLines) {
      let elapsed = Self.seconds(now.timeIntervalSince(since))
      let label = TerminalText.escaped("  \(step.symbol) \(step.verb) \(step.address)")
      let room = max(1, width - elapsed.count - 2)
      lines.append(Self.fit(label, room) + String(repeating: " ", count: max(2, room - min(label.count, room) + 2)) + elapsed)
    }
    if running.count > maxLines { lines.append(Self.fit("  … and \(running.count - maxLines) more running", width)) }
    lines.append(bar(now: now, width: width))
    return lines
  }

  /// `[████████░░░░░░░░░░░░] 7/20  1 failed  12.3s`, at most `width` columns: on a narrow
  /// terminal the bar shrinks, then goes, then the counts are cut. A line wider than the terminal
  /// would wrap, and the board's redraw, which moves up one row a line, would leave rows behind.
  public func bar(now: Date, width: Int = 80) -> String {
    var tail = " \(finished)/\(total)"
    if failed > 0 { tail += "  \(failed) failed" }
    if skipped > 0 { tail += "  \(skipped) skipped" }
    if let began { tail += "  " + Self.seconds(now.timeIntervalSince(began)) }
    let cells = min(40, width - tail.count - 2)
    guard cells >= 5 else { return Self.fit(String(tail.dropFirst()), width) }
    let filled = total == 0 ? cells : cells * finished / total
    return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: cells - filled) + "]" + tail
  }

  /// One plain line for an event, starting with its time, for logs and pipes; control
  /// characters in names and messages are escaped (`TerminalText`).
  public static func line(for event: ApplyEvent, at time: Date = Date()) -> String {
    TerminalText.escaped(unescapedLine(for: event, at: time))
  }

  private static func unescapedLine(for event: ApplyEvent, at time: Date) -> String {
    let stamp = timestamp(time)
    switch event {
    case .waitingForLock(let holder):
      return "\(stamp) waiting for the lock, held by \(holder)"
    case .resuming(let interrupted, let command):
      var what = "the \(interrupted.command) of pid \(interrupted.pid) "
        + "(began \(timestamp(interrupted.started)), \(interrupted.finished) of \(interrupted.steps) steps finished"
      if !interrupted.inFlight.isEmpty {
        what += "; in flight: " + interrupted.inFlight.map(\.description).joined(separator: ", ")
      }
      what += ")"
      guard interrupted.command != command else { return "\(stamp) resuming \(what)" }
      // Another command does not finish that work: it plans from what exists now.
      let instead = command == "destroy"
        ? "this destroy deletes what exists now, what it created included"
        : "this \(command) does not resume it: it makes what exists match the script, creating again what was deleted"
      return "\(stamp) \(what) did not finish; \(instead)"
    case .began(let plan, let steps):
      return "\(stamp) apply: \(steps) step\(steps == 1 ? "" : "s") (\(plan.summary.dropLast()))"
    case .started(let step, _):
      return "\(stamp) start   \(step.symbol) \(step.verb) \(step.address)"
    case .finished(let outcome):
      let step = outcome.step
      switch outcome.status {
      case .done:
        let took = outcome.duration.map { " (\(seconds($0)))" } ?? ""
        return "\(stamp) done    \(step.symbol) \(step.address)\(took)"
      case .failed(let why): return "\(stamp) failed  \(step.symbol) \(step.address): \(why)"
      case .skipped(let why): return "\(stamp) skipped \(step.symbol) \(step.address): \(why)"
      }
    }
  }

  /// `2026-12-01T08:31:02.123Z`: UTC, to the millisecond. Formatted by hand, since it is called
  /// for every line an apply prints and a date formatter costs more than the rest of the line.
  public static func timestamp(_ date: Date) -> String {
    let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient)
    let fraction = Int(milliseconds - Int64(seconds) * 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(fraction), 3))Z"
  }

  static func seconds(_ interval: TimeInterval) -> String {
    interval < 60 ? String(format: "%.1fs", interval) : "\(Int(interval) / 60)m\(String(format: "%02d", Int(interval) % 60))s"
  }

  static func seconds(_ duration: Duration) -> String {
    let (whole, atto) = duration.components
    return seconds(Double(whole) + Double(atto) / 1e18)
  }

  private static func fit(_ text: String, _ width: Int) -> String {
    text.count <= width ? text : String(text.prefix(max(0, width - 1))) + "…"
  }
}

extension Action {
  /// `create`, `update`, `delete`.
  public var verb: String {
    switch self {
    case .create: return "create"
    case .update: return "update"
    case .delete: return "delete"
    }
  }
}
