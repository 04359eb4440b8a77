import Foundation
import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Golden files for the diagnostics script authors meet first: other languages' habits, and
/// carets under text that is not plain ASCII.
@Suite("Golden diagnostics: script authors")
struct GoldenScriptAuthorTests {
  @Test func otherLanguagesHabitsNameTheSteepleSpelling() throws {
    let source = try GoldenTests.golden("other-languages", "spire")
    let expected = try GoldenTests.golden("other-languages", "txt")
    let outcome = run(source, name: "other-languages.spire")
    #expect(outcome.diagnostics.count == 9)
    #expect(outcome.rendered == expected, "rendered:\n\(outcome.rendered)")
  }

  @Test func caretsLineUpUnderWideAndCombiningCharactersAndTabs() throws {
    let source = try GoldenTests.golden("wide-characters", "spire")
    let expected = try GoldenTests.golden("wide-characters", "txt")
    let outcome = run(source, name: "wide-characters.spire")
    #expect(outcome.diagnostics.count == 3)
    #expect(outcome.rendered == expected, "rendered:\n\(outcome.rendered)")
  }
}
