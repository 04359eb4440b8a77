import Foundation
import SteepleModel
import Synchronization

/// Runs an apply graph against a provider: independent steps in parallel, each journaled and
/// recorded in the ledger.
///
/// One task schedules: it writes the intents of the steps it is about to start (to the journal and
/// the ledger), syncs both, then starts them as child tasks of a discarding task group (so finished ones are freed at once), at most `parallelism` at a time. It takes every step that has
/// ended since it last looked, journals their outcomes together with the intents of the steps that
/// can start now, and syncs once for all of them (a group commit: one fsync of each file per round,
/// not per step, the two at once: `DurableRound`). When a step fails every step that needs it (directly or not) is skipped while everything
/// else carries on. Cancelling the task stops new steps from starting; the provider calls in flight
/// run to their end, and what had not started is skipped as cancelled.
struct ApplyExecutor {
  let graph: ApplyGraph
  let provider: any Provider
  let parallelism: Int
  let journal: Journal?
  /// Where each step's intent and outcome are recorded; `nil` in tests of scheduling alone.
  let ledger: Ledger?
  /// The outputs of every resource that exists, by address: what a step's provider call is given
  /// of the resources it depends on. Steps that finish add theirs.
  var outputs: [ResourceAddress: [ModelField]] = [:]
  let events: @Sendable (ApplyEvent) -> Void

  struct Finished: Sendable {
    var id: Int
    var result: Result<ObservedResource?, ProviderError>
    var started: Date
    var duration: Duration
  }

  func run() async throws(EngineError) -> (outcomes: [StepOutcome], elapsed: Duration, cancelled: Bool) {
    let steps = graph.steps
    var outcomes: [StepOutcome?] = Array(repeating: nil, count: steps.count)
    var waitingOn = steps.map(\.dependencies.count)
    var ready: [Int] = steps.indices.filter { waitingOn[$0] == 0 }
    var nextReady = 0
    var running = 0
    var journalError: EngineError?
    let clock = ContinuousClock()
    let start = clock.now
    let provider = self.provider
    var outputs = self.outputs

    func record(_ outcome: StepOutcome) {
      outcomes[outcome.step.id] = outcome
      let entry: JournalEntry
      switch outcome.status {
      case .done: entry = JournalEntry(event: .done, step: outcome.step.id, address: outcome.step.address.description)
      case .failed(let why):
        entry = JournalEntry(
          event: .failed, step: outcome.step.id, address: outcome.step.address.description, error: why.description)
      case .skipped(let why):
        entry = JournalEntry(event: .skipped, step: outcome.step.id, address: outcome.step.address.description, error: why)
      }
      journal?.append(entry)
      events(.finished(outcome))
    }

    /// Skips everything downstream of a step that did not finish.
    func skipDependents(of id: Int, because reason: String) {
      var stack = graph.dependents[id]
      while let next = stack.popLast() {
        guard outcomes[next] == nil else { continue }
        record(StepOutcome(step: steps[next], status: .skipped(reason)))
        stack += graph.dependents[next]
      }
    }

    let completions = Completions()
    await withDiscardingTaskGroup { group in
      func launch() async {
        var batch: [Int] = []
        while running + batch.count < parallelism, nextReady < ready.count, journalError == nil, !Task.isCancelled {
          let id = ready[nextReady]
          nextReady += 1
          guard outcomes[id] == nil else { continue }
          batch.append(id)
          let step = steps[id]
          journal?.append(JournalEntry(event: .intent, step: id, action: step.action))
          ledger?.intend(step.action)
        }
        // One sync makes this round's outcomes and intents durable before any new call starts. A
        // round that starts nothing waits for the next: an outcome lost to a crash only makes its
        // step look in flight, and the next plan, made from what exists, settles it.
        guard !batch.isEmpty else { return }
        do throws(EngineError) {
          try await DurableRound.flush(try DurableRound.write(journal, ledger))
        } catch {
          journalError = journalError ?? error
        }
        guard journalError == nil else { return }
        for id in batch {
          let action = steps[id].action
          let inputs = Self.inputs(of: action, from: outputs)
          let started = Date()
          events(.started(steps[id], at: started))
          running += 1
          group.addTask {
            let begin = ContinuousClock.now
            let result: Result<ObservedResource?, ProviderError>
            // A call that has started runs to its end even when the apply is cancelled: the
            // provider's work is not left half done, and the outcome is journaled.
            let call = Task { try await provider.apply(action, inputs: inputs) }
            do {
              result = .success(try await call.value)
            } catch var error as ProviderError {
              if error.address == nil { error.address = action.address }
              result = .failure(error)
            } catch {
              result = .failure(
                ProviderError(
                  code: error is CancellationError ? "RequestCanceled" : "ProviderFailed",
                  message: error is CancellationError ? "the apply was cancelled during the call" : String(describing: error),
                  address: action.address))
            }
            completions.deliver(Finished(id: id, result: result, started: started, duration: ContinuousClock.now - begin))
          }
        }
      }

      await launch()
      while running > 0 {
        for finished in await completions.next() {
          running -= 1
          let step = steps[finished.id]
          switch finished.result {
          case .success(let returned):
            // The ledger keeps the resource as the engine asked for it, with what the provider assigned.
            var result: ObservedResource?
            switch step.action {
            case .create(let resource), .update(let resource, _):
              let applied = ObservedResource(resource, outputs: returned?.outputs ?? [])
              ledger?.record(applied)
              outputs[resource.address] = applied.outputs
              result = applied
            case .delete(let observed):
              ledger?.recordRemoved(observed.address)
              outputs[observed.address] = nil
            }
            record(StepOutcome(step: step, status: .done, started: finished.started, duration: finished.duration, result: result))
            for dependent in graph.dependents[finished.id] {
              waitingOn[dependent] -= 1
              if waitingOn[dependent] == 0 && outcomes[dependent] == nil { ready.append(dependent) }
            }
          case .failure(let failure):
            record(StepOutcome(step: step, status: .failed(failure), started: finished.started, duration: finished.duration))
            skipDependents(of: finished.id, because: "needs \(step.address), which failed")
          }
        }
        await launch()
      }
    }
    let reason = journalError.map { "the journal could not be written: \($0)" } ?? "cancelled"
    for step in steps where outcomes[step.id] == nil {
      record(StepOutcome(step: step, status: .skipped(reason)))
    }
    do throws(EngineError) {
      try DurableRound.sync(journal, ledger)
    } catch {
      journalError = journalError ?? error
    }
    if let journalError { throw journalError }
    return (outcomes.map { $0! }, clock.now - start, Task.isCancelled)
  }
}

