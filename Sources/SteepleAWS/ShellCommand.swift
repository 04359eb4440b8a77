public import SteepleEngine

/// One command of the runbook: a program (`aws`, `kubectl`) and its arguments, run without a shell
/// by the driver, printed as a shell line by `--print-commands`.
public struct ShellCommand: Hashable, Sendable, CustomStringConvertible {
  /// The program, found on `PATH`: `aws` or `kubectl`.
  public var executable: String
  public var arguments: [ShellWord]

  public init(_ executable: String, _ arguments: [ShellWord]) {
    self.executable = executable
    self.arguments = arguments
  }

  /// The command as one shell line.
  public var shellText: String { ([ShellWord.quoted(executable)] + arguments.map(\.shellText)).joined(separator: " ") }

  public var description: String { shellText }

  /// The variables the command reads.
  public var variables: [String] { arguments.flatMap(\.variables) }

  /// The arguments with their variables replaced by `values`; an error names the first variable
  /// that has no value.
  public func resolvedArguments(_ values: [String: String] = [:]) throws(ProviderError) -> [String] {
    var resolved: [String] = []
    for argument in arguments {
      guard let word = argument.resolved(values) else {
        let missing = argument.variables.first { values[$0] == nil } ?? "?"
        throw ProviderError(code: "MissingValue", message: "\(executable) needs \(missing), which no earlier command produced")
      }
      resolved.append(word)
    }
    return resolved
  }
}
