import Dispatch
import Foundation
import Steeple
import SteepleLocal

/// The REPL's `:plan`, `:apply`, `:destroy`, `:verify` and `:state`, through the engine and the
/// local provider, on the session's topology as it is when the command runs: what
/// `steeple plan`, `apply`, `destroy`, `run` (its checks) and `state` do for a file.
///
/// The provider is opened on the first command, so a session that never deploys makes no state
/// directory. Each command builds a `Deployment` of the topology at that moment. A state directory
/// moved, removed or replaced under the session is noticed before the next command and reported;
/// nothing more is written to the old one, and the command after opens what the path names then.
final class EngineActions: ReplActions {
  let stateDirectory: String
  let timeScale: Double
  let applyOptions: ApplyOptions
  let reporter: DiagnosticReporter
  private var provider: (any Provider)?
  /// What the state directory and its database were when the provider opened them.
  private var opened: [FileIdentity?] = []

  init(stateDirectory: String, timeScale: Double, applyOptions: ApplyOptions, reporter: DiagnosticReporter) {
    self.stateDirectory = stateDirectory
    self.timeScale = timeScale
    self.applyOptions = applyOptions
    self.reporter = reporter
  }

  private func openedProvider() throws -> any Provider {
    if let provider {
      guard currentIdentities() == opened else {
        self.provider = nil
        throw fail(.stateMoved(stateDirectory))
      }
      return provider
    }
    do {
      let made = try ScriptLoader.openProvider(directory: stateDirectory, timeScale: timeScale)
      provider = made
      opened = currentIdentities()
      return made
    } catch {
      throw fail(error)
    }
  }

  private func currentIdentities() -> [FileIdentity?] {
    [StateDirectory.identity(stateDirectory), StateDirectory.identity(stateDirectory + "/" + LocalCloud.databaseFileName)]
  }

  /// The session's topology deployed into the state; a topology that fails the model's checks
  /// has its errors reported and is not deployed, as a script with errors is not.
  private func deployment(_ session: Session) throws -> Deployment {
    let errors = session.topology.check().filter { $0.severity == .error }
    guard errors.isEmpty else {
      reporter.report(errors)
      throw ReplActionUnavailable(message: "the topology has errors: declare the faulty declarations again to fix them")
    }
    return try Deployment(topology: session.topology, provider: try openedProvider(), stateDirectory: stateDirectory)
  }

  private func noteInterruptedApply(_ engine: Engine) {
    if let interrupted = engine.interruptedApply { writeError(interruptedNote(interrupted)) }
  }

  func plan(_ session: Session) throws -> String {
    let deployment = try deployment(session)
    let plan = try Self.wait { try await deployment.plan() }
    noteInterruptedApply(deployment.engine)
    return PlanRenderer.text(plan, sections: deployment.sections(for: plan), colors: reporter.color.colors(on: STDOUT_FILENO))
  }

  func apply(_ session: Session, cancelled: @escaping @Sendable () -> Bool) throws -> String {
    let deployment = try deployment(session)
    return try carryOut(cancelled: cancelled, sections: deployment.sections(for:)) { options, progress in
      try await deployment.apply(options: options, progress: progress)
    }
  }

  func destroy(_ session: Session, cancelled: @escaping @Sendable () -> Bool) throws -> String {
    // Destroying needs no topology: everything in the state goes.
    let deployment = try Deployment(resources: [], provider: try openedProvider(), stateDirectory: stateDirectory)
    return try carryOut(cancelled: cancelled, sections: deployment.sections(for:)) { options, progress in
      try await deployment.destroy(options: options, progress: progress)
    }
  }

  /// Prints the plan, the progress and the outcome as `steeple apply` does; the text is empty.
  private func carryOut(
    cancelled: @escaping @Sendable () -> Bool, sections: @escaping @Sendable (Plan) -> [any PlanSection],
    _ body: @escaping @Sendable (ApplyOptions, @escaping @Sendable (ApplyEvent) -> Void) async throws -> ApplyReport
  ) throws -> String {
    _ = try Applying.run(
      json: false, options: applyOptions, sections: sections, color: reporter.color, rerun: { ":\($0)" },
      waiting: { work in try Self.wait(cancelled: cancelled, work) }, body)
    return ""
  }

  func verify(_ session: Session) throws -> String {
    let deployment = try deployment(session)
    guard !deployment.checks.isEmpty else { return "no verify declarations yet" }
    return CheckReportRenderer.text(try Self.wait { await deployment.verify() })
  }

  func state(_ session: Session) throws -> String {
    let engine = try Engine(provider: try openedProvider(), stateDirectory: stateDirectory)
    let resources = try Self.wait { try await engine.state() }
    noteInterruptedApply(engine)
    return StateRenderer.text(resources)
  }

  /// Runs `work` to its end on this thread. Unlike `runBlocking` it leaves SIGINT to the REPL,
  /// which turns Ctrl-C into `cancelled()`: then the task is cancelled once (running steps end,
  /// the rest are skipped) and this waits for it to wind down.
  static func wait<T: Sendable>(
    cancelled: @escaping @Sendable () -> Bool = { false }, _ work: @escaping @Sendable () async throws -> T
  ) throws -> T {
    try runBlocking(work) { task, done in
      var cancelling = false
      while done.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
        if !cancelling, cancelled() {
          cancelling = true
          writeError("\ninterrupted: letting the running steps finish\n")
          task.cancel()
        }
      }
    }
  }
}
