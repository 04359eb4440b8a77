import ArgumentParser
import Foundation
import Steeple
import SteepleLocal

/// Where the state lives: every command that touches state takes this.
struct StateOptions: ParsableArguments {
  @Option(
    name: .customLong("state"),
    help: ArgumentHelp(
      "The state directory (default: .steeple/NAME beside the script, NAME its file name without .spire).",
      valueName: "dir"))
  var state: String?

  /// The folder every default state is in, beside the script.
  static let folderName = ".steeple"

  /// The state directory for a script: `--state`, else `.steeple/NAME` in the script's folder,
  /// NAME the script's file name without `.spire`: each script has its own. A script from
  /// standard input has `.steeple/stdin` in the current folder; no script (the REPL without FILE),
  /// `.steeple/repl`.
  func directory(for script: String?) -> String {
    if let state { return state }
    guard let script, script != "-" else {
      return FileManager.default.currentDirectoryPath + "/\(Self.folderName)/" + (script == nil ? "repl" : "stdin")
    }
    let folder = (script as NSString).deletingLastPathComponent
    var name = (script as NSString).lastPathComponent
    if name.hasSuffix(".spire") && name.count > ".spire".count { name.removeLast(".spire".count) }
    return (folder.isEmpty ? "." : folder) + "/\(Self.folderName)/" + name
  }

  /// A note when the default state is used and the script's folder still has a state of the
  /// earlier layout, one `.steeple` for every script in the folder, which is no longer read.
  func earlierLayoutNote(for script: String?) -> String? {
    guard state == nil, let script else { return nil }
    let container = (directory(for: script) as NSString).deletingLastPathComponent
    guard FileManager.default.fileExists(atPath: container + "/" + LocalCloud.databaseFileName) else { return nil }
    return "note: \(container) holds a state of the earlier layout, shared by every script beside it; "
      + "this script's state is now \(directory(for: script))\n"
      + "  = help: to go on with the old state, pass --state \(container), or move its files into \(directory(for: script))\n"
  }

  /// The state directory named by FILE or `--state`; without either, a usage error that lists the
  /// states in the current folder's `.steeple`.
  func directory(orUsageErrorFor script: String?, command: String) throws -> String {
    if state != nil || script != nil { return directory(for: script) }
    let folder = FileManager.default.currentDirectoryPath + "/" + Self.folderName
    let found = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().filter { name in
      FileManager.default.fileExists(atPath: folder + "/" + name + "/" + ScriptRecord.fileName)
    }
    let listing = found.isEmpty ? "" : "; the states here: " + found.map { "\(Self.folderName)/\($0)" }.joined(separator: ", ")
    throw ValidationError("'steeple \(command)' needs FILE, or --state DIR to name the state\(listing)")
  }
}

/// How fast the local cloud's operations go: for the commands that do timed work (`apply`,
/// `destroy`, `run`, `repl`).
struct TimingOptions: ParsableArguments {
  /// The largest `--time-scale`, the local provider's.
  static let largestTimeScale = LocalProvider.largestTimeScale

  @Option(
    name: .customLong("time-scale"), parsing: .unconditional,
    help: ArgumentHelp(
      "Multiply the local cloud's modelled durations (an EKS cluster takes about 10 minutes) by F, from 0 (instant) to 1000.",
      valueName: "f"))
  var timeScale: Double = 0

  func validate() throws {
    guard timeScale >= 0, timeScale <= Self.largestTimeScale else {
      throw ValidationError("--time-scale must be a number from 0 to \(Int(Self.largestTimeScale)), not \(timeScale)")
    }
  }
}

/// How `apply`, `destroy`, `run` and `repl` carry a plan out.
struct ApplyingOptions: ParsableArguments {
  /// The longest `--lock-timeout`, in seconds: a day.
  static let longestLockTimeout = 86_400.0

  @Option(name: .customLong("parallelism"), parsing: .unconditional, help: ArgumentHelp("Run at most N provider calls at once.", valueName: "n"))
  var parallelism: Int = 10

