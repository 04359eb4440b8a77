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
      state is empty. It shows the plan and asks first, as apply does (--auto-approve skips that).

      Nothing is evaluated: FILE only locates the state (.steeple/NAME beside it), and \
      --state DIR alone names one, so a script that no longer evaluates, or is gone, can still \
      have its state destroyed.

      With --provider aws, FILE is evaluated (the rendering says where each resource lives): the \
      manifests are deleted, then the stacks, last layer first, each once its last resource is \
      gone. --print-commands prints those commands as a bash script instead of running them.

      Exit status: 0 when everything was deleted, 1 when an action failed or on any other error, \
      2 on a usage error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script whose state to destroy (not needed with --state).", valueName: "file"))
  var file: String?

  @OptionGroup var options: ChangeOptions
  @OptionGroup var evaluation: EvaluationOptions

  func run() throws {
    Applying.surviveClosedPipes()
    let directory = try options.state.directory(orUsageErrorFor: file, command: "destroy")
    if let note = options.state.earlierLayoutNote(for: file) { writeError(note) }
    if options.state.state == nil, let file, file != "-", !FileManager.default.fileExists(atPath: file) {
      writeError(
        "steeple: error: no such file: \(file)\n   = help: check the path; the state destroyed is \(directory), "
          + "or pass --state DIR to name a state\n")
      throw ExitCode(2)
    }
    let deployment: Deployment
    do {
      deployment = try Deployment(resources: [], provider: try provider(directory: directory), stateDirectory: directory)
    } catch let error as EngineError {
      throw fail(error)
    }
    if let owner = deployment.engine.recordedScript { writeError("note: the state in \(directory) belongs to \(owner)\n") }
    let approval = try Applying.approvedPlan(
      command: "destroy", json: options.json, autoApprove: options.approval.autoApprove, deployment: deployment,
      script: nil) { try await deployment.destroyPlan() }
    let report = try Applying.run(
      json: options.json, options: options.applying.applyOptions, planShown: approval.shown, sections: deployment.sections(for:)
    ) {
      options, progress in
      try await deployment.destroy(options: options, approved: approval.approved, progress: progress)
    }
    if !report.succeeded { throw ExitCode(1) }
  }

  /// The local provider on the state; with `--provider aws`, the aws provider over FILE's rendering
  /// (or, with `--print-commands`, the destroy's runbook printed, and the command ends).
  func provider(directory: String) throws -> any Provider {
    guard options.provider.provider == .aws else {
      return try ScriptLoader.provider(directory: directory, timeScale: options.timing.timeScale)
    }
    guard let file else {
      throw ValidationError("'steeple destroy --provider aws' needs FILE: its rendering says where each resource lives")
    }
    let loaded = try ScriptLoader.load(
      file, options: evaluation, state: options.state, quiet: options.json, creating: false, provider: .local)
    if options.provider.printCommands {
      try AWSDriving.printCommands("destroy", file: file, deployment: loaded, state: directory)
      throw ExitCode.success
    }
    return AWSDriving.provider(for: loaded.resources, topology: loaded.topology, state: directory, creating: true)
  }
}
