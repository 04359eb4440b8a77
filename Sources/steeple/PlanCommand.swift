import ArgumentParser
import Foundation
import Steeple

struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Show what apply would change, without changing anything.",
    discussion: """
      Evaluates the script, checks its topology, and compares the resources it wants with what \
      exists in the state. Actions are grouped by account and cluster: + create, ~ change (each \
      differing field as old → new), - delete, -/+ replace (a field that cannot change in place \
      differs), each with its reason. The last line counts them, or says "No changes.".

      Then, for a script with a mesh, who may talk to whom: each edge A → B (A's SPIFFE ID is \
      issued, and B admits it) that the plan grants (+) or removes (-), marked "calls it" or \
      "admitted, not called", flagged when it crosses accounts, with the declaration that grants \
      or removes it; and a count line. What holds now comes from the state; with none, every edge \
      is gained. --json carries it under "authorization".

      Nothing is written: a state that does not exist yet reads as empty, and one that does is \
      opened read-only.

      Exit status: 0 on success, 1 on an error in the script or the state, 2 on a usage error. With \
      --detailed-exitcode: 0 when there is nothing to do, 2 when there are changes (an edge gained \
      or lost counts), and 1 on any error, usage errors included (as Terraform does). With \
      --no-new-access: 1, with an error at the declaration that grants each, when the plan grants an \
      edge that does not hold now (a gate for CI, as IAM Access Analyzer's CheckNoNewAccess is for \
      IAM); removing access passes.

      With --provider aws, what exists is observed in your accounts (each account's profile, checked \
      first with aws sts get-caller-identity): stacks and their resources, and the manifests' objects \
      in each cluster. --print-commands prints, instead, the commands an apply would run.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to plan; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @Flag(name: .customLong("json"), help: "Print the plan as JSON.")
  var json = false

  @Flag(
    name: .customLong("detailed-exitcode"),
    help: "Exit 2 when there are changes, 0 when none, 1 on any error (usage errors too).")
  var detailedExitcode = false

  @Flag(
    name: .customLong("no-new-access"),
    help: "Exit 1, naming each, when the plan would let a service reach one it cannot reach now.")
  var noNewAccess = false

  @OptionGroup var options: EvaluationOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var provider: ProviderOptions

  func run() throws {
    let deployment = try ScriptLoader.load(
      file, options: options, state: state, quiet: json, creating: false,
      provider: provider.printCommands ? .local : provider.provider)
    if provider.printCommands {
      return try AWSDriving.printCommands("apply", file: file, deployment: deployment, state: state.directory(for: file))
    }
    let plan: Plan
    do {
      plan = try runBlocking { try await deployment.plan() }
    } catch let error as EngineError {
      if options.reporter.report(script: error, of: deployment) { throw ExitCode(1) }
      throw fail(error)
    }
    if let note = stateNote(deployment.engine) { writeError(note) }
    let sections = deployment.sections(for: plan)
    try writeOutput(
      json
        ? PlanRenderer.json(plan, sections: sections)
        : PlanRenderer.text(plan, sections: sections, colors: options.color.colors(on: STDOUT_FILENO)))
    if noNewAccess {
      let granted = deployment.newAccessDiagnostics(for: plan)
      if !granted.isEmpty {
        options.reporter.report(granted)
        throw ExitCode(1)
      }
    }
    if detailedExitcode && plan.hasChanges(with: sections) { throw PlanHasChanges() }
  }
}

/// `plan --detailed-exitcode` found changes: exit status 2, which no error may then share.
struct PlanHasChanges: Error {
  static let status: Int32 = 2

  /// Whether the command line asks for `plan --detailed-exitcode`, so that a usage error must
  /// exit 1, not 2 (which means "changes" there).
  static func requested(by arguments: [String]) -> Bool {
    let options = arguments.prefix { $0 != "--" }
    return options.first == "plan" && options.contains("--detailed-exitcode")
  }
}
