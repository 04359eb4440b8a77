import Foundation
import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Whole-output tests against checked-in files under `Golden/`: `NAME.spire` is run, and its
/// diagnostics, rendered without colors, must equal `NAME.txt` exactly.
@Suite("Golden diagnostics")
struct GoldenTests {
  static func golden(_ name: String, _ ext: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Golden"),
      "missing Golden/\(name).\(ext)")
    return try String(contentsOf: url, encoding: .utf8)
  }

  @Test func threeIndependentMistakesGiveExactlyThreeDiagnostics() throws {
    let source = try Self.golden("three-mistakes", "spire")
    let expected = try Self.golden("three-mistakes", "txt")
    let outcome = run(source, name: "three-mistakes.spire")
    #expect(outcome.diagnostics.count == 3)
    #expect(outcome.diagnostics.map(\.code) == ["undefined-name", "assign-to-constant", "unexpected-token"])
    #expect(outcome.rendered == expected, "rendered:\n\(outcome.rendered)")
    #expect(outcome.host.declarations.isEmpty, "a script with errors must not run")
  }

  @Test func runtimeErrorWithAStack() throws {
    let source = try Self.golden("runtime-stack", "spire")
    let expected = try Self.golden("runtime-stack", "txt")
    let outcome = run(source, name: "runtime-stack.spire")
    #expect(outcome.diagnostics.count == 1)
    #expect(outcome.rendered == expected, "rendered:\n\(outcome.rendered)")
    #expect(outcome.output == "checking prod\nchecking staging\n")
  }
}
