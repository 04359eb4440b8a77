import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// `for (i, x) in enumerate(xs)`: the two-name `for` already counts, so `x` would be a pair.
/// Warned at the `for`, with the fix of walking the list itself.
@Suite("enumerate in a two-name for")
struct EnumerateInForTests {
  @Test("warns at the call with a fix-it that walks the list")
  func warns() {
    let outcome = run("""
      let names = ["a", "b"]
      for (i, name) in enumerate(names) {
        print(i, name)
      }
      """)
    #expect(outcome.succeeded)
    #expect(outcome.output == "0 [0, \"a\"]\n1 [1, \"b\"]\n")
    #expect(outcome.rendered == """
      main.spire:2:18: warning: 'for (i, name) in enumerate(...)' makes 'name' an [index, element] pair
       2 | for (i, name) in enumerate(names) {
         |                  ^~~~~~~~~~~~~~~~
         = help: a 'for' with two names already gives each element's index: 'for (i, name) in names' binds 'i' to 0, 1, ... and 'name' to the element
         = fix-it: walk the list itself: 'names'

      """)
    #expect(outcome.diagnostics.first?.fixIt?.range.text == "enumerate(names)")
    #expect(outcome.diagnostics.first?.fixIt?.replacement == "names")
  }

  @Test("one name over enumerate, a shadowing enumerate, and other calls do not warn")
  func quietOtherwise() {
    let outcome = run("""
      for pair in enumerate([1]) { print(pair) }
      for (i, x) in reversed([1]) { print(i, x) }
      fn pairs(xs) { enumerate(xs) }
      for (i, x) in pairs([7]) { print(i, x) }
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    let shadowed = run("""
      fn enumerate(xs) { xs }
      for (i, x) in enumerate([5]) { print(i, x) }
      """)
    #expect(shadowed.diagnostics.isEmpty, "\(shadowed.rendered)")
    #expect(shadowed.output == "0 5\n")
  }
}
