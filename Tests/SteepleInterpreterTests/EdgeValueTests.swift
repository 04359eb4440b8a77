import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// Values at the edges of Int, and lists nested deeper than a naive recursive walk could go.
@Suite("Values at the edges: ranges of Int, deeply nested lists")
struct EdgeValueTests {
  // MARK: range() at the edges of Int

  @Test func rangeListsAtTheEdgesOfIntDoNotTrap() {
    // Both crashed with an arithmetic-overflow trap while counting or building the list.
    #expect(evaluate("range(-1, 9223372036854775807, 9223372036854775807)") == "[-1, 9223372036854775806]")
    #expect(evaluate("range(5, 0, -9223372036854775807 - 1)") == "[5]")
    #expect(evaluate("range(-9223372036854775807 - 1, 9223372036854775807, 9223372036854775807)")
      == "[-9223372036854775808, -1, 9223372036854775806]")
    #expect(evaluate("range(9223372036854775807, -9223372036854775807 - 1, -9223372036854775807 - 1)")
      == "[9223372036854775807, -1]")
    #expect(evaluate("range(9223372036854775806, 9223372036854775807)") == "[9223372036854775806]")
  }

  @Test func rangeListsAgreeWithTheForForm() {
    for (start, end, step) in [(0, 10, 3), (10, 0, -3), (-5, 5, 2), (5, -5, -7), (3, 3, 1), (0, -1, 1)] {
      let script = """
        var counted = []
        for i in range(\(start), \(end), \(step)) { counted.append(i) }
        print(counted == range(\(start), \(end), \(step)), len(counted))
        """
      #expect(output(script).hasPrefix("true "), "range(\(start), \(end), \(step))")
    }
  }

  // MARK: Deep equality

  @Test func equalityOfDeeplyNestedValuesIsCorrect() {
    // Past 256 levels `==` answered false for equal values.
    let script = """
      fn mk(n) { var x = []; for i in range(n) { x = [x] }; x }
      fn leaf(n, v) { var x = { v: v }; for i in range(n) { x = { v: [x] } }; x }
      print(mk(300) == mk(300), mk(300) != mk(300), mk(300) == mk(301))
      print(mk(50000) == mk(50000), leaf(2000, 1) == leaf(2000, 1), leaf(2000, 1) == leaf(2000, 2))
      """
    #expect(output(script) == "true false false\ntrue true false\n")
  }

  @Test func orderingOfDeeplyNestedListsIsACleanError() {
    let outcome = run("fn mk(n) { var x = []; for i in range(n) { x = [x] }; x }\nprint(mk(300) < mk(300))")
    #expect(outcome.code == "nesting-too-deep")
  }
}
