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

      Before it changes anything it shows the plan and, on a terminal, asks: only 'yes' goes on. \
      --auto-approve goes on without asking, and is needed when standard input is not a terminal \
      (scripts, CI). The state records the script applied to it; applying another script to a state \
      that holds resources is refused, with the plan it would carry out, unless --force.

      With --provider aws, the script's rendering (CloudFormation, manifests, SPIRE configs) is \
      written into the state directory's aws folder and applied to your accounts with the aws CLI \
      and kubectl, each account through its declared profile after a preflight that refuses a \
      profile of another account. --print-commands prints those commands as a bash script \
      instead of running them.

      Exit status: 0 when every action was done, 1 when one failed or on any other error, 2 on a \
      usage error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to apply; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: ChangeOptions
  @OptionGroup var ownership: OwnershipOptions
  @OptionGroup var evaluation: EvaluationOptions

  func run() throws {
    Applying.surviveClosedPipes()
    let deployment = try ScriptLoader.load(
      file, options: evaluation, state: options.state, timing: options.timing, quiet: options.json,
      creating: !options.provider.printCommands, provider: options.provider.printCommands ? .local : options.provider.provider)
    if options.provider.printCommands {
      return try AWSDriving.printCommands(
        "apply", file: file, deployment: deployment, state: options.state.directory(for: file))
    }
    let applyOptions = ownership.applyOptions(options.applying, script: file)
    let approval = try Applying.approvedPlan(
      command: "apply", json: options.json, autoApprove: options.approval.autoApprove, deployment: deployment,
      script: applyOptions.force ? nil : applyOptions.script, color: evaluation.color) { try await deployment.plan() }
    let report = try Applying.run(
      json: options.json, options: applyOptions, planShown: approval.shown, sections: deployment.sections(for:),
      color: evaluation.color,
      reported: { evaluation.reporter.report(script: $0, of: deployment) }
    ) {
      options, progress in
      try await deployment.apply(options: options, approved: approval.approved, progress: progress)
    }
    evaluation.reporter.report(deployment.diagnostics(for: report))
    if !report.succeeded { throw ExitCode(1) }
  }
}

/// Whether `apply` and `run` may act on a state that another script's resources are in.
struct OwnershipOptions: ParsableArguments {
  @Flag(
    name: .customLong("force"),
    help: "Apply even to a state that holds what another script made (the plan shows what that changes).")
  var force = false

  /// `applying`'s options, recording `script` in the state.
  func applyOptions(_ applying: ApplyingOptions, script: String) -> ApplyOptions {
    var options = applying.applyOptions
    options.script = ScriptRecord(file: script)
    options.force = force
    return options
  }
}

/// What apply, destroy and run share: ask before changing, print the plan, show progress, print
/// the outcome.
enum Applying {
  /// Shows the plan (on standard error with `json`) and has it agreed to: on a terminal the user
  /// types 'yes'; `autoApprove` agrees without asking; without a terminal and without it, nothing
  /// is changed and the command fails saying so. A plan with nothing to do needs no agreement.
  /// With `script`, a state that holds another script's resources is refused after the plan is
  /// shown. Returns whether the plan was shown, and the plan the user agreed to (for the engine
  /// to hold the apply to). The plan's sections (who may talk to whom) follow its actions, coloured
  /// as `color` says for where they go.
  static func approvedPlan(
    command: String, json: Bool, autoApprove: Bool, deployment: Deployment, script: ScriptRecord?, color: ColorChoice = .auto,
    plan makePlan: @escaping @Sendable () async throws -> Plan
  ) throws -> (shown: Bool, approved: Plan?) {
    let engine = deployment.engine
    let (plan, conflict): (Plan, ScriptRecord?)
    do {
      (plan, conflict) = try runBlocking {
        let plan = try await makePlan()
        guard let script, !plan.isEmpty else { return (plan, nil) }
        return (plan, try await engine.conflict(with: script))
      }
    } catch let error as EngineError {
      throw fail(error)
    }
    guard !plan.isEmpty else { return (false, nil) }
    let show: (String) throws -> Void = json ? { writeError($0) } : { try writeOutput($0) }
    let colors = color.colors(on: json ? STDERR_FILENO : STDOUT_FILENO)
    try show(PlanRenderer.text(plan, sections: deployment.sections(for: plan), colors: colors) + "\n")
    if let conflict, let script { throw fail(.otherScript(recorded: conflict, applying: script)) }
    if autoApprove { return (true, nil) }
    guard isatty(STDIN_FILENO) == 1 else {
      writeError(
        "steeple: error: \(command) asks before it changes anything, and standard input is not a terminal to answer on\n"
          + "   = help: pass --auto-approve to \(command) without asking (as scripts and CI do), or run it on a terminal\n")
      throw ExitCode(1)
    }
    try show("Do you want to \(command) these changes? Only 'yes' goes on: ")
    guard readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) == "yes" else {
      writeError("steeple: \(command) cancelled: nothing was changed\n")
      throw ExitCode(1)
    }
    return (true, plan)
  }

  /// A reader that goes away (`steeple apply | head`) must not kill an apply half way with
  /// SIGPIPE: writes to it fail instead, and the work goes on to the end (then exits 1).
  static func surviveClosedPipes() {
    signal(SIGPIPE, SIG_IGN)
  }

  /// `waiting` runs the async work to its end on this thread: `runBlocking` (Ctrl-C cancels it)
  /// unless the caller handles interrupts itself, as the REPL does. `rerun` spells how to run the
  /// command again (`steeple apply` on the command line, `:apply` in the REPL). A plan shown here
  /// has its `sections` after its actions. Without `printReport` the caller prints the report itself
  /// (`run --json` puts it in one document with the checks).
  static func run(
    json: Bool, options: ApplyOptions, planShown: Bool = false,
    sections: @escaping @Sendable (Plan) -> [any PlanSection] = { _ in [] }, color: ColorChoice = .auto,
    rerun: (String) -> String = { "steeple \($0)" }, printReport: Bool = true,
    reported: (EngineError) -> Bool = { _ in false },
    waiting: (@escaping @Sendable () async throws -> ApplyReport) throws -> ApplyReport = { try runBlocking($0) },
    _ body: @escaping @Sendable (ApplyOptions, @escaping @Sendable (ApplyEvent) -> Void) async throws -> ApplyReport
  ) throws -> ApplyReport {
    let progress = TerminalProgress(toStandardError: json)
    let colors = color.colors(on: STDOUT_FILENO)
    let report: ApplyReport
    do {
      report = try waiting {
        try await body(options) { event in
          if case .began(let plan, _) = event {
            // A failed write is reported by the write of the report below.
            if !json && !plan.isEmpty && !planShown {
              try? writeOutput(PlanRenderer.text(plan, sections: sections(plan), colors: colors) + "\n")
            }
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
    if printReport { try writeOutput(json ? ApplyReportRenderer.json(report) : ApplyReportRenderer.text(report)) }
    if report.cancelled {
      writeError("  = help: run '\(rerun(report.command))' again to finish; what was done is kept\n")
    }
    return report
  }
}
