import ArgumentParser
import Steeple

struct StateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "state",
    abstract: "List what exists: one resource a line, grouped by account and cluster.",
    discussion: """
      Reads the state directory named by --state, or the one of FILE (.steeple/NAME beside it). \
      Nothing is evaluated and nothing is written: the state is opened read-only.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("A script, to find the state beside it.", valueName: "file"))
  var file: String?

  @Flag(name: .customLong("json"), help: "Print the state as JSON, with every attribute and output.")
  var json = false

  @OptionGroup var state: StateOptions

  func run() throws {
    let directory = try state.directory(orUsageErrorFor: file, command: "state")
    if let note = state.earlierLayoutNote(for: file) { writeError(note) }
    let resources: [ObservedResource]
    let engine: Engine
    do {
      let provider = try ScriptLoader.provider(directory: directory, creating: false)
      engine = try Engine(provider: provider, stateDirectory: directory)
      resources = try runBlocking { try await engine.state() }
    } catch let error as EngineError {
      throw fail(error)
    }
    if let note = stateNote(engine) { writeError(note) }
    try writeOutput(json ? StateRenderer.json(resources) : StateRenderer.text(resources))
  }
}
