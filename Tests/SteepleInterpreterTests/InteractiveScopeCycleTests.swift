import SteepleSyntax
import Testing

@testable import SteepleInterpreter

/// The frames of an interactive session's inputs: alive from one input to the next (later inputs
/// and earlier functions use them), and freed, cycles and all, when the session's interpreter goes.
@Suite("interactive scope: frames across inputs")
struct InteractiveScopeCycleTests {
  @Test func framesLiveAcrossInputsAndAreFreedWithTheInterpreter() {
    let watched = ReferenceCycleTests.Watched()
    do {
      let interpreter = Interpreter(output: { _ in })
      interpreter.define(ReferenceCycleTests().watcher(watched))
      let scope = InteractiveScope()
      func evaluate(_ text: String) -> Interpreter.Result {
        interpreter.evaluate(SourceFile(name: "<repl>", text: text), in: scope)
      }
      // A list holding a function that holds the list's frame: a cycle through the input's frame.
      #expect(evaluate("var top = []\ntop.append(fn() { top })\nwatch(top)").diagnostics.isEmpty)
      #expect(evaluate("fn size() { len(top) }\nwatch(size)").diagnostics.isEmpty)
      let grown = evaluate("top.append(2)\nsize()")
      #expect(grown.diagnostics.isEmpty, "\(grown.diagnostics)")
      #expect(grown.value.map { "\($0.literal)" } == "2")
      // The function in the list still sees the variable of the first input.
      #expect(evaluate("len(top[0]())").value.map { "\($0.literal)" } == "2")
      #expect(watched.alive == 2)
      scope.reset()
      // Forgotten by the scope, but still in their cycles until the interpreter goes.
      #expect(watched.alive == 2)
    }
    #expect(watched.alive == 0)
  }
}
