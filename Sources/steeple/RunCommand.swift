import ArgumentParser
import Foundation
import Steeple

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Check, plan and apply a script, then run its verify checks.",
    discussion: """
      The whole job in one: evaluates the script (what it prints goes to standard output) and \
      checks its topology, prints the plan, applies it as 'steeple apply' does, then runs the \
      script's verify checks against what exists. A failed action stops only what depends on it. \
      The summary says what was done, what failed and why, what was skipped, and how each check \
      came out. A failed check is also reported on standard error at its verify statement. A check \
      the provider cannot run yet says "not yet supported" and fails the run, since nothing was \
      verified, unless --allow-unsupported-checks is given. To evaluate without touching any \
      state, use 'steeple eval'.

      Before it changes anything it shows the plan and asks, as 'steeple apply' does \
      (--auto-approve skips that, and is needed without a terminal); --force applies to a state \
      that holds another script's resources.

      With --provider aws it applies to your accounts as 'steeple apply --provider aws' does, and \
      the checks run through kubectl exec into the SPIRE server (attested: agent list; svid: entry \
      show); the mesh's checks are not yet supported there. --print-commands prints the apply's \
      commands instead.

      With --json, standard output holds one JSON document (the apply's report and each check's \
      outcome, with the file:line of its verify statement) for tools, and everything else goes to \
      standard error.

      Exit status: 0 when every action was done and every check passed (or, with \
      --allow-unsupported-checks, could not run), 1 otherwise, 2 on a usage error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to run; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: EvaluationOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var timing: TimingOptions
  @OptionGroup var applying: ApplyingOptions
  @OptionGroup var approval: ApprovalOptions
  @OptionGroup var ownership: OwnershipOptions
  @OptionGroup var provider: ProviderOptions

  @Flag(
    name: .customLong("json"),
    help: ArgumentHelp(
      "Print one JSON document, {\"succeeded\", \"apply\", \"checks\", \"timings\"}, on standard output; the plan, progress and what the script prints go to standard error."))
  var json = false

  @Flag(
    name: .customLong("allow-unsupported-checks"),
    help: "Succeed even when the provider cannot run some verify checks (they are listed as not yet supported).")
  var allowUnsupportedChecks = false

  func run() throws {
    Applying.surviveClosedPipes()
    let clock = ContinuousClock()
    let started = clock.now
    let deployment = try ScriptLoader.load(
      file, options: options, state: state, timing: timing, quiet: json, creating: !provider.printCommands,
      provider: provider.printCommands ? .local : provider.provider)
    if provider.printCommands {
      return try AWSDriving.printCommands("apply", file: file, deployment: deployment, state: state.directory(for: file))
    }
    let loaded = clock.now
    let applyOptions = ownership.applyOptions(applying, script: file)
    let approved = try Applying.approvedPlan(
      command: "run", json: json, autoApprove: approval.autoApprove, deployment: deployment,
      script: applyOptions.force ? nil : applyOptions.script, color: options.color) { try await deployment.plan() }
    let planned = clock.now
    let report = try Applying.run(
      json: json, options: applyOptions, planShown: approved.shown, sections: deployment.sections(for:), color: options.color,
      printReport: !json, reported: { options.reporter.report(script: $0, of: deployment) }
    ) { options, progress in
      try await deployment.apply(options: options, approved: approved.approved, progress: progress)
    }
    options.reporter.report(deployment.diagnostics(for: report))
    let applied = clock.now
    let results = try runBlocking { await deployment.verify() }
    let verified = clock.now
    let checkErrors = deployment.diagnostics(for: results, unsupportedFail: !allowUnsupportedChecks)
    let succeeded = report.succeeded && checkErrors.isEmpty
    if json {
      let checks = CheckReportRenderer.json(results) { check in
        check.origin.flatMap { deployment.topology?[$0]?.range.description }
      }
      let seconds = { (duration: Duration) in JSONValue.number(ApplyReportRenderer.seconds(duration)) }
      // Where the run's time went: evaluating and checking the script, planning (and asking),
      // applying, running the checks.
      let timings = JSONValue.object([
        ("load_seconds", seconds(loaded - started)), ("plan_seconds", seconds(planned - loaded)),
        ("apply_seconds", seconds(applied - planned)), ("verify_seconds", seconds(verified - applied)),
        ("total_seconds", seconds(verified - started)),
      ])
      let document = JSONValue.object([
        ("succeeded", .bool(succeeded)), ("apply", ApplyReportRenderer.document(report)), ("checks", checks),
        ("timings", timings),
      ])
      try writeOutput(document.rendered() + "\n")
    } else {
      try writeOutput(CheckReportRenderer.text(results, colors: options.color.colors(on: STDOUT_FILENO)))
    }
    options.reporter.report(checkErrors)
    if !succeeded { throw ExitCode(1) }
  }
}
