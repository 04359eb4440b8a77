import ArgumentParser
import Foundation
import Steeple
import SteepleLocal


/// Turns a script into a deployment: evaluates it (what it prints goes to standard output, or to
/// standard error when `quiet` because standard output carries JSON), reports its errors and the
/// topology's, and opens the provider on its state directory.
enum ScriptLoader {
  /// With `creating` false (plan), a state directory that does not exist is read as empty and
  /// left uncreated.
  static func load(
    _ file: String, options: EvaluationOptions, state: StateOptions, quiet: Bool, creating: Bool = true
  ) throws -> Deployment {
    var configuration = options.sessionConfiguration()
    if quiet { configuration.output = { text in writeError(text) } }
    let outcome = Session(configuration).run(file: file)
    options.reporter.report(outcome.diagnostics)
    if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) {
      throw ExitCode(2)
    }
    guard outcome.succeeded else { throw ExitCode(1) }
    let directory = state.directory(for: file)
    do {
      return try Deployment(
        topology: outcome.topology, provider: try provider(directory: directory, state: state, creating: creating), stateDirectory: directory)
    } catch let error as EngineError {
      throw fail(error)
    }
  }

  /// The local provider on a state directory, which is made (owner-only) when missing; without
  /// `creating`, a missing directory stays missing and reads as a state with nothing in it.
  static func provider(directory: String, state: StateOptions, creating: Bool = true) throws -> any Provider {
    if !creating && !FileManager.default.fileExists(atPath: directory) {
      return NoStateYet()
    }
    try Engine.prepare(directory)
    do {
      return try openLocalProvider(directory: directory, timeScale: state.timeScale)
    } catch {
      throw fail(
        error,
        help: "\(directory)/cloud.sqlite is damaged or not a Steeple state; move it aside (what it recorded is then "
          + "forgotten), or pass --state DIR to use another directory")
    }
  }

  /// The local provider over the state in `directory`, which is made if missing; an error says
  /// why it cannot be opened (for the REPL, which reports it and goes on).
  static func openProvider(directory: String, timeScale: Double) throws(EngineError) -> any Provider {
    try Engine.prepare(directory)
    return try openLocalProvider(directory: directory, timeScale: timeScale)
  }

  /// Opens the local cloud's state in an existing directory.
  private static func openLocalProvider(directory: String, timeScale: Double) throws(EngineError) -> any Provider {
    do {
      return try LocalProvider(stateDirectory: directory, timeScale: timeScale)
    } catch {
      throw .io("cannot open the state in \(directory): \(error)", errno: 0)
    }
  }
}
