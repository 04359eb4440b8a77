import Subprocess

/// Runs commands as child processes through swift-subprocess, with this process's environment
/// (plus `environment`), so `AWS_ENDPOINT_URL`, `AWS_CONFIG_FILE` and `KUBECONFIG` reach the tools.
public struct SubprocessCommandRunner: CommandRunner {
  /// Variables to set on top of the inherited environment.
  public var environment: [String: String]
  /// The most output kept from one command, per stream.
  public var outputLimit: Int

  public init(environment: [String: String] = [:], outputLimit: Int = 16 << 20) {
    self.environment = environment
    self.outputLimit = outputLimit
  }

  public func run(_ executable: String, _ arguments: [String]) async throws -> CommandResult {
    var overrides: [Environment.Key: String?] = [:]
    for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
    let result = try await Subprocess.run(
      .name(executable), arguments: Arguments(arguments), environment: .inherit.updating(overrides),
      output: .string(limit: outputLimit), error: .string(limit: outputLimit))
    let status: Int32
    switch result.terminationStatus {
    case .exited(let code): status = code
    case .signaled(let signal): status = 128 + signal
    }
    return CommandResult(status: status, output: result.standardOutput, errorOutput: result.standardError)
  }
}
