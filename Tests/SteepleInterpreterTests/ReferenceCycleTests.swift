import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Reference cycles are freed")
struct ReferenceCycleTests {
  final class Watched: @unchecked Sendable {
    struct Entry {
      weak var list: ListObject?
      weak var record: RecordObject?
      weak var function: FunctionObject?
    }
    var entries: [Entry] = []
    var alive: Int { entries.filter { $0.list != nil || $0.record != nil || $0.function != nil }.count }
  }

  /// A builtin `watch(x)` that keeps a weak reference to what it is given.
  func watcher(_ watched: Watched) -> BuiltinFunction {
    BuiltinFunction("watch") { call in
      switch call.positional[0] {
      case .list(let list): watched.entries.append(.init(list: list))
      case .record(let record): watched.entries.append(.init(record: record))
      case .function(let function): watched.entries.append(.init(function: function))
      default: break
      }
      return .nil
    }
  }

  @Test func cyclesAreFreedWithTheirInterpreter() {
    let watched = Watched()
    do {
      let interpreter = Interpreter(options: .init(maxCallDepth: 200), output: { _ in })
      interpreter.define(watcher(watched))
      let result = interpreter.run("""
        fn make_counter() {
          var count = 0
          fn next() { count += 1 }
          next
        }
        let counter = make_counter()
        watch(counter)
        fn cycle() {
          let xs = []
          xs.append(xs)
          watch(xs)
          let r = { name: "r" }
          r.me = r
          r.f = fn() { r }
          watch(r)
        }
        for i in range(3) { cycle() }
        var top = []
        top.append(fn() { top })
        watch(top)
        watch(make_counter)
        """)
      #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
      #expect(watched.entries.count == 9)
      // Still alive: the cycles hold them.
      #expect(watched.alive == 9)
      #expect(interpreter.cycleBreaker.trackedCount > 0)
    }
    #expect(watched.alive == 0)
  }

  @Test func aCycleCopiedIntoADeclarationIsFreedToo() {
    // Found by the fuzzer: the declaration's frozen copy of a list that contains itself leaked.
    let watched = Watched()
    do {
      let interpreter = Interpreter(options: .init(maxCallDepth: 200), output: { _ in })
      interpreter.define(watcher(watched))
      let result = interpreter.run("""
        var cyclic = []
        cyclic.append(cyclic)
        let r = { name: "r" }
        r.me = r
        let handle = account "a" { s: cyclic, r: r }
        watch(handle.s)
        watch(handle.r)
        """)
      #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
      #expect(watched.alive == 2)
    }
    #expect(watched.alive == 0)
  }

  @Test func valuesThatFormNoCycleAreNotTrackedAndAreFreedAtOnce() {
    let watched = Watched()
    let interpreter = Interpreter(options: .init(maxCallDepth: 200), output: { _ in })
    interpreter.define(watcher(watched))
    let result = interpreter.run("""
      fn f() {
        let xs = [1, "a", [2]]
        xs.append(3)
        watch(xs)
        let r = { a: 1 }
        r.b = "x"
        watch(r)
      }
      for i in range(5) { f() }
      """)
    #expect(result.diagnostics.isEmpty)
    #expect(watched.entries.count == 10)
    #expect(watched.alive == 0)
    // Only the module's frame is tracked.
    #expect(interpreter.cycleBreaker.trackedCount == 1)
  }
}
