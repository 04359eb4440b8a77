import ArgumentParser
import Steeple

struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Find every error in scripts without changing anything.",
    discussion: """
      Parses, resolves and evaluates each file, with what it prints discarded, and reports every \
      error found. Files are checked independently: one that cannot be read is reported, and the \
      others are still checked. Each file runs with a budget of 10,000,000 steps unless \
      --max-steps says otherwise, so a script that never ends cannot hang the check.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The scripts to check; '-' reads one from standard input.", valueName: "file"))
  var files: [String]

  @OptionGroup var options: EvaluationOptions

  @Flag(name: .customLong("warnings-as-errors"), help: "Report warnings as errors: a file with warnings fails the check.")
  var warningsAsErrors = false

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one script to check") }
  }

  /// The step budget of each file when `--max-steps` is not given: `check` runs the scripts, and
  /// a script that does not end must not hang it.
  static let defaultMaxSteps = 10_000_000

  func run() throws {
    var configuration = options.sessionConfiguration()
    configuration.maxSteps = options.maxSteps ?? Self.defaultMaxSteps
    configuration.output = { _ in }
    var all: [Diagnostic] = []
    var unreadable = 0
    for file in files {
      // A file that cannot be read is reported, and the others are still checked.
      let outcome = Session(configuration).run(file: file)
      all += warningsAsErrors ? outcome.diagnostics.map { diagnostic in
        var diagnostic = diagnostic
        if diagnostic.severity == .warning { diagnostic.severity = .error }
        return diagnostic
      } : outcome.diagnostics
      if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) { unreadable += 1 }
    }
    options.reporter.report(all)
    let failed = all.contains(where: { $0.severity == .error && $0.code != "file-not-found" && $0.code != "file-unreadable" })
    if !failed, options.diagnosticsFormat == .text, files.count > unreadable {
      let checked = files.count - unreadable
      var line = "no errors in \(checked) file\(checked == 1 ? "" : "s")"
      if unreadable > 0 { line += " (\(unreadable) more could not be read)" }
      try writeOutput(line + "\n")
    }
    if unreadable > 0 { throw ExitCode(2) }
    if failed { throw ExitCode(1) }
  }
}
