import ArgumentParser
import Foundation
import Steeple

/// Where the state lives and how the provider behaves: every command that touches state takes these.
struct StateOptions: ParsableArguments {
  @Option(
    name: .customLong("state"),
    help: ArgumentHelp("The state directory (default: .steeple beside the script).", valueName: "dir"))
  var state: String?

  @Option(
    name: .customLong("time-scale"),
    help: ArgumentHelp(
      "Multiply the local cloud's modelled durations (an EKS cluster takes about 10 minutes) by F; 0 is instant.",
      valueName: "f"))
  var timeScale: Double = 0

  func validate() throws {
    if timeScale < 0 || !timeScale.isFinite { throw ValidationError("--time-scale must be 0 or a positive number") }
  }

  /// The state directory for a script: `--state`, else `.steeple` in the script's folder (the
  /// current folder for standard input).
  func directory(for script: String?) -> String {
    if let state { return state }
    guard let script, script != "-" else { return FileManager.default.currentDirectoryPath + "/.steeple" }
    let folder = URL(fileURLWithPath: script).deletingLastPathComponent().path
    return (folder.isEmpty ? "." : folder) + "/.steeple"
  }
}

/// How `apply`, `destroy` and `run` carry a plan out.
struct ApplyingOptions: ParsableArguments {
  @Option(name: .customLong("parallelism"), help: ArgumentHelp("Run at most N provider calls at once.", valueName: "n"))
  var parallelism: Int = 10

  @Option(
    name: .customLong("lock-timeout"),
    help: ArgumentHelp(
      "Wait up to this many seconds for another apply to release the state; 0 fails at once.", valueName: "seconds"))
  var lockTimeout: Double = 0

  func validate() throws {
    if parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
    if lockTimeout < 0 || !lockTimeout.isFinite { throw ValidationError("--lock-timeout must be 0 or more seconds") }
  }

  var applyOptions: ApplyOptions {
    ApplyOptions(parallelism: parallelism, lockTimeout: .milliseconds(Int64((lockTimeout * 1000).rounded())))
  }
}

/// Ends a command with status 1 after an engine error, said on standard error.
func fail(_ error: EngineError) -> ExitCode {
  writeError("error: \(error)\n")
  return ExitCode(1)
}

/// Says that an apply did not finish and what the next one does about it.
func interruptedNote(_ interrupted: InterruptedApply) -> String {
  var note = "note: the \(interrupted.command) of pid \(interrupted.pid), begun "
    + "\(ApplyProgress.timestamp(interrupted.started)), did not finish (\(interrupted.finished) of \(interrupted.steps) steps)"
  if !interrupted.inFlight.isEmpty {
    note += "; in flight: " + interrupted.inFlight.map(\.description).joined(separator: ", ")
  }
  return note + "\n  = help: run 'steeple apply' to finish it; what it had done is kept\n"
}
