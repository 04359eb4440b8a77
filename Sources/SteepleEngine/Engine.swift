import Foundation
import SteepleModel

/// How an apply or a destroy runs.
public struct ApplyOptions: Hashable, Sendable {
  /// The most provider calls at once.
  public var parallelism: Int
  /// How long to wait for another apply's lock on the state; zero fails at once.
  public var lockTimeout: Duration
  /// The script being applied: recorded in the state, and an apply of another script to a state
  /// that holds resources is refused (`EngineError.otherScript`) unless `force`. `nil` records
  /// nothing and checks nothing.
  public var script: ScriptRecord?
  /// Apply `script` even to a state that another script's resources are in.
  public var force: Bool

  public init(parallelism: Int = 10, lockTimeout: Duration = .zero, script: ScriptRecord? = nil, force: Bool = false) {
    self.parallelism = max(1, parallelism)
    self.lockTimeout = lockTimeout
    self.script = script
    self.force = force
  }
}

/// A check after apply and how it came out.
public struct CheckResult: Hashable, Sendable {
  public var check: Check
  public var outcome: CheckOutcome
  /// How long the provider took to run it, for reports (`run --json`); `nil` when not measured.
  public var duration: Duration?

  public init(check: Check, outcome: CheckOutcome, duration: Duration? = nil) {
    self.check = check
    self.outcome = outcome
    self.duration = duration
  }
}