  @Option(
    name: .customLong("lock-timeout"), parsing: .unconditional,
    help: ArgumentHelp(
      "Wait up to this many seconds (at most 86400, a day) for another apply to release the state; 0 fails at once.",
      valueName: "seconds"))
  var lockTimeout: Double = 0

  func validate() throws {
    if parallelism < 1 { throw ValidationError("--parallelism must be at least 1") }
    guard lockTimeout >= 0, lockTimeout <= Self.longestLockTimeout else {
      throw ValidationError("--lock-timeout must be from 0 to \(Int(Self.longestLockTimeout)) seconds (a day), not \(lockTimeout)")
    }
  }

  var applyOptions: ApplyOptions {
    ApplyOptions(parallelism: parallelism, lockTimeout: .milliseconds(Int64((lockTimeout * 1000).rounded())))
  }
}

/// Whether `apply`, `destroy` and `run` ask before they change anything.
struct ApprovalOptions: ParsableArguments {
  @Flag(
    name: .customLong("auto-approve"),
    help: "Change what exists without asking; needed when standard input is not a terminal (scripts, CI).")
  var autoApprove = false
}

/// What `apply` and `destroy` both take after their script: the report format, the state, and how
/// to carry the plan out.
struct ChangeOptions: ParsableArguments {
  @Flag(name: .customLong("json"), help: "Print the outcome as JSON (progress goes to standard error).")
  var json = false

  @OptionGroup var state: StateOptions
  @OptionGroup var timing: TimingOptions
  @OptionGroup var applying: ApplyingOptions
  @OptionGroup var approval: ApprovalOptions
  @OptionGroup var provider: ProviderOptions
}

/// Ends a command with status 1 after an engine error, said on standard error as the other
/// command-line errors are, with what to do about it.
func fail(_ error: EngineError, help: String? = nil) -> ExitCode {
  writeError("steeple: error: \(error)\n" + ((help ?? error.help).map { "   = help: \($0)\n" } ?? ""))
  return ExitCode(1)
}

/// What `plan` and `state` say about another run on the state: one that is running now, or one
/// that did not finish.
func stateNote(_ engine: Engine) -> String? {
  if let holder = engine.runningApply {
    return "note: \(holder) is running on this state; this shows what exists at this moment\n"
  }
  return engine.interruptedApply.map(interruptedNote)
}

/// Says that an apply did not finish and what the next one does about it.
func interruptedNote(_ interrupted: InterruptedApply) -> String {
  var note = "note: the \(interrupted.command) of pid \(interrupted.pid), begun "
    + "\(ApplyProgress.timestamp(interrupted.started)), did not finish (\(interrupted.finished) of \(interrupted.steps) steps)"
  if !interrupted.inFlight.isEmpty {
    note += "; in flight: " + interrupted.inFlight.map(\.description).joined(separator: ", ")
  }
  return note + "\n  = help: run 'steeple \(interrupted.command)' to finish it; what it had done is kept\n"
}

/// Which provider makes the script real, and whether to print the aws provider's commands
/// instead of running them: for `plan`, `apply`, `destroy` and `run`.
struct ProviderOptions: ParsableArguments {
  @Option(
    name: .customLong("provider"),
    help: ArgumentHelp(
      "Where to make the script real: 'local' (the embedded cloud, the default) or 'aws' (your accounts, through the aws CLI "
        + "and kubectl with each account's profile).",
      valueName: "name"))
  var provider: ProviderChoice = .local

  @Flag(
    name: .customLong("print-commands"),
    help: "With --provider aws: write the rendered files and print the exact aws and kubectl commands, in order, as a bash script, instead of running them.")
  var printCommands = false

  func validate() throws {
    if printCommands && provider != .aws {
      throw ValidationError("--print-commands needs --provider aws: the local provider runs no commands to print")
    }
  }
}

/// The providers a command line can name.
enum ProviderChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
  case local
  case aws
}
