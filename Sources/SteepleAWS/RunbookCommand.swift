/// One line (or small block) of the runbook, as the driver runs it and the shell script spells it.
public enum RunbookCommand: Hashable, Sendable {
  /// Runs the command; a failure stops the runbook.
  case run(ShellCommand)
  /// Runs the command and keeps its output, trimmed, in a variable: `NAME=$(command)`.
  case capture(variable: String, ShellCommand)
  /// Runs the command once for each word of a captured variable, that word in `item`:
  /// `for item in $LIST; do command; done`.
  case forEach(item: String, in: String, ShellCommand)
  /// Runs the command and stops the runbook unless its output, trimmed, is `expected`, saying `failure`.
  case expect(ShellCommand, equals: String, failure: String)
  /// Runs `then` unless `probe`'s output contains `marker`: how a command that has no idempotent
  /// form (`spire-server entry create`) is made safe to run twice.
  case unless(probe: ShellCommand, contains: String, then: ShellCommand)
  /// Runs the command until its output, trimmed, is not empty (at most `tries` times, a pause
  /// between) and keeps it in a variable: a value that appears some time after an apply (a load
  /// balancer's host name).
  case awaitValue(variable: String, ShellCommand, tries: Int)
  /// Writes the rendered file at `path` to `into` (both under the rendered folder) with each
  /// `{{name}}` of `placeholders` replaced by the value of its variable.
  case fill(path: String, into: String, placeholders: [String: String])

  /// Every command it may run.
  public var commands: [ShellCommand] {
    switch self {
    case .run(let command), .capture(_, let command), .forEach(_, _, let command), .expect(let command, _, _),
      .awaitValue(_, let command, _):
      [command]
    case .unless(let probe, _, let then): [probe, then]
    case .fill: []
    }
  }
}

extension RunbookCommand {
  /// A variable name from free text: upper case, every other character `_`.
  public static func variableName(_ parts: String...) -> String {
    parts.joined(separator: "_").uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "_" }.joined()
  }
}
