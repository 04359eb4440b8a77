import ArgumentParser
import Foundation
import Steeple

struct ApplyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "apply",
    abstract: "Make what exists match the script.",
    discussion: """
      Plans as 'steeple plan' does and prints the plan, then carries it out: independent actions \
      in parallel (at most --parallelism at once), in dependency order. On a terminal, a line per \
      running action with its elapsed time and a bar for the whole; otherwise one timestamped line \
      per event. A failed action stops only what depends on it.

      Every action is journaled in the state directory before and after it runs, so an apply that \
      is killed can be run again: it finishes the work, with nothing done twice. Only one apply \
      runs on a state at a time; another fails at once saying who holds the lock, or waits with \
      --lock-timeout.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to apply; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: ChangeOptions
  @OptionGroup var evaluation: EvaluationOptions

  func run() throws {
    Applying.surviveClosedPipes()
    let deployment = try ScriptLoader.load(file, options: evaluation, state: options.state, quiet: options.json)
    let report = try Applying.run(
      json: options.json, options: options.applying.applyOptions, reported: { evaluation.reporter.report(script: $0, of: deployment) }
    ) { options, progress in
      try await deployment.apply(options: options, progress: progress)
    }
    evaluation.reporter.report(deployment.diagnostics(for: report))
    if !report.succeeded { throw ExitCode(1) }
  }
}

/// What apply, destroy and run share: print the plan, show progress, print the outcome.
enum Applying {
  /// A reader that goes away (`steeple apply | head`) must not kill an apply half way with
  /// SIGPIPE: writes to it fail instead, and the work goes on to the end (then exits 1).
  static func surviveClosedPipes() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// `waiting` runs the async work to its end on this thread: `runBlocking` (Ctrl-C cancels it)
  /// unless the caller handles interrupts itself, as the REPL does.
  static func run(
    json: Bool, options: ApplyOptions, reported: (EngineError) -> Bool = { _ in false },
    waiting: (@escaping @Sendable () async throws -> ApplyReport) throws -> ApplyReport = { try runBlocking($0) },
    _ body: @escaping @Sendable (ApplyOptions, @escaping @Sendable (ApplyEvent) -> Void) async throws -> ApplyReport
  ) throws -> ApplyReport {
    let progress = TerminalProgress(toStandardError: json)
    let report: ApplyReport
    do {
      report = try waiting {
        try await body(options) { event in
          if case .began(let plan, _) = event {
            // A failed write is reported by the write of the report below.
            if !json && !plan.isEmpty { try? writeOutput(PlanRenderer.text(plan) + "\n") }
            if !plan.isEmpty { progress.startTicking() }
          }
          if case .began(let plan, _) = event, plan.isEmpty { return }
          progress.handle(event)
        }
      }
    } catch let error as EngineError {
      progress.stop()
      if reported(error) { throw ExitCode(1) }
      throw fail(error)
    }
    if !report.outcomes.isEmpty { progress.stop() }
    try writeOutput(json ? ApplyReportRenderer.json(report) : ApplyReportRenderer.text(report))
    if report.cancelled {
      writeError("  = help: run 'steeple \(report.command)' again to finish; what was done is kept\n")
    }
    return report
  }
}
