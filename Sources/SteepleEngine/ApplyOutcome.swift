public import Foundation

/// How one step of an apply ended.
public enum StepStatus: Hashable, Sendable {
  case done
  /// The provider's error, as the service said it: its code, message and the resource.
  case failed(ProviderError)
  /// Not started: what it needed failed, or the apply was cancelled.
  case skipped(String)
}

/// One step and how it ended.
public struct StepOutcome: Hashable, Sendable {
  public var step: ApplyStep
  public var status: StepStatus
  /// When the provider call started; `nil` for a skipped step.
  public var started: Date?
  /// How long the provider call took; `nil` for a skipped step.
  public var duration: Duration?
  /// The resource as it exists after the step (`nil` after a delete, or when it did not finish).
  public var result: ObservedResource?

  public init(step: ApplyStep, status: StepStatus, started: Date? = nil, duration: Duration? = nil, result: ObservedResource? = nil) {
    self.step = step
    self.status = status
    self.started = started
    self.duration = duration
    self.result = result
  }
}

/// What an apply or a destroy did.
public struct ApplyReport: Hashable, Sendable {
  public var plan: Plan
  public var graph: ApplyGraph
  /// One per step, in the graph's order.
  public var outcomes: [StepOutcome]
  /// Wall time from the first step's start to the last one's end.
  public var elapsed: Duration
  /// The interrupted apply this one finished, when the journal showed one.
  public var resumed: InterruptedApply?

  /// The apply was cancelled: what had not started when it was is skipped.
  public var cancelled: Bool
  /// `apply` or `destroy`: what the summary calls the run.
  public var command: String

  public init(
    plan: Plan, graph: ApplyGraph, outcomes: [StepOutcome], elapsed: Duration, resumed: InterruptedApply? = nil,
    cancelled: Bool = false, command: String = "apply"
  ) {
    self.plan = plan
    self.graph = graph
    self.outcomes = outcomes
    self.elapsed = elapsed
    self.resumed = resumed
    self.cancelled = cancelled
    self.command = command
  }

  public var done: [StepOutcome] { outcomes.filter { $0.status == .done } }
  public var failed: [StepOutcome] { outcomes.filter { if case .failed = $0.status { true } else { false } } }
  public var skipped: [StepOutcome] { outcomes.filter { if case .skipped = $0.status { true } else { false } } }
  public var succeeded: Bool { failed.isEmpty && skipped.isEmpty }

  /// The longest chain of dependent steps by how long each took: the least time any schedule needs.
  public var criticalPath: Duration {
    graph.criticalPath { outcomes[$0].duration ?? .zero }
  }

  /// `Apply complete: 12 done.`, or what failed and what was skipped; `Apply stopped: ...` when it
  /// was cancelled; `Destroy complete: ...` and so on for a destroy.
  public var summary: String {
    var parts = ["\(done.count) done"]
    if !failed.isEmpty { parts.append("\(failed.count) failed") }
    if !skipped.isEmpty { parts.append("\(skipped.count) skipped") }
    let verdict = (command.prefix(1).uppercased() + command.dropFirst()) + (cancelled ? " stopped: " : succeeded ? " complete: " : " failed: ")
    return verdict + parts.joined(separator: ", ") + "."
  }
}

/// What one apply reports while it runs. Events arrive in order from one task.
public enum ApplyEvent: Sendable {
  /// Another apply or destroy holds the state's lock, and this one waits for it (up to its lock
  /// timeout) before it plans.
  case waitingForLock(held: LockHolder)
  /// The journal shows an apply or destroy that did not finish. This run, the `command` named
  /// (`apply`, `destroy`), plans from what exists now: the same command completes the work, the
  /// other one undoes it.
  case resuming(InterruptedApply, by: String)
  /// The apply starts; `steps` provider calls in all.
  case began(plan: Plan, steps: Int)
  /// A provider call starts.
  case started(ApplyStep, at: Date)
  /// A step ended: done, failed, or skipped without starting.
  case finished(StepOutcome)
}
