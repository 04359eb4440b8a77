import SteepleEngine

/// What a command printed and how it ended.
public struct CommandResult: Hashable, Sendable {
  /// The exit status; 0 is success.
  public var status: Int32
  public var output: String
  public var errorOutput: String

  public init(status: Int32, output: String, errorOutput: String = "") {
    self.status = status
    self.output = output
    self.errorOutput = errorOutput
  }

  public var succeeded: Bool { status == 0 }
}

/// Runs the runbook's commands: `SubprocessCommandRunner` for real, a recorder in tests.
///
/// Steeple never reads credentials: every `aws` command names its profile and region, and the
/// environment (`AWS_ENDPOINT_URL`, `AWS_CONFIG_FILE`, `KUBECONFIG`) passes through to the tools.
public protocol CommandRunner: Sendable {
  /// Runs `executable` with `arguments` (no shell) and returns what it printed, whatever its exit
  /// status; throws only when it cannot be started.
  func run(_ executable: String, _ arguments: [String]) async throws -> CommandResult
}

extension CommandRunner {
  /// Runs `command` with its variables resolved and returns its standard output; a non-zero exit
  /// is a `ProviderError` with the tool's own message.
  func output(of command: ShellCommand, values: [String: String] = [:]) async throws -> String {
    let result = try await result(of: command, values: values)
    guard result.succeeded else { throw CommandFailure.error(for: command, result) }
    return result.output
  }

  /// Runs `command` with its variables resolved, whatever its exit status.
  func result(of command: ShellCommand, values: [String: String] = [:]) async throws -> CommandResult {
    let arguments = try command.resolvedArguments(values)
    do {
      return try await run(command.executable, arguments)
    } catch let error as ProviderError {
      throw error
    } catch {
      throw ProviderError(
        code: "CommandNotRun",
        message: "could not run \(command.executable): \(error); install it and put it on PATH (the aws provider drives the aws CLI and kubectl)")
    }
  }
}

/// Turns a failed command into the error the provider reports.
enum CommandFailure {
  /// The AWS or Kubernetes error code when the tool printed one (`An error occurred (AccessDenied)`,
  /// `Error from server (NotFound)`), else `CommandFailed`; the message is the tool's last words.
  static func error(for command: ShellCommand, _ result: CommandResult) -> ProviderError {
    let said = (result.errorOutput.isEmpty ? result.output : result.errorOutput)
      .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    let last = said.last ?? "no message"
    return ProviderError(
      code: code(in: said.joined(separator: "\n")) ?? "CommandFailed",
      message: "\(command.shellText) exited \(result.status): \(last)")
  }

  static func code(in text: String) -> String? {
    for (open, close) in [("An error occurred (", ")"), ("Error from server (", ")")] {
      guard let start = text.range(of: open), let end = text[start.upperBound...].range(of: close) else { continue }
      return String(text[start.upperBound..<end.lowerBound])
    }
    return nil
  }
}
