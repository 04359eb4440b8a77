import ArgumentParser
import Foundation
import Steeple
import SteepleLocal


/// Turns a script into a deployment: evaluates it (what it prints goes to standard output, or to
/// standard error when `quiet` because standard output carries JSON), reports its errors and the
/// topology's, and opens the provider on its state directory.
enum ScriptLoader {
  /// Evaluates `file` and checks its topology, reporting what is wrong: what the script prints goes
  /// to standard output, or to standard error when `quiet`. Exits 2 when the file cannot be read, 1
  /// on any error.
  static func evaluate(_ file: String, options: EvaluationOptions, quiet: Bool) throws -> Topology {
    var configuration = options.sessionConfiguration()
    if quiet { configuration.output = { text in writeError(text) } }
    let outcome = Session(configuration).run(file: file)
    options.reporter.report(outcome.diagnostics)
    if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) {
      throw ExitCode(2)
    }
    guard outcome.succeeded else { throw ExitCode(1) }
    return outcome.topology
  }

  /// With `creating` false (plan), nothing is written: a state that does not exist yet reads as
  /// empty, and one that does is opened read-only.
  /// With `provider` `.aws`, the deployment goes through the aws provider over the script's rendering.
  static func load(
    _ file: String, options: EvaluationOptions, state: StateOptions, timing: TimingOptions? = nil, quiet: Bool,
    creating: Bool = true, provider choice: ProviderChoice = .local
  ) throws -> Deployment {
    let topology = try evaluate(file, options: options, quiet: quiet)
    let directory = state.directory(for: file)
    if let note = state.earlierLayoutNote(for: file) { writeError(note) }
    do {
      switch choice {
      case .local:
        return try Deployment(
          topology: topology,
          provider: try provider(directory: directory, timeScale: timing?.timeScale ?? 0, creating: creating),
          stateDirectory: directory)
      case .aws:
        let aws = AWSDriving.provider(
          for: DesiredState.resources(for: topology, in: .standard), topology: topology, state: directory,
          creating: creating)
        return try Deployment(
          resources: aws.rendering.orderedForStacks(DesiredState.resources(for: topology, in: .standard)),
          checks: DesiredState.checks(for: topology), topology: topology, provider: aws, stateDirectory: directory)
      }
    } catch let error as EngineError {
      throw fail(error)
    }
  }

  /// The local provider on a state directory, which is made (owner-only) when missing; without
  /// `creating`, a state that does not exist stays so and reads as empty, and one that does is
  /// opened read-only.
  static func provider(directory: String, timeScale: Double = 0, creating: Bool = true) throws -> any Provider {
    // Only a state that is not there reads as empty: one that cannot be looked at is reported.
    var status = stat()
    if !creating && lstat(directory + "/" + LocalCloud.databaseFileName, &status) != 0 && errno == ENOENT {
      return NoStateYet()
    }
    do {
      return try openProvider(directory: directory, timeScale: timeScale, readOnly: !creating)
    } catch .io(let message, let code) {
      throw fail(
        .io(message, errno: code),
        help: "\(directory)/\(LocalCloud.databaseFileName) is damaged or not a Steeple state; move it aside (what it "
          + "recorded is then forgotten), or pass --state DIR to use another directory")
    } catch {
      throw fail(error)
    }
  }

  /// The local provider over the state in `directory`, which is made if missing (unless
  /// `readOnly`); an error says why it cannot be opened (for the REPL, which reports it and goes on).
  static func openProvider(directory: String, timeScale: Double, readOnly: Bool = false) throws(EngineError) -> any Provider {
    if !readOnly { try Engine.prepare(directory) }
    do {
      return try LocalProvider(stateDirectory: directory, timeScale: timeScale, readOnly: readOnly)
    } catch let error as EngineError {
      throw error
    } catch {
      throw .io("cannot open the state in \(directory): \(error)", errno: 0)
    }
  }
}
