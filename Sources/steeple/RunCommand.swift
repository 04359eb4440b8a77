import ArgumentParser
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
      came out; a check the provider cannot run yet says "not yet supported". To evaluate without \
      touching any state, use 'steeple eval'.

      Exit status: 0 when every action was done and no check failed, 1 otherwise, 2 on a usage error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to run; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: EvaluationOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var applying: ApplyingOptions

  func run() throws {
    Applying.surviveClosedPipes()
    let deployment = try ScriptLoader.load(file, options: options, state: state, quiet: false)
    let report = try Applying.run(
      json: false, options: applying.applyOptions, reported: { options.reporter.report(script: $0, of: deployment) }
    ) { options, progress in
      try await deployment.apply(options: options, progress: progress)
    }
    options.reporter.report(deployment.diagnostics(for: report))
    let results = try runBlocking { await deployment.verify() }
    try writeOutput(CheckReportRenderer.text(results))
    let checksFailed = results.contains { if case .failed = $0.outcome { true } else { false } }
    if !report.succeeded || checksFailed { throw ExitCode(1) }
  }
}
