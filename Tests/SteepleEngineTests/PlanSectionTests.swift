import Foundation
import SteepleEngine
import SteepleModel
import Testing

/// A domain's sections of a plan: printed after the resource changes, under their key in JSON,
/// and counted as changes; the engine knows nothing of what they say.
@Suite("plan sections")
struct PlanSectionTests {
  typealias F = Fixtures

  struct Note: PlanSection {
    var hasChanges: Bool
    var key: String { "notes" }
    func text(colors: Bool) -> String { colors ? "\u{1B}[1mnotes\u{1B}[0m\n" : "notes: \(hasChanges ? "changed" : "same")\n" }
    var json: JSONValue { .object([("changed", .bool(hasChanges))]) }
  }

  @Test("text: a section follows the actions after a blank line, coloured only when asked")
  func text() throws {
    let plan = try Planner.plan(desired: [F.account("a")], observed: [], provider: "fake")
    let actions = PlanRenderer.text(plan)
    #expect(PlanRenderer.text(plan, sections: [Note(hasChanges: false)]) == actions + "\nnotes: same\n")
    #expect(PlanRenderer.text(plan, sections: [Note(hasChanges: true)], colors: true) == actions + "\n\u{1B}[1mnotes\u{1B}[0m\n")
  }

  @Test("a plan with no actions says so, unless a section has changes")
  func emptyPlan() {
    let empty = Plan(actions: [], provider: "fake")
    #expect(PlanRenderer.text(empty, sections: [Note(hasChanges: false)]) == "No changes. What exists matches the script.\n")
    #expect(PlanRenderer.text(empty, sections: [Note(hasChanges: true)]) == "notes: changed\n")
    #expect(!empty.hasChanges(with: [Note(hasChanges: false)]) && empty.hasChanges(with: [Note(hasChanges: true)]))
  }

  @Test("JSON: each section under its key after the actions, and counted in changes")
  func json() throws {
    let empty = Plan(actions: [], provider: "fake")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(PlanRenderer.json(empty, sections: [Note(hasChanges: true)]).utf8)) as? [String: Any])
    #expect(document["changes"] as? Bool == true)
    #expect(document["notes"] as? [String: Bool] == ["changed": true])
    #expect(PlanRenderer.json(empty, sections: [Note(hasChanges: false)]).hasSuffix("  \"actions\": [],\n  \"notes\": {\n    \"changed\": false\n  }\n}\n"))
  }
}
