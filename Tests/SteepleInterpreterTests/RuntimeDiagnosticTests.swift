import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Diagnostics: runtime")
struct RuntimeDiagnosticTests {
  @Test func arithmeticTypeMismatches() {
    let outcome = expectDiagnostics(#"let x = 1️⃣"port " + 80"#, [
      Expected("type-mismatch", "cannot apply '+' to string and int", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.range?.text == #""port " + 80"#)
    #expect(outcome.diagnostics.first?.detail
      == #"'+' adds numbers and joins two strings or two lists; to put an int into a string, use str(x) or interpolation "...\(x)""#)
    let list = expectDiagnostics("let xs = [1]\nlet ys = 1️⃣xs + 2", [
      Expected("type-mismatch", "cannot apply '+' to list and int", at: "1️⃣"),
    ])
    #expect(list.diagnostics.first?.detail == "'+' adds numbers and joins two strings or two lists; to add one element, use xs.append(x) or xs + [x]")
    let minus = expectDiagnostics(#"let x = 1️⃣5 - "a""#, [Expected("type-mismatch", "cannot apply '-' to int and string", at: "1️⃣")])
    #expect(minus.diagnostics.first?.detail == "'-' applies to two numbers")
    expectDiagnostics("let x = 1️⃣nil * 2", [Expected("type-mismatch", "cannot apply '*' to nil and int", at: "1️⃣")])
    expectDiagnostics("let x = 1️⃣[1] / [2]", [Expected("type-mismatch", "cannot apply '/' to list and list", at: "1️⃣")])
    expectDiagnostics(#"let x = 1️⃣{} % "a""#, [Expected("type-mismatch", "cannot apply '%' to record and string", at: "1️⃣")])
    expectDiagnostics(#"let x = 1️⃣-"a""#, [Expected("type-mismatch", "cannot negate string", at: "1️⃣")])
  }

  @Test func comparisonAndMembershipMismatches() {
    expectDiagnostics(#"print(1️⃣1 < "2")"#, [Expected("type-mismatch", "cannot compare int with string", at: "1️⃣")])
    expectDiagnostics("print(1️⃣nil >= 0)", [Expected("type-mismatch", "cannot compare nil with int", at: "1️⃣")])
    expectDiagnostics("print(1️⃣{} < {})", [Expected("type-mismatch", "cannot compare record with record", at: "1️⃣")])
    expectDiagnostics("print(1️⃣3 in 5)", [
      Expected("type-mismatch", "'in' needs a list, record or string on the right, not int", at: "1️⃣"),
    ])
    expectDiagnostics(#"print(1️⃣1 in "abc")"#, [
      Expected("type-mismatch", "'in' on a string needs a string on the left, not int", at: "1️⃣"),
    ])
  }

  @Test func compoundAssignmentMismatch() {
    expectDiagnostics("var s = \"a\"\n1️⃣s += 1", [Expected("type-mismatch", "cannot apply '+' to string and int", at: "1️⃣")])
    expectDiagnostics("var xs = [1]\n1️⃣xs += 1", [Expected("type-mismatch", "cannot apply '+' to list and int", at: "1️⃣")])
    expectDiagnostics("let r = { port: 1 }\nr.1️⃣prot += 1", [
      Expected("unknown-field", "record has no field 'prot'", at: "1️⃣", suggestion: "port"),
    ])
  }

  @Test func indexErrors() {
    let outcome = expectDiagnostics("let xs = [1, 2, 3]\nprint(xs[1️⃣5])", [
      Expected("index-out-of-range", "index 5 is out of range for a list of 3 elements", at: "1️⃣"),
    ])
    #expect(outcome.diagnostics.first?.detail == "valid indices are 0 to 2, or -3 to -1 from the end")
    expectDiagnostics("let xs = [1]\nprint(xs[1️⃣-2])", [
      Expected("index-out-of-range", "index -2 is out of range for a list of 1 element", at: "1️⃣"),
    ])
    let empty = expectDiagnostics("print([][1️⃣0])", [
      Expected("index-out-of-range", "index 0 is out of range for a list of 0 elements", at: "1️⃣"),
    ])
    #expect(empty.diagnostics.first?.detail == "the list is empty")
    expectDiagnostics(#"print("ab"[1️⃣2])"#, [
      Expected("index-out-of-range", "index 2 is out of range for a string of 2 elements", at: "1️⃣"),
    ])
    expectDiagnostics("var xs = [1]\nxs[1️⃣1] = 2", [
      Expected("index-out-of-range", "index 1 is out of range for a list of 1 element", at: "1️⃣"),
    ])
    expectDiagnostics(#"print([1][1️⃣"a"])"#, [Expected("type-mismatch", "list index must be an int, not string", at: "1️⃣")])
    expectDiagnostics("print([1][1️⃣1.0])", [Expected("type-mismatch", "list index must be an int, not float", at: "1️⃣")])
    expectDiagnostics("print({ a: 1 }[1️⃣0])", [Expected("type-mismatch", "record key must be a string, not int", at: "1️⃣")])
    expectDiagnostics("print(1️⃣5[0])", [Expected("type-mismatch", "cannot index into int", at: "1️⃣")])
    expectDiagnostics("let s = \"abc\"\n1️⃣s[0] = \"x\"", [Expected("type-mismatch", "cannot assign into string", at: "1️⃣")])
    expectDiagnostics("let n = 1\nn.1️⃣x = 2", [Expected("type-mismatch", "cannot set field 'x' on int", at: "1️⃣")])
  }

  @Test func unknownFields() {
    let outcome = expectDiagnostics("""
      let server = { name: "web", port: 80 }
      print(server.1️⃣nmae)
      """, [Expected("unknown-field", "record has no field 'nmae'", at: "1️⃣", suggestion: "name")])
    #expect(outcome.diagnostics.first?.detail == "its fields are: name, port")
    let subscripted = expectDiagnostics("""
      let server = { name: "web", port: 80 }
      print(server[1️⃣"prot"])
      """, [Expected("unknown-field", #"record has no field "prot""#, at: "1️⃣", suggestion: "port")])
    #expect(subscripted.diagnostics.first?.detail == #"its fields are: name, port; test with "name" in record first"#)
    let empty = expectDiagnostics("print({}.1️⃣x)", [Expected("unknown-field", "record has no field 'x'", at: "1️⃣")])
    #expect(empty.diagnostics.first?.detail == "the record is empty")
  }

  @Test func callingANonFunction() {
    expectDiagnostics("let x = 5\n1️⃣x()", [Expected("not-callable", "int is not a function", at: "1️⃣")])
    expectDiagnostics("let r = { a: 1 }\n1️⃣r.a()", [Expected("not-callable", "int is not a function", at: "1️⃣")])
    expectDiagnostics(#"1️⃣"text"(1)"#, [Expected("not-callable", "string is not a function", at: "1️⃣")])
    expectDiagnostics("1️⃣nil()", [Expected("not-callable", "nil is not a function", at: "1️⃣")])
  }

  @Test func wrongArgumentCounts() {
    expectDiagnostics("2️⃣fn pair(a, b) { }\n1️⃣pair(1, 2, 3)", [
      Expected("argument-count", "pair() takes 2 arguments, but 3 were given", at: "1️⃣", notes: [("pair is defined here", "2️⃣")]),
    ])
    expectDiagnostics("2️⃣fn one(a) { }\n1️⃣one(1, 2)", [
      Expected("argument-count", "one() takes 1 argument, but 2 were given", at: "1️⃣", notes: [("one is defined here", "2️⃣")]),
    ])
    expectDiagnostics("fn pair(a, 2️⃣b) { }\n1️⃣pair(1)", [
      Expected("missing-argument", "missing argument 'b' in call to pair()", at: "1️⃣", notes: [("'b' is declared here", "2️⃣")]),
    ])
    expectDiagnostics("fn pair(2️⃣a, b) { }\n1️⃣pair(b: 1)", [
      Expected("missing-argument", "missing argument 'a' in call to pair()", at: "1️⃣", notes: [("'a' is declared here", "2️⃣")]),
    ])
    expectDiagnostics("let f = 2️⃣fn(x) { x }\n1️⃣f(1, 2)", [
      Expected("argument-count", "<anonymous>() takes 1 argument, but 2 were given", at: "1️⃣",
        notes: [("<anonymous> is defined here", "2️⃣")]),
    ])
  }

  @Test func unknownKeywordArgument() {
    let outcome = expectDiagnostics("2️⃣fn connect(host, port = 443) { }\n1️⃣connect(\"h\", prot: 80)", [
      Expected("unknown-argument", "connect() has no parameter named 'prot'", at: "1️⃣",
        notes: [("connect is defined here", "2️⃣")], suggestion: "port"),
    ])
    #expect(outcome.diagnostics.first?.detail == "its parameters are: host, port")
    let none = expectDiagnostics("2️⃣fn f() { }\n1️⃣f(x: 1)", [
      Expected("unknown-argument", "f() has no parameter named 'x'", at: "1️⃣", notes: [("f is defined here", "2️⃣")]),
    ])
    #expect(none.diagnostics.first?.detail == "f() takes no arguments")
  }

  @Test func argumentGivenByPositionAndLabel() {
    expectDiagnostics("fn f(a, b) { }\n1️⃣f(1, a: 2)", [
      Expected("duplicate-argument", "argument 'a' of f() is given twice", at: "1️⃣"),
    ])
    expectDiagnostics("fn pair(a, b) { }\n1️⃣pair(1, 2, b: 3)", [
      Expected("duplicate-argument", "argument 'b' of pair() is given twice", at: "1️⃣"),
    ])
  }

  @Test func forOverANonSequence() {
    expectDiagnostics("for x in 1️⃣42 { }", [Expected("type-mismatch", "cannot iterate over int", at: "1️⃣")])
    let record = expectDiagnostics("for x in 1️⃣{ a: 1 } { }", [
      Expected("type-mismatch", "a record is iterated as key-value pairs", at: "1️⃣"),
    ])
    #expect(record.diagnostics.first?.detail == "write 'for (key, value) in record', or iterate over keys(record)")
    expectDiagnostics("for i in range(1️⃣\"3\") { }", [
      Expected("type-mismatch", "range() expects int arguments, but got string", at: "1️⃣"),
    ])
  }

  @Test func failReportsTheCallAndTheStack() {
    let outcome = expectDiagnostics("""
      fn check(port) {
        if port < 1024 { 1️⃣fail("port \\(port) is privileged") }
      }
      fn configure(ports) {
        for p in ports { 2️⃣check(p) }
      }
      3️⃣configure([8080, 80])
      """, [Expected("fail", "port 80 is privileged", at: "1️⃣")])
    let source = MarkedSource("""
      fn check(port) {
        if port < 1024 { 1️⃣fail("port \\(port) is privileged") }
      }
      fn configure(ports) {
        for p in ports { 2️⃣check(p) }
      }
      3️⃣configure([8080, 80])
      """)
    let stack = outcome.diagnostics.first?.stack ?? []
    #expect(stack.map(\.function) == ["check", "configure"])
    #expect(stack.map { "\($0.range.startLocation)" } == [source.location("2️⃣"), source.location("3️⃣")])
    #expect(outcome.rendered == """
      main.spire:2:20: error: port 80 is privileged
       2 |   if port < 1024 { fail("port \\(port) is privileged") }
         |                    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
         = help: the script called fail() here
         = call stack, innermost first:
             main.spire:5:20: in check
             main.spire:7:1: in configure

      """)
  }

  @Test func runtimeErrorsInAnonymousFunctionsAndMethodsHaveStacks() {
    let outcome = run("""
      let xs = [1, 2, 0]
      let inverted = []
      let invert = fn(x) { 100 / x }
      for x in xs { inverted.append(invert(x)) }
      """)
    #expect(outcome.code == "division-by-zero")
    #expect(outcome.diagnostics.first?.stack.map(\.function) == ["<anonymous>"])
  }

  @Test func outputBeforeARuntimeErrorIsKept() {
    let outcome = run("print(\"one\")\nlet x = [][0]\nprint(\"two\")")
    #expect(outcome.output == "one\n")
    #expect(outcome.code == "index-out-of-range")
  }

  @Test func staticErrorsStopTheScriptBeforeItRuns() {
    let outcome = run("print(\"one\")\nlet x = nope")
    #expect(outcome.output == "")
    #expect(outcome.code == "undefined-name")
  }
}
