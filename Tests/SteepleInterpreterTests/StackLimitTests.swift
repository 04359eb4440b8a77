import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Budgets and limits: the native stack")
struct StackLimitTests {
  /// Without a call count, recursion stops where the thread's stack nearly ends, on any stack.
  @Test(arguments: [1 << 20, 4 << 20, 64 << 20])
  func deepRecursionIsACleanErrorOnAnyStack(stackSize: Int) {
    let outcome = LargeStack.run(stackSize: stackSize) {
      run("fn down(n) { 1 + down(n + 1) }\ndown(0)", options: .init(maxCallDepth: nil))
    }
    #expect(outcome.diagnostics.map(\.code) == ["call-depth"])
    #expect(outcome.diagnostics.first?.summary.hasSuffix("deep): the stack is nearly full") == true)
    #expect(outcome.diagnostics.first?.range?.text == "down(n + 1)")
  }

  @Test func recursionThroughABuiltinStopsCleanlyToo() {
    let outcome = LargeStack.run(stackSize: 2 << 20) {
      run("fn down(n) { sorted([1, 2], key: fn(x) { down(n + 1) }) }\ndown(0)", options: .init(maxCallDepth: nil))
    }
    #expect(outcome.diagnostics.map(\.code) == ["call-depth"])
  }
}
