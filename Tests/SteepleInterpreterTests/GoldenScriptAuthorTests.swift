import Foundation
import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Golden files for the diagnostics script authors meet first: other languages' habits, and
/// carets under text that is not plain ASCII.
@Suite("Golden diagnostics: script authors")
struct GoldenScriptAuthorTests {
  /// Runs `Golden/NAME.spire` and compares its rendered diagnostics with `Golden/NAME.txt`.
  func expectGolden(_ name: String, count: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let source = try GoldenTests.golden(name, "spire")
    let expected = try GoldenTests.golden(name, "txt")
    let outcome = run(source, name: "\(name).spire")
    #expect(outcome.diagnostics.count == count, sourceLocation: sourceLocation)
    #expect(outcome.rendered == expected, "rendered:\n\(outcome.rendered)", sourceLocation: sourceLocation)
  }

  @Test func otherLanguagesHabitsNameTheSteepleSpelling() throws {
    try expectGolden("other-languages", count: 9)
  }

  @Test func caretsLineUpUnderWideAndCombiningCharactersAndTabs() throws {
    try expectGolden("wide-characters", count: 3)
  }
}
