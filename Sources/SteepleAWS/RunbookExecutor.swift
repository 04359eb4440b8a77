import Foundation
import SteepleEngine

/// Runs runbook commands through a `CommandRunner`, as the shell script would: captures set
/// variables, loops run once per word, an `expect` that does not hold stops with its message.
public struct RunbookExecutor: Sendable {
  public let runner: any CommandRunner
  /// The folder the `fill` commands read and write under.
  public let renderedFolder: String
  /// Waits between two tries of an `awaitValue`; tests pass one that returns at once.
  public let pause: @Sendable () async throws -> Void

  public init(
    runner: any CommandRunner, renderedFolder: String = ".",
    pause: @escaping @Sendable () async throws -> Void = { try await Task.sleep(for: .seconds(RunbookScript.pauseSeconds)) }
  ) {
    self.runner = runner
    self.renderedFolder = renderedFolder
    self.pause = pause
  }

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
      case .awaitValue(let variable, let command, let tries):
        var found = ""
        for attempt in 1...max(1, tries) {
          found = try await runner.output(of: command, values: values).trimmingCharacters(in: .whitespacesAndNewlines)
          if !found.isEmpty { break }
          if attempt < tries { try await pause() }
        }
        guard !found.isEmpty else {
          throw ProviderError(code: "ValueNotReady", message: "\(command.shellText) printed nothing after \(tries) tries")
        }
        values[variable] = found
      case .fill(let path, let into, let placeholders):
        let source = URL(fileURLWithPath: renderedFolder).appendingPathComponent(path)
        var text = try String(contentsOf: source, encoding: .utf8)
        for (name, variable) in placeholders {
          guard let value = values[variable] else {
            throw ProviderError(code: "MissingValue", message: "\(path) needs {{\(name)}}, which no earlier command produced")
          }
          text = text.replacingOccurrences(of: "{{\(name)}}", with: value)
        }
        let target = URL(fileURLWithPath: renderedFolder).appendingPathComponent(into)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: target, options: .atomic)
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