extension ApplyExecutor {
  /// The outputs of what the action's resource depends on, by address, as a provider call gets them.
  static func inputs(of action: Action, from outputs: [ResourceAddress: [ModelField]]) -> [ResourceAddress: [ModelField]] {
    let dependencies: Set<ResourceAddress>
    switch action {
    case .create(let resource), .update(let resource, _): dependencies = resource.dependencies
    case .delete(let observed): dependencies = observed.dependencies
    }
    var inputs: [ResourceAddress: [ModelField]] = [:]
    for dependency in dependencies {
      if let found = outputs[dependency] { inputs[dependency] = found }
    }
    return inputs
  }
}

/// Where child tasks leave their results for the scheduler, which takes all that are there at once.
final class Completions: Sendable {
  private struct State {
    var ready: [ApplyExecutor.Finished] = []
    var waiter: CheckedContinuation<[ApplyExecutor.Finished], Never>?
  }

  private let state = Mutex(State())

  func deliver(_ finished: ApplyExecutor.Finished) {
    let waiter = state.withLock { state -> CheckedContinuation<[ApplyExecutor.Finished], Never>? in
      guard let waiter = state.waiter else {
        state.ready.append(finished)
        return nil
      }
      state.waiter = nil
      return waiter
    }
    waiter?.resume(returning: [finished])
  }

  /// Every result delivered since the last call, waiting for one when there are none.
  func next() async -> [ApplyExecutor.Finished] {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { state -> [ApplyExecutor.Finished]? in
        guard !state.ready.isEmpty else {
          state.waiter = continuation
          return nil
        }
        defer { state.ready.removeAll() }
        return state.ready
      }
      if let ready { continuation.resume(returning: ready) }
    }
  }
}
