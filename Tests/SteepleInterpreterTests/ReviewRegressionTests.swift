import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// The bugs a hostile review of the language found (issue 5), each pinned by a test that fails
/// without its fix.
@Suite("Regressions from the language review")
struct ReviewRegressionTests {
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

@Suite("Regressions from the language review: limits")
struct ReviewLimitTests {
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

@Suite("Regressions from the language review: memory")
struct ReviewMemoryTests {
  /// Keeping big lists stops at the statement that would cross the limit, before allocating.
  @Test func keepingBigListsStopsAtTheMemoryLimit() {
    let limit = Limits.residentBytes() + (400 << 20)
    let source = MarkedSource("""
      var kept = []
      for i in range(100) {
        kept.append(1️⃣range(10000000))
      }
      """)
    let outcome = run(source.text, options: .init(maxMemory: limit))
    #expect(outcome.diagnostics.map(\.code) == ["memory-limit"])
    let diagnostic = outcome.diagnostics.first
    #expect(diagnostic?.range?.text == "range(10000000)")
    #expect(diagnostic.map { "\($0.range!.startLocation)" } == source.location("1️⃣"))
    #expect(diagnostic?.summary.hasPrefix("the run would use more than \(Limits.describeBytes(limit)) of memory") == true)
    #expect(diagnostic?.detail == "the script keeps too much data alive; build smaller values, or raise the limit with --max-memory")
  }

  @Test(arguments: [
    "var s = \"x\"\nwhile true { s = s + s }",
    "var xs = [0]\nwhile true { xs.append(1) }",
    "var xs = [[0]]\nfor i in range(100) { xs = xs + xs + xs }",
  ])
  func everyWayOfGrowingIsChecked(source: String) {
    let outcome = run(source, options: .init(maxSteps: 50_000_000, maxMemory: Limits.residentBytes() + (20 << 20)))
    #expect(outcome.code == "memory-limit", "\(outcome.rendered)")
  }

  @Test func byteCountsAreWrittenForPeople() {
    #expect(Limits.describeBytes(512) == "512 bytes")
    #expect(Limits.describeBytes(3 << 29) == "1.5 GiB")
    #expect(Limits.describeBytes(64 << 20) == "64 MiB")
  }

