import SteepleEngine

/// Runs runbook commands through a `CommandRunner`, as the shell script would: captures set
/// variables, loops run once per word, an `expect` that does not hold stops with its message.
public struct RunbookExecutor: Sendable {
  public let runner: any CommandRunner

  public init(runner: any CommandRunner) { self.runner = runner }

  /// Runs `commands` in order with `values` for their variables (captures add to it).
  public func run(_ commands: [RunbookCommand], values: inout [String: String]) async throws {
    for command in commands {
      switch command {
      case .run(let command):
        _ = try await runner.output(of: command, values: values)
      case .capture(let variable, let command):
        values[variable] = try await runner.output(of: command, values: values).trimmingCharacters(in: .whitespacesAndNewlines)
      case .forEach(let item, let list, let command):
        for word in Self.words(values[list] ?? "") {
          var itemValues = values
          itemValues[item] = word
          _ = try await runner.output(of: command, values: itemValues)
        }
      case .expect(let command, let expected, let failure):
        let found = try await runner.output(of: command, values: values).trimmingCharacters(in: .whitespacesAndNewlines)
        guard found == expected else { throw ProviderError(code: "Unexpected", message: "\(failure) (found \(found))") }
      case .unless(let probe, let marker, let then):
        let probed = try await runner.result(of: probe, values: values)
        if probed.succeeded && probed.output.contains(marker) { continue }
        _ = try await runner.output(of: then, values: values)
      }
    }
  }

  /// The words of a captured list, as `for x in $LIST` splits it; the CLI's `None` is no word.
  static func words(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init).filter { $0 != "None" }
  }
}
