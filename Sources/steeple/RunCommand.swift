import ArgumentParser
import Steeple

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a script and report the topology it declares.",
    discussion: """
      What the script prints goes to standard output; then, if the script declared anything, \
      a summary of the declared topology. Errors go to standard error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to run; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    let session = Session(options.sessionConfiguration())
    let outcome = session.run(file: file)
    options.reporter.report(outcome.diagnostics)
    if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) {
      throw ExitCode(2)
    }
    guard outcome.succeeded else { throw ExitCode(1) }
    writeOutput(TopologyReport.render(outcome.topology))
    finishWithoutTeardown()
  }
}