  @Test func theDefaultIsAShareOfTheMachine() {
    #expect(Interpreter.Options().maxMemory == Limits.defaultMaxMemory)
    #expect(Limits.defaultMaxMemory >= 64 << 20 && Limits.defaultMaxMemory <= Limits.physicalMemory())
  }
}

@Suite("Regressions from the language review: source text")
struct ReviewSourceTextTests {
  @Test func aLeadingByteOrderMarkIsSkipped() {
    let file = SourceFile(name: "main.spire", bytes: [0xEF, 0xBB, 0xBF] + Array("print(\"ok\")\nlet x = y".utf8))
    let buffer = OutputBuffer()
    let result = makeInterpreter(buffer: buffer, host: RecordingHost()).run(file)
    #expect(DiagnosticRenderer(colors: false).render(result.diagnostics) == """
      main.spire:2:9: error: undefined name 'y'
       2 | let x = y
         |         ^
         = help: declare it with 'let' or 'var' before this line, import the module it belongs to, or fix the spelling

      """)
    let clean = makeInterpreter(buffer: buffer, host: RecordingHost()).run(SourceFile(name: "bom.spire", bytes: [0xEF, 0xBB, 0xBF] + Array("print(1)".utf8)))
    #expect(clean.diagnostics.isEmpty)
    #expect(buffer.text == "1\n")
  }

  @Test func aByteOrderMarkElsewhereIsNamed() {
    expectDiagnostics("let x = 1\nlet y = 1️⃣\u{FEFF}2", [
      Expected("unexpected-character", "unexpected character U+FEFF zero width no-break space", at: "1️⃣"),
    ])
  }

  @Test func aStringInCurlyQuotesIsOneError() {
    let outcome = run("print(\u{201C}hi\u{201D}, 1)")
    #expect(outcome.diagnostics.map(\.summary) == ["unexpected character '\u{201C}' (U+201C left double quotation mark)"])
    #expect(outcome.diagnostics.first?.range?.text == "\u{201C}")
  }

  @Test func unusualCodePointsAreNamed() {
    let outcome = expectDiagnostics("let x1️⃣\u{A0}= 1\nlet y = 2️⃣\u{201C}hi\u{201D}\nlet z = 3️⃣\u{200B}1\nlet w = 2 4️⃣\u{2212} 1", [
      Expected("unexpected-character", "unexpected character U+00A0 no-break space", at: "1️⃣"),
      Expected("unexpected-character", "unexpected character '\u{201C}' (U+201C left double quotation mark)", at: "2️⃣"),
      Expected("unexpected-character", "unexpected character U+200B zero width space", at: "3️⃣"),
      Expected("unexpected-character", "unexpected character '\u{2212}' (U+2212 minus sign)", at: "4️⃣"),
    ])
    #expect(outcome.rendered.hasPrefix("""
      main.spire:1:6: error: unexpected character U+00A0 no-break space
       1 | let x\u{A0}= 1
         |      ^
         = help: an unusual space, easy to type by accident; replace it with a plain space

      """))
    #expect(outcome.diagnostics.map(\.detail) == [
      "an unusual space, easy to type by accident; replace it with a plain space",
      "strings use plain double quotes: \"text\"",
      "an invisible character; delete it",
      "use the ASCII '-' for subtraction and negation",
    ])
  }
}

@Suite("Regressions from the language review: verify")
struct ReviewVerifyTests {
  @Test func aComparisonAfterTheSubjectIsAnError() {
    // It declared `verify mtls "x"` and compared the check with b.
    let outcome = expectDiagnostics("""
      let a = "x"
      let b = "y"
      2️⃣verify mtls a 1️⃣== b
      """, [
        Expected("unexpected-token", "unexpected '==' after the check's subject", at: "1️⃣", notes: [("the check is here", "2️⃣")]),
      ])
    #expect(outcome.rendered.hasPrefix("""
      main.spire:3:15: error: unexpected '==' after the check's subject
       3 | verify mtls a == b
         |               ^~
         = help: the subject and peer of 'verify' are postfix expressions (a string, name, call, index or member) and nothing else may follow them on the line; put an expression in parentheses: verify mtls (a + b)
      main.spire:3:1: note: the check is here
       3 | verify mtls a == b
         | ^~~~~~~~~~~~~

      """))
    #expect(outcome.host.declarations.isEmpty)
  }

  @Test func anOperatorAfterThePeerIsAnError() {
    expectDiagnostics("""
      let ok = true
      2️⃣verify denied "a" -> "b" 1️⃣and ok
      """, [
        Expected("unexpected-token", "unexpected 'and' after the check's peer", at: "1️⃣", notes: [("the check is here", "2️⃣")]),
      ])
  }

  @Test func fieldsOnTheNextLineAreAnError() {
    expectDiagnostics("""
      2️⃣verify mtls "s"
        1️⃣{ timeout: 3 }
      """, [
        Expected("expected-token", "the fields of a check must begin on the line of 'verify'", at: "1️⃣",
          notes: [("the check is here", "2️⃣")]),
      ])
  }

  @Test func postfixOperandsAndParenthesesStillWork() {
    let outcome = run("""
      let names = { ui: "yelb-ui", db: ["yelb-db"] }
      fn id(x) { x }
      verify mtls names.ui -> id(names.db[0]) { timeout: 3 }
      verify svid ("a" + "b")
      let checks = [verify all, verify denied "x" -> "y"]
      print(verify all)
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    #expect(outcome.host.declarations.map { "\($0.name) \($0.arguments.map(\.literal))" } == [
      #"mtls ["\"yelb-ui\"", "\"yelb-db\""]"#, #"svid ["\"ab\""]"#, "all []", #"denied ["\"x\"", "\"y\""]"#, "all []",
    ])
  }
}