/// Plans and applies resources against one provider and one state directory.
///
/// The state directory holds the ledger of what Steeple manages (the engine's, whatever the
/// provider), the provider's own state, the journal of the latest apply and the lock. `plan` and `state` only read; `apply` and `destroy` take the lock for their whole run, so
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

  /// Makes `directory` (and its parents) when missing, readable by its owner only, and refuses
  /// one that others could read or change (`StateDirectory`).
  public static func prepare(_ directory: String) throws(EngineError) {
    try StateDirectory.prepare(directory)
  }

  /// The script the state records as its own, if it records one.
  public var recordedScript: ScriptRecord? { try? ScriptRecord.read(in: stateDirectory) }

  /// The script the state belongs to when it is not `script` and the state holds resources: what
  /// an apply of `script` refuses without `force`.
  public func conflict(with script: ScriptRecord) async throws(EngineError) -> ScriptRecord? {
    guard let recorded = recordedScript, !recorded.isSameScript(script) else { return nil }
    return try await current().resources.isEmpty ? nil : recorded
  }

  /// Everything that exists, sorted by placement and address: the ledger, refreshed by the provider.
  public func state() async throws(EngineError) -> [ObservedResource] {
    try await current().resources.sorted { ($0.placement, $0.address) < ($1.placement, $1.address) }
  }

  /// What an apply of `desired` would do now.
  public func plan(_ desired: [Resource]) async throws(EngineError) -> Plan {
    try plan(desired, against: try await current().resources)
  }

  /// The files the provider would write for an apply of `desired` (CloudFormation, manifests),
  /// made from the plan without applying it; none when the provider only applies.
  public func render(_ desired: [Resource]) async throws(EngineError) -> [Artifact] {
    let plan = try await plan(desired)
    do {
      return try await provider.render(plan)
    } catch let error as ProviderError {
      throw .provider(error)
    } catch {
      throw .provider(ProviderError(code: "RenderFailed", message: String(describing: error)))
    }
  }

  private func plan(_ desired: [Resource], against observed: [ObservedResource]) throws(EngineError) -> Plan {
    let supported = provider.resourceTypes
    if let unsupported = desired.first(where: { !supported.contains($0.address.type) }) {
      throw .plan(
        .unsupportedType(
          unsupported.address, origin: unsupported.origin, provider: provider.name, supported: supported.sorted()))
    }
    do throws(PlanError) {
      return try Planner.plan(desired: desired, observed: observed, provider: provider.name)
    } catch {
      throw .plan(error)
    }
  }

  /// What `destroy` would do now: delete everything that exists.
  public func destroyPlan() async throws(EngineError) -> Plan {
    Planner.destroy(observed: try await current().resources, provider: provider.name)
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
  /// With `approved`, the plan someone agreed to, an apply whose plan now has an action that one
  /// did not does nothing and throws `EngineError.planChanged`.
  public func apply(
    _ desired: [Resource], options: ApplyOptions = ApplyOptions(), approved: Plan? = nil,
    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await locked(command: "apply", options: options, approved: approved, progress: progress) {
      (observed: [ObservedResource]) throws(EngineError) -> Plan in
      try plan(desired, against: observed)
    }
  }

  /// Deletes everything that exists, in reverse dependency order; with `approved`, only if that
  /// is still the plan.
  public func destroy(
    options: ApplyOptions = ApplyOptions(), approved: Plan? = nil,
    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await locked(command: "destroy", options: options, approved: approved, progress: progress) {
      (observed: [ObservedResource]) throws(EngineError) -> Plan in
      Planner.destroy(observed: observed, provider: provider.name)
    }
  }

  /// Runs the checks one after another, in order, in one session of the provider (which may share
  /// work between them). A check the provider fails to run fails, with the provider's error; so does
  /// every check when the session cannot start. A session that fails to close fails no check: its
  /// error is noted on the last result.
  public func verify(_ checks: [Check]) async -> [CheckResult] {
    guard !checks.isEmpty else { return [] }
    let clock = ContinuousClock()
    let session: any CheckSession
    do {
      session = try await provider.checkSession()
    } catch {
      return checks.map { CheckResult(check: $0, outcome: .failed(reason: String(describing: error)), duration: .zero) }
    }
    var results: [CheckResult] = []
    for check in checks {
      let start = clock.now
      let outcome: CheckOutcome
      do {
        outcome = try await session.check(check)
      } catch {
        outcome = .failed(reason: String(describing: error))
      }
      results.append(CheckResult(check: check, outcome: outcome, duration: clock.now - start))
    }
    do {
      try await session.close()
    } catch {
      let note = "\nthen closing the checks failed: \(error)"
      switch results[results.count - 1].outcome {
      case .passed(let detail): results[results.count - 1].outcome = .passed(detail: detail + note)
      case .failed(let reason): results[results.count - 1].outcome = .failed(reason: reason + note)
      case .unsupported(let reason): results[results.count - 1].outcome = .unsupported(reason: reason + note)
      }
    }
    return results
  }

  private func locked(
    command: String, options: ApplyOptions, approved: Plan?, progress: @escaping @Sendable (ApplyEvent) -> Void,
    makePlan: ([ObservedResource]) throws(EngineError) -> Plan
  ) async throws(EngineError) -> ApplyReport {
    try Self.prepare(stateDirectory)
    let lock = try await StateLock.acquire(directory: stateDirectory, command: command, timeout: options.lockTimeout) {
      progress(.waitingForLock(held: $0))
    }
    defer { lock.release() }
    let interrupted = Journal.interrupted(in: stateDirectory)
    let current = try await current()
    let observed = current.resources
    let plan = try makePlan(observed)
    // Less to do than was agreed (another apply did some of it meanwhile) is still agreed to.
    if let approved, !plan.actions.allSatisfy(approved.actions.contains) { throw .planChanged }
    let graph: ApplyGraph
    do throws(PlanError) { graph = try ApplyGraph(plan) } catch { throw .plan(error) }
    if command == "apply", let script = options.script {
      let recorded = try ScriptRecord.read(in: stateDirectory)
      if let recorded, !recorded.isSameScript(script), !options.force, !observed.isEmpty {
        throw .otherScript(recorded: recorded, applying: script)
      }
      if recorded != script { try script.save(in: stateDirectory) }
    }
    // The ledger takes what the refresh found: how the unsettled steps came out, what vanished, and
    // outputs that changed; a state an older Steeple wrote is taken over here.
    let ledger = try Ledger(directory: stateDirectory, contents: current.ledger)
    for resource in current.resources
    where current.ledger.resources[resource.address] != resource
      || current.ledger.unsettled.index(forKey: resource.address) != nil
    {
      ledger.record(resource)
    }
    let refreshed = Set(current.resources.map(\.address))
    for address in current.ledger.resources.keys where !refreshed.contains(address) { ledger.recordRemoved(address) }
    for address in current.ledger.unsettled.keys where !refreshed.contains(address) { ledger.recordRemoved(address) }
    try ledger.sync()
    // Nothing to do and nothing to finish: no journal, so the last real apply's stays.
    if plan.isEmpty && interrupted == nil {
      progress(.began(plan: plan, steps: 0))
      return ApplyReport(
        plan: plan, graph: graph, outcomes: [], elapsed: .zero, resumed: nil, cancelled: false, command: command)
    }
    let journal = try Journal(directory: stateDirectory)
    journal.append(JournalEntry(event: .begin, pid: getpid(), command: command, steps: graph.steps.count))
    try journal.sync()
    if let interrupted { progress(.resuming(interrupted, by: command)) }
    progress(.began(plan: plan, steps: graph.steps.count))
    var outputs: [ResourceAddress: [ModelField]] = [:]
    outputs.reserveCapacity(current.resources.count)
    for resource in current.resources { outputs[resource.address] = resource.outputs }
    let executor = ApplyExecutor(
      graph: graph, provider: provider, parallelism: options.parallelism, journal: journal, ledger: ledger,
      outputs: outputs, events: progress)
    let (outcomes, elapsed, cancelled) = try await executor.run()
    journal.append(JournalEntry(event: .end))
    try journal.sync()
    return ApplyReport(
      plan: plan, graph: graph, outcomes: outcomes, elapsed: elapsed, resumed: interrupted, cancelled: cancelled,
      command: command)
  }

  /// The ledger (or, for a state an older Steeple wrote, what the provider had), refreshed by the
  /// provider: what exists now.
  private func current() async throws(EngineError) -> (resources: [ObservedResource], ledger: LedgerContents) {
    do {
      var ledger: LedgerContents
      if let read = try Ledger.read(directory: stateDirectory) {
        ledger = read
      } else {
        ledger = LedgerContents()
        for resource in try await provider.adoptableResources() { ledger.resources[resource.address] = resource }
      }
      let resources = try await provider.refresh(ledger.toRefresh, unsettled: Set(ledger.unsettled.keys))
      return (resources, ledger)
    } catch let error as EngineError {
      throw error
    } catch {
      throw .observe(String(describing: error))
    }
  }
}
