import Foundation

/// How an apply or a destroy runs.
public struct ApplyOptions: Hashable, Sendable {
  /// The most provider calls at once.
  public var parallelism: Int
  /// How long to wait for another apply's lock on the state; zero fails at once.
  public var lockTimeout: Duration

  public init(parallelism: Int = 10, lockTimeout: Duration = .zero) {
    self.parallelism = max(1, parallelism)
    self.lockTimeout = lockTimeout
  }
}

/// A check after apply and how it came out.
public struct CheckResult: Hashable, Sendable {
  public var check: Check
  public var outcome: CheckOutcome

  public init(check: Check, outcome: CheckOutcome) {
    self.check = check
    self.outcome = outcome
  }
}

/// Plans and applies resources against one provider and one state directory.
///
/// The state directory holds the provider's own state, the journal of the latest apply and the
/// lock. `plan` and `state` only read; `apply` and `destroy` take the lock for their whole run, so
/// two of them on one state never overlap.
public struct Engine: Sendable {
  public let provider: any Provider
  public let stateDirectory: String

  /// An engine on `stateDirectory`; `apply` and `destroy` create the directory (owner-only) when it
  /// does not exist, `plan` and `state` leave the disk as it is.
  public init(provider: any Provider, stateDirectory: String) throws(EngineError) {
    self.provider = provider
    self.stateDirectory = stateDirectory
  }

  /// Makes `directory` (and its parents) when missing, readable by its owner only.
  public static func prepare(_ directory: String) throws(EngineError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .io("the state directory \(directory) is a file", errno: 0) }
      return
    }
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
      throw .io("cannot create the state directory \(directory)", errno: errno)
    }
  }

  /// Everything that exists, sorted by placement and address.
  public func state() async throws(EngineError) -> [ObservedResource] {
    try await observe().sorted { ($0.placement, $0.address) < ($1.placement, $1.address) }
  }

  /// What an apply of `desired` would do now.
  public func plan(_ desired: [Resource]) async throws(EngineError) -> Plan {
    let observed = try await observe()
    do throws(PlanError) {
      return try Planner.plan(desired: desired, observed: observed, provider: provider.name)
    } catch {
      throw .plan(error)
    }
  }

  /// The apply the journal shows did not finish, if one did not; `nil` while that apply is still
  /// running (see `runningApply`).
  public var interruptedApply: InterruptedApply? {
    runningApply == nil ? Journal.interrupted(in: stateDirectory) : nil
  }

  /// The apply or destroy that holds the state's lock now, if one does.
  public var runningApply: LockHolder? { StateLock.currentHolder(directory: stateDirectory) }

  /// Makes what exists match `desired`: takes the lock, plans from what exists now, and runs the
  /// plan. Steps that fail stop only what depends on them; the report says what was done, what
  /// failed and why, and what was skipped. An apply that was interrupted is finished by this one.
  public func apply(
    _ desired: [Resource], options: ApplyOptions = ApplyOptions(),
    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await locked(command: "apply", options: options, progress: progress) { () async throws(EngineError) -> Plan in
      try await plan(desired)
    }
  }

  /// Deletes everything that exists, in reverse dependency order.
  public func destroy(
    options: ApplyOptions = ApplyOptions(), progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await locked(command: "destroy", options: options, progress: progress) { () async throws(EngineError) -> Plan in
      Planner.destroy(observed: try await observe(), provider: provider.name)
    }
  }

  /// Runs the checks one after another, in order. A provider that fails to run a check makes it fail.
  public func verify(_ checks: [Check]) async -> [CheckResult] {
    var results: [CheckResult] = []
    for check in checks {
      do {
        results.append(CheckResult(check: check, outcome: try await provider.check(check)))
      } catch {
        results.append(CheckResult(check: check, outcome: .failed(reason: String(describing: error))))
      }
    }
    return results
  }

  private func locked(
    command: String, options: ApplyOptions, progress: @escaping @Sendable (ApplyEvent) -> Void,
    makePlan: () async throws(EngineError) -> Plan
  ) async throws(EngineError) -> ApplyReport {
    try Self.prepare(stateDirectory)
    let lock = try await StateLock.acquire(directory: stateDirectory, command: command, timeout: options.lockTimeout)
    defer { lock.release() }
    let interrupted = Journal.interrupted(in: stateDirectory)
    let plan = try await makePlan()
    let graph: ApplyGraph
    do throws(PlanError) { graph = try ApplyGraph(plan) } catch { throw .plan(error) }
    let journal = try Journal(directory: stateDirectory)
    journal.append(JournalEntry(event: .begin, pid: getpid(), command: command, steps: graph.steps.count))
    try journal.sync()
    if let interrupted { progress(.resuming(interrupted, by: command)) }
    progress(.began(plan: plan, steps: graph.steps.count))
    let executor = ApplyExecutor(
      graph: graph, provider: provider, parallelism: options.parallelism, journal: journal, events: progress)
    let (outcomes, elapsed, cancelled) = try await executor.run()
    journal.append(JournalEntry(event: .end))
    try journal.sync()
    return ApplyReport(
      plan: plan, graph: graph, outcomes: outcomes, elapsed: elapsed, resumed: interrupted, cancelled: cancelled,
      command: command)
  }

  private func observe() async throws(EngineError) -> [ObservedResource] {
    do {
      return try await provider.observe()
    } catch {
      throw .observe(String(describing: error))
    }
  }
}
