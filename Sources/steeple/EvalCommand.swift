import ArgumentParser
import Steeple

struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Evaluate a script and print the topology it declares, touching nothing.",
    discussion: """
      What the script prints goes to standard output; then, if the script declared anything, \
      the declared topology, one declaration a line. The model's checks run first; errors go to \
      standard error. No provider is called and no state is read or written.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to evaluate; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    let outcome = Session(options.sessionConfiguration()).run(file: file)
    options.reporter.report(outcome.diagnostics)
    if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) {
      throw ExitCode(2)
    }
    guard outcome.succeeded else { throw ExitCode(1) }
    try writeOutput(TopologyReport.render(outcome.topology))
    finishWithoutTeardown()
  }
}
