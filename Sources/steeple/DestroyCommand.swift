import ArgumentParser
import Foundation
import Steeple

struct DestroyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "destroy",
    abstract: "Delete everything in a script's state.",
    discussion: """
      Deletes every resource the state holds, in reverse dependency order (what stands on a \
      resource goes before it), with the same progress, journal and lock as apply. Afterwards the \
      state is empty.

      The script is not evaluated: it only locates the state (.steeple beside it) unless --state \
      names one, so a script that no longer evaluates can still have its state destroyed.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script whose state to destroy.", valueName: "file"))
  var file: String

  @OptionGroup var options: ChangeOptions

  func run() throws {
    Applying.surviveClosedPipes()
    let directory = options.state.directory(for: file)
    if options.state.state == nil && file != "-" && !FileManager.default.fileExists(atPath: file) {
      writeError("steeple: error: no such file: \(file)\n   = help: check the path; the state destroyed is the .steeple beside it\n")
      throw ExitCode(2)
    }
    let deployment: Deployment
    do {
      deployment = try Deployment(
        resources: [], provider: try ScriptLoader.provider(directory: directory, state: options.state),
        stateDirectory: directory)
    } catch let error as EngineError {
      throw fail(error)
    }
    let report = try Applying.run(json: options.json, options: options.applying.applyOptions) { options, progress in
      try await deployment.destroy(options: options, progress: progress)
    }
    if !report.succeeded { throw ExitCode(1) }
  }
}
