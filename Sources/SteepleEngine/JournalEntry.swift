public import Foundation

/// One line of the apply journal: an intent before a provider call, an outcome after it.
///
/// The journal is JSON Lines, provider-neutral, in the state directory. An entry is on disk
/// (fsync) before the provider call it announces starts.
public struct JournalEntry: Hashable, Sendable, Codable {
  public enum Event: String, Hashable, Sendable, Codable {
    /// An apply (or destroy) took the lock and starts.
    case begin
    /// A provider call is about to start.
    case intent
    /// The call finished and its effect holds.
    case done
    /// The call failed; `error` says why.
    case failed
    /// A step will not run; `error` says why.
    case skipped
    /// The apply ended; every step has an outcome.
    case end
  }

  public var event: Event
  public var time: Date
  /// For `begin`: the process applying, and its command.
  public var pid: Int32?
  public var command: String?
  /// For `begin`: how many steps the apply has.
  public var steps: Int?
  /// For step events: the step's number in this apply's graph.
  public var step: Int?
  /// For step events: the address the step acts on.
  public var address: String?
  /// For `intent`: the provider call in full.
  public var action: Action?
  public var error: String?

  public init(
    event: Event, time: Date = Date(), pid: Int32? = nil, command: String? = nil, steps: Int? = nil, step: Int? = nil,
    address: String? = nil, action: Action? = nil, error: String? = nil
  ) {
    self.event = event
    self.time = time
    self.pid = pid
    self.command = command
    self.steps = steps
    self.step = step
    self.address = address
    self.action = action
    self.error = error
  }
}

/// An apply the journal shows started and did not end: killed, or its machine lost power.
public struct InterruptedApply: Hashable, Sendable {
  public var pid: Int32
  public var command: String
  public var started: Date
  /// Provider calls that had started and not finished when it stopped. Providers' calls are
  /// idempotent, so the next plan, made from what exists, finishes or repeats them safely.
  public var inFlight: [Action]
  /// Steps that had finished, done or failed.
  public var finished: Int
  public var steps: Int
}
