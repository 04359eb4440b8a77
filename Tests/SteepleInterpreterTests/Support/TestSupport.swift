import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Collects what a script prints.
final class OutputBuffer {
  var text = ""
}

/// Everything a test wants to look at after a run.
struct Run {
  let result: Interpreter.Result
  let output: String
  let host: RecordingHost
  let interpreter: Interpreter

  var diagnostics: [Diagnostic] { result.diagnostics }
  var succeeded: Bool { result.succeeded }
  /// The first diagnostic's code, or nil.
  var code: String? { result.diagnostics.first?.code }
  var rendered: String { DiagnosticRenderer(colors: false).render(result.diagnostics) }

  /// A top-level name's value after the run.
  func global(_ name: String) -> Value? { result.globals.first { $0.name == name }?.value }

  /// The literal form of a global, as `print` would show a non-string value.
  func literal(_ name: String) -> String? { global(name)?.literal }
}

/// Makes an interpreter that writes into `buffer` and records declarations.
func makeInterpreter(
  modules: [String: String] = [:], options: Interpreter.Options = .init(maxCallDepth: 200),
  buffer: OutputBuffer, host: RecordingHost
) -> Interpreter {
  Interpreter(options: options, host: host, loader: InMemoryModuleLoader(modules), output: { buffer.text += $0 })
}

/// Runs a script as `main.spire`. The call depth is kept small: the interpreter runs on the
/// caller's thread, and test threads have ordinary stacks.
func run(
  _ source: String, modules: [String: String] = [:], options: Interpreter.Options = .init(maxCallDepth: 200),
  name: String = "main.spire"
) -> Run {
  let buffer = OutputBuffer()
  let host = RecordingHost()
  let interpreter = makeInterpreter(modules: modules, options: options, buffer: buffer, host: host)
  let result = interpreter.run(source, name: name)
  return Run(result: result, output: buffer.text, host: host, interpreter: interpreter)
}

/// Runs a script that must succeed and returns what it printed. Records an issue with the rendered
/// diagnostics otherwise.
@discardableResult
func output(
  _ source: String, modules: [String: String] = [:], sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> String {
  let outcome = run(source, modules: modules)
  #expect(outcome.diagnostics.isEmpty, "unexpected diagnostics:\n\(outcome.rendered)", sourceLocation: sourceLocation)
  return outcome.output
}

/// The value of an expression, as its literal (`[1, 2]`, `"a"`, `nil`).
func evaluate(_ expression: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
  let outcome = run("let __value = \(expression)\n__value")
  #expect(outcome.diagnostics.isEmpty, "unexpected diagnostics:\n\(outcome.rendered)", sourceLocation: sourceLocation)
  return outcome.result.value?.literal ?? "<no value>"
}

/// What a script's single diagnostic is expected to be. `at` is a marker in the source.
struct Expected: CustomStringConvertible {
  var code: String
  var summary: String
  var marker: String
  /// Notes as (message, marker); a nil marker means the note has no range, or points into
  /// another file.
  var notes: [(String, String?)]
  var suggestion: String?

  init(_ code: String, _ summary: String, at marker: String, notes: [(String, String?)] = [], suggestion: String? = nil) {
    self.code = code
    self.summary = summary
    self.marker = marker
    self.notes = notes
    self.suggestion = suggestion
  }

  var description: String { "\(code): \(summary) @ \(marker)" }
}

/// Runs a marked script and checks its diagnostics: the same number, in order, each with the
/// expected code, summary, exact `line:column`, notes and suggestion.
@discardableResult
func expectDiagnostics(
  _ marked: String, _ expected: [Expected], modules: [String: String] = [:],
  options: Interpreter.Options = .init(maxCallDepth: 200),
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> Run {
  let source = MarkedSource(marked)
  let outcome = run(source.text, modules: modules, options: options)
  /// Notes expected without a marker are compared by message only.
  func describe(_ diagnostic: Diagnostic, _ expectation: Expected?) -> String {
    let place = diagnostic.range.map { "\($0.file.name):\($0.startLocation)" } ?? "-"
    var text = "\(diagnostic.code): \(diagnostic.summary) @ \(place)"
    if let suggestion = diagnostic.suggestion { text += " (did you mean '\(suggestion)')" }
    for (index, note) in diagnostic.notes.enumerated() {
      let anyPlace = expectation.map { index < $0.notes.count && $0.notes[index].1 == nil } ?? false
      text += "\n    note: \(note.message) @ "
        + (anyPlace ? "*" : note.range.map { "\($0.file.name):\($0.startLocation)" } ?? "-")
    }
    return text
  }
  func describe(_ expected: Expected) -> String {
    var text = "\(expected.code): \(expected.summary) @ main.spire:\(source.location(expected.marker))"
    if let suggestion = expected.suggestion { text += " (did you mean '\(suggestion)')" }
    for (message, marker) in expected.notes {
      text += "\n    note: \(message) @ " + (marker.map { "main.spire:\(source.location($0))" } ?? "*")
    }
    return text
  }
  let actual = outcome.diagnostics.enumerated().map { index, diagnostic in
    describe(diagnostic, index < expected.count ? expected[index] : nil)
  }
  #expect(actual == expected.map(describe), "rendered:\n\(outcome.rendered)", sourceLocation: sourceLocation)
  return outcome
}

