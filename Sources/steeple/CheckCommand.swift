import ArgumentParser
import Steeple

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Find every error in scripts without changing anything.",
    discussion: """
      Parses, resolves and evaluates each file, with what it prints discarded, and reports every \
      error found. Files are checked independently.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The scripts to check; '-' reads one from standard input.", valueName: "file"))
  var files: [String]

  @OptionGroup var options: EvaluationOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one script to check") }
  }

  func run() throws {
    var configuration = options.sessionConfiguration()
    configuration.output = { _ in }
    var all: [Diagnostic] = []
    var unreadable = false
    for file in files {
      let outcome = Session(configuration).run(file: file)
      all += outcome.diagnostics
      unreadable = unreadable || outcome.diagnostics.contains { $0.code == "file-not-found" || $0.code == "file-unreadable" }
    }
    options.reporter.report(all)
    if unreadable { throw ExitCode(2) }
    if all.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    if options.diagnosticsFormat == .text {
      writeOutput("no errors in \(files.count) file\(files.count == 1 ? "" : "s")\n")
    }
  }
}