@Suite("Regressions from the language review: unused values")
struct ReviewUnusedValueTests {
  @Test func aNegativeLineAfterABindingWarnsWithAFixIt() {
    // It silently printed 10.
    let source = "let total = 10\n  - 3\nprint(total)"
    let outcome = run(source)
    #expect(outcome.output == "10\n")
    #expect(outcome.succeeded)
    #expect(outcome.rendered == """
      main.spire:2:3: warning: the value of '- 3' is unused
       2 |   - 3
         |   ^~~
         = help: a line that starts with '-' begins a new statement: it does not subtract from the line above; to continue that line, end it with the operator
         = fix-it: join it to the line above: 'let total = 10 - 3'

      """)
    let fixIt = outcome.diagnostics.first?.fixIt
    #expect(fixIt.map { "\($0.range.startLocation)-\($0.range.endLocation)" } == "1:15-2:5")
    #expect(fixIt?.replacement == " - ")
    #expect(DiagnosticJSON.encode(outcome.diagnostics).contains(#""fixit":{"message":"join it to the line above: 'let total = 10 - 3'","file":"main.spire","start":{"line":1,"column":15,"offset":14},"end":{"line":2,"column":5,"offset":19},"replacement":" - "}"#))
  }

  @Test func aComparisonStatementSuggestsAssignment() {
    let outcome = expectDiagnostics("var a = 1\nlet b = 2\n1️⃣a == b\nprint(a)", [
      Expected("unused-value", "the value of 'a == b' is unused", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.severity == .warning)
    #expect(outcome.diagnostics.first?.detail == "'==' compares two values and changes nothing; to assign, write '='")
    #expect(outcome.diagnostics.first?.fixIt?.message == "assign with '=': 'a = b'")
    #expect(outcome.diagnostics.first?.fixIt?.range.text == "==")
    #expect(outcome.output == "1\n")
  }

  @Test func bareNamesAndPureExpressionsWarnEverywhere() {
    expectDiagnostics("""
      let xs = [1]
      1️⃣xs
      fn f(n) {
        2️⃣n + 1
        3️⃣"text \\(n)"
        4️⃣xs[0]
        n
      }
      for i in xs { 5️⃣[i, { k: i }] }
      print(f(1))
      """, [
        Expected("unused-value", "the value of 'xs' is unused", at: "1️⃣"),
        Expected("unused-value", "the value of 'n + 1' is unused", at: "2️⃣"),
        Expected("unused-value", #"the value of '"text \(n)"' is unused"#, at: "3️⃣"),
        Expected("unused-value", "the value of 'xs[0]' is unused", at: "4️⃣"),
        Expected("unused-value", "the value of '[i, { k: i }]' is unused", at: "5️⃣"),
      ])
  }

  @Test func valuesThatAreUsedOrDoSomethingDoNotWarn() {
    let outcome = run("""
      fn f() { 1 }
      f()
      [f(), 2]
      "\\(f())"
      account "a" {}
      fn g(x) { if x { 1 } else { 2 } }
      print(g(true))
      fn h() { 5 }
      1 + 1
      """)
    #expect(outcome.diagnostics.isEmpty, "\(outcome.rendered)")
    // The last line of a script is its value.
    #expect(outcome.result.value?.literal == "2")
  }

  @Test func aFileWithErrorsShowsItsWarningsOnceTheErrorsAreFixed() {
    // What is left of a broken line (`i` of `i++`, a bare `mesh`) is no news.
    #expect(run("var i = 0\ni++\nlet x = 1\n- 3\nprint(x)").diagnostics.map(\.code) == ["unexpected-token"])
    #expect(run("mesh\nlet x = 1").diagnostics.map(\.code) == ["undefined-name"])
    #expect(run("var i = 0\ni += 1\nlet x = 1\n- 3\nprint(x)").diagnostics.map(\.code) == ["unused-value"])
  }

  @Test func warningsInAModuleAreReportedInItsFile() {
    let outcome = run("import \"lib\"\nprint(lib.x)", modules: ["lib": "let x = 1\nx\nlet y = 2\n"])
    #expect(outcome.output == "1\n")
    #expect(outcome.diagnostics.map { "\($0.code) \($0.range?.file.name ?? "-")" } == ["unused-value lib.spire"])
  }
}

@Suite("Regressions from the language review: declaration order")
struct ReviewDeclarationOrderTests {
  @Test func aLaterTopLevelNameDoesNotSilentlyReplaceABuiltinInAFunction() {
    // It printed "s"'s call error at run time, or worse, called the constant.
    let outcome = expectDiagnostics("""
      fn show(x) { 1️⃣str(x) }
      let 2️⃣str = "s"
      print(show(1))
      """, [
        Expected("shadowed-builtin", "'str' here is the constant declared below, not the builtin 'str'", at: "1️⃣",
          notes: [("'str' is declared here, after the function that uses it", "2️⃣")]),
      ])
    #expect(outcome.rendered == """
      main.spire:1:14: error: 'str' here is the constant declared below, not the builtin 'str'
       1 | fn show(x) { str(x) }
         |              ^~~
         = help: a declaration at the top of a scope that takes a builtin's name must come before the functions that use the name; move it above this function, or give it another name
      main.spire:2:5: note: 'str' is declared here, after the function that uses it
       2 | let str = "s"
         |     ^~~

      """)
  }

  @Test func usingABuiltinAboveADeclarationOfItsNameIsUsedBeforeDeclaration() {
    expectDiagnostics("""
      print(1️⃣type(1))
      let 2️⃣type = "eks"
      """, [
        Expected("used-before-declaration", "'type' is used before it is declared", at: "1️⃣",
          notes: [("'type' is declared here, shadowing the builtin", "2️⃣")]),
      ])
    // Inside functions, and for the builtins the compiler treats specially, too.
    expectDiagnostics("""
      fn f(xs) {
        var n = 1️⃣len(xs)
        for i in 3️⃣range(n) { }
        let 2️⃣len = 0
        let 4️⃣range = 1
      }
      """, [
        Expected("used-before-declaration", "'len' is used before it is declared", at: "1️⃣",
          notes: [("'len' is declared here, shadowing the builtin", "2️⃣")]),
        Expected("used-before-declaration", "'range' is used before it is declared", at: "3️⃣",
          notes: [("'range' is declared here, shadowing the builtin", "4️⃣")]),
      ])
  }

  @Test func shadowingABuiltinBeforeUsingItIsFine() {
    #expect(output("let type = \"eks\"\nfn f() { type }\nprint(type, f())") == "eks eks\n")
    #expect(output("fn f() { len([1]) }\nprint(f())\nif true { let len = 3\n print(len) }") == "1\n3\n")
  }

  @Test func aNestedFunctionReadingItsParentsLaterVariableTooEarlyIsAnError() {
    let outcome = run("""
      fn outer() {
        fn inner() { y }
        let early = inner()
        let y = 1
      }
      outer()
      """)
    #expect(outcome.diagnostics.map(\.summary) == ["'y' is used before its declaration has run"])
    #expect(outcome.diagnostics.first?.stack.map(\.function) == ["inner", "outer"])
  }

  @Test func assigningALaterVariableTooEarlyIsAnErrorToo() {
    expectDiagnostics("""
      fn bump() { 1️⃣count += 1 }
      bump()
      var 2️⃣count = 0
      """, [
        Expected("used-before-declaration", "'count' is used before its declaration has run", at: "1️⃣",
          notes: [("'count' is declared here", "2️⃣")]),
      ])
    expectDiagnostics("""
      fn set() { 1️⃣count = 5 }
      set()
      var 2️⃣count = 0
      """, [
        Expected("used-before-declaration", "'count' is used before its declaration has run", at: "1️⃣",
          notes: [("'count' is declared here", "2️⃣")]),
      ])
    #expect(output("fn bump() { count += 1 }\nfn set() { count = 5 }\nvar count = 0\nbump()\nset()\nbump()\nprint(count)") == "6\n")
  }

  @Test func laterFunctionsAreCalledOnceDeclared() {
    #expect(output("""
      fn a() { b() + c }
      fn b() { 1 }
      let c = 2
      print(a())
      var log = []
      for i in range(2) {
        fn note() { log.append(i) }
        note()
      }
      print(log)
      """) == "3\n[0, 1]\n")
  }
}

@Suite("Regressions from the language review: imports")
struct ReviewImportTests {
  let modules = [
    "loud": "print(\"loud ran\")\nlet value = 1",
    "outer": "import \"loud\"\nprint(\"outer ran\")\nlet value = loud.value + 1",
    "typo": "let x = nope",
    "crash": "print(\"crash ran\")\nlet y = [][1]",
  ]

  @Test func nothingRunsWhenTheImporterHasResolveErrors() {
    // The module printed "loud ran" although the script could not run.
    let outcome = run("import \"outer\"\nprint(missing)", modules: modules)
    #expect(outcome.output == "")
    #expect(outcome.diagnostics.map(\.code) == ["undefined-name"])
  }

  @Test func nothingRunsWhenAnotherModuleHasResolveErrors() {
    let outcome = run("import \"loud\"\nimport \"typo\"\nprint(loud.value)", modules: modules)
    #expect(outcome.output == "")
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "undefined-name"])
  }

  @Test func modulesRunOnceEachAfterTheirImportsThenTheScript() {
    let outcome = run("import \"outer\"\nimport \"loud\"\nprint(outer.value, loud.value)", modules: modules)
    #expect(outcome.diagnostics.isEmpty)
    #expect(outcome.output == "loud ran\nouter ran\n2 1\n")
  }

  @Test func aModuleThatFailsAtRunTimeStopsTheRest() {
    let outcome = run("import \"crash\"\nimport \"loud\"\nprint(1)", modules: modules)
    #expect(outcome.output == "crash ran\n")
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "index-out-of-range"])
    #expect(outcome.diagnostics.first?.range?.text == "\"crash\"")
  }

  @Test func aModuleOfAFailedRunLoadsCleanlyInTheNextRun() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(modules: modules, buffer: buffer, host: RecordingHost())
    #expect(!interpreter.run("import \"loud\"\nprint(nope)").succeeded)
    let second = interpreter.run("import \"loud\"\nprint(loud.value)")
    #expect(second.diagnostics.isEmpty)
    #expect(buffer.text == "loud ran\n1\n")
    // Cached after a successful run: a third run does not run it again.
    _ = interpreter.run("import \"loud\"\nprint(loud.value)")
    #expect(buffer.text == "loud ran\n1\n1\n")
  }
}

@Suite("Regressions from the language review: reference cycles")
struct ReviewCycleTests {
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

@Suite("Regressions from the language review: imports and the host")
struct ReviewImportHostTests {
  final class Spy: DeclarationHost {
    var events: [String] = []
    func declare(_ declaration: DeclarationRecord) throws -> Value {
      events.append("declare \(declaration.name)")
      return .nil
    }
    func runWillStart() { events.append("run") }
    func moduleWillLoad(_ id: String) { events.append("will \(id)") }
    func moduleDidLoad(_ id: String, loaded: Bool) { events.append("did \(id) \(loaded)") }
    func moduleReused(_ id: String) { events.append("reused \(id)") }
  }

  let modules = [
    "a": "import \"b\"\naccount \"from-a\" {}",
    "b": "account \"from-b\" {}",
    "c": "import \"b\"\naccount \"from-c\" {}",
  ]

  @Test func theHostSeesModuleLoadsNestedAsTheImportsAre() {
    let spy = Spy()
    let interpreter = Interpreter(host: spy, loader: InMemoryModuleLoader(modules), output: { _ in })
    let result = interpreter.run("import \"a\"\nimport \"c\"\naccount \"main\" {}")
    #expect(result.diagnostics.isEmpty)
    #expect(spy.events == [
      "run", "will a", "will b", "declare from-b", "did b true", "declare from-a", "did a true",
      "will c", "reused b", "declare from-c", "did c true", "declare main",
    ])
    spy.events = []
    _ = interpreter.run("import \"c\"")
    #expect(spy.events == ["run", "reused c"])
  }

  @Test func theHostSeesNothingDeclaredWhenTheProgramDoesNotResolve() {
    let spy = Spy()
    let interpreter = Interpreter(host: spy, loader: InMemoryModuleLoader(modules), output: { _ in })
    _ = interpreter.run("import \"a\"\nprint(nope)")
    #expect(spy.events == ["run"])
  }
}
