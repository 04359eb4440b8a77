import ArgumentParser
import Foundation
import Steeple

/// `steeple`: run and check Steeple scripts.
struct SteepleCommand: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "steeple",
    abstract: "Build SPIFFE/SPIRE trust domains across AWS accounts from small scripts.",
    discussion: """
      Scripts (.spire files) declare accounts, clusters, a mesh, SPIRE entries and checks. \
      Imports are looked for next to the importing file, then in each folder of STEEPLE_PATH \
      (separated by ':'), then in the standard library.

      Exit status: 0 on success, 1 when a script has errors or a change failed, 2 on a usage \
      error; 'plan --detailed-exitcode' exits 2 when there are changes and 1 on any error.
      """,
    version: version,
    subcommands: [
      RunCommand.self, CheckCommand.self, EvalCommand.self, DocCommand.self, GraphCommand.self, PlanCommand.self, ApplyCommand.self,
      DestroyCommand.self, StateCommand.self, EntriesCommand.self, SVIDCommand.self, JWTCommand.self, BundleCommand.self,
      ServeCommand.self, StatsCommand.self, ReplCommand.self, RenderCommand.self,
    ])
}

/// Options that every command that evaluates scripts takes.
struct EvaluationOptions: ParsableArguments {
  @Option(name: .customLong("diagnostics-format"), help: "How to print errors: 'text' for people, 'json' for tools.")
  var diagnosticsFormat: DiagnosticsFormat = .text

  @Option(name: .customLong("max-steps"), help: ArgumentHelp("Stop a script after this many steps (statements, loop iterations and calls).", valueName: "n"))
  var maxSteps: Int?

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      "Stop a script that would make the process use more than this much memory: bytes, or a number with K, M or G. By default half of the machine's memory.",
      valueName: "size"))
  var maxMemory: MemorySize?

  @Option(
    name: .customLong("max-script-size"),
    help: ArgumentHelp(
      "Refuse a script or module file larger than this: bytes, or a number with K, M or G. By default 64M.",
      valueName: "size"))
  var maxScriptSize: MemorySize?

  @Option(name: .customLong("color"), help: "When to color diagnostics, a plan's who may talk to whom and the marks of verify checks: auto (on a terminal), always or never.")
  var color: ColorChoice = .auto

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp("A run parameter: the script reads it as params.name, a string. Repeat for more.", valueName: "name=value"))
  var parameters: [String] = []

  func validate() throws {
    if let maxSteps, maxSteps <= 0 { throw ValidationError("--max-steps must be a positive number of steps, not \(maxSteps)") }
    for parameter in parameters where parameter.firstIndex(of: "=").map({ $0 == parameter.startIndex }) ?? true {
      throw ValidationError("--set takes name=value, such as --set env=prod; got '\(parameter)'")
    }
  }

  /// The `--set` parameters, split at their first `=`, in order.
  var parameterPairs: [(name: String, value: String)] {
    parameters.map { parameter in
      let equals = parameter.firstIndex(of: "=")!
      return (String(parameter[..<equals]), String(parameter[parameter.index(after: equals)...]))
    }
  }

  func sessionConfiguration() -> Session.Configuration {
    var configuration = Session.Configuration()
    configuration.maxSteps = maxSteps
    if let maxMemory { configuration.maxMemory = maxMemory.bytes }
    if let maxScriptSize { configuration.maxScriptSize = maxScriptSize.bytes }
    configuration.parameters = parameterPairs
    configuration.searchPath = Self.searchPathFromEnvironment
    return configuration
  }

  /// The folders of `STEEPLE_PATH`, in order.
  static var searchPathFromEnvironment: [String] {
    (ProcessInfo.processInfo.environment["STEEPLE_PATH"] ?? "").split(separator: ":").map(String.init)
  }

  var reporter: DiagnosticReporter { DiagnosticReporter(format: diagnosticsFormat, color: color) }
}

enum DiagnosticsFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// A `--max-memory` value: `1048576`, `512K`, `256M`, `2G` (binary units; `KiB`, `MB` … work too).
struct MemorySize: ExpressibleByArgument {
  let bytes: Int

  init?(argument: String) {
    var text = argument.uppercased()
    for suffix in ["IB", "B"] where text.hasSuffix(suffix) && text.count > suffix.count {
      text.removeLast(suffix.count)
      break
    }
    var scale = 1
    if let unit = text.last, let power = ["K": 10, "M": 20, "G": 30, "T": 40][String(unit)] {
      scale = 1 << power
      text.removeLast()
    }
    guard let number = Double(text), number > 0, number.isFinite, number * Double(scale) < 9e18 else { return nil }
    bytes = Int(number * Double(scale))
  }

  static var defaultCompletionKind: CompletionKind { .default }
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
  case auto, always, never

  /// Whether to colour what is written to `descriptor`: `auto` colours a terminal, unless
  /// `NO_COLOR` is set or `TERM` is `dumb`; piped output stays plain.
  func colors(on descriptor: Int32) -> Bool {
    switch self {
    case .always: return true
    case .never: return false
    case .auto:
      let environment = ProcessInfo.processInfo.environment
      return isatty(descriptor) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }
  }
}

/// Writes diagnostics to standard error, as text or JSON.
struct DiagnosticReporter {
  let format: DiagnosticsFormat
  let color: ColorChoice

  var colors: Bool { color.colors(on: STDERR_FILENO) }

  func report(_ diagnostics: [Diagnostic]) {
    switch format {
    case .text:
      guard !diagnostics.isEmpty else { return }
      let errors = diagnostics.filter { $0.severity == .error }.count
      let warnings = diagnostics.filter { $0.severity == .warning }.count
      var counts: [String] = []
      if errors > 0 { counts.append("\(errors) error\(errors == 1 ? "" : "s")") }
      if warnings > 0 { counts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
      let summary = counts.isEmpty ? "" : counts.joined(separator: ", ") + "\n"
      writeError(DiagnosticRenderer(colors: colors).render(diagnostics) + summary)
    case .json:
      writeError(DiagnosticJSON.encode(diagnostics) + "\n")
    }
  }

  /// Reports an engine error that comes from the script at the declarations it names, and says
  /// whether it did; other engine errors are left to `fail`.
  func report(script error: EngineError, of deployment: Deployment) -> Bool {
    guard let diagnostic = deployment.diagnostic(for: error) else { return false }
    report([diagnostic])
    return true
  }
}

/// Writes to standard output; when that fails, says so on standard error and ends the command
/// with status 1 (what was written before the failure stays written).
func writeOutput(_ text: String) throws {
  do {
    try StandardStream.write(text, to: 1)
  } catch {
    writeError("steeple: error: \(error)\n")
    throw ExitCode(1)
  }
}

/// Writes to standard error. A failure there cannot be reported anywhere; the exit status still
/// tells what happened.
func writeError(_ text: String) {
  try? StandardStream.write(text, to: 2)
}

/// Ends the command with status 1: the script had errors, already reported.
struct ScriptFailed: Error {}
