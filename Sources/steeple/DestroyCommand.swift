import ArgumentParser
import Steeple

struct DestroyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "destroy",
    abstract: "Delete everything in a script's state.",
    discussion: """
      Deletes every resource the state holds, in reverse dependency order (what stands on a \
      resource goes before it), with the same progress, journal and lock as apply. Afterwards the \
      state is empty. The script only locates the state (.steeple beside it) unless --state names one.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script whose state to destroy.", valueName: "file"))
  var file: String

  @Flag(name: .customLong("json"), help: "Print the outcome as JSON (progress goes to standard error).")
  var json = false

  @OptionGroup var options: EvaluationOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var applying: ApplyingOptions

  func run() throws {
    let deployment = try ScriptLoader.load(file, options: options, state: state, quiet: json)
    let report = try Applying.run(json: json, options: applying.applyOptions) { options, progress in
      try await deployment.destroy(options: options, progress: progress)
    }
    if !report.succeeded { throw ExitCode(1) }
  }
}
