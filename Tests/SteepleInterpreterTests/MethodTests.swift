import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("String and list methods")
struct MethodTests {
  @Test(arguments: [
    (#""a,b,,c".split(",")"#, #"["a", "b", "", "c"]"#),
    (#""a--b".split("--")"#, #"["a", "b"]"#),
    (#""  a  b\tc\n".split()"#, #"["a", "b", "c"]"#),
    (#""".split(",")"#, #"[""]"#),
    (#""".split()"#, "[]"),
    (#""abc".split(separator: "b")"#, #"["a", "c"]"#),
    (#""-".join(["x", "y", "z"])"#, #""x-y-z""#),
    (#"", ".join([])"#, #""""#),
    (#""".join(["a", "b"])"#, #""ab""#),
    (#""abc".starts_with("ab")"#, "true"),
    (#""abc".starts_with("bc")"#, "false"),
    (#""abc".ends_with("bc")"#, "true"),
    (#""abc".ends_with("ab")"#, "false"),
    (#""aXbXc".replace("X", "-")"#, #""a-b-c""#),
    (#""aaa".replace("a", "bb")"#, #""bbbbbb""#),
    (#""abc".replace("z", "y")"#, #""abc""#),
    (#""MiXed ß".upper()"#, #""MIXED SS""#),
    (#""MiXed".lower()"#, #""mixed""#),
    (#""  padded \t\n".trim()"#, #""padded""#),
    (#""   ".trim()"#, #""""#),
    (#""hello".contains("ell")"#, "true"),
    (#""hello".contains("xyz")"#, "false"),
    (#""hello".contains("")"#, "true"),
    (#""a\nb\n".lines()"#, #"["a", "b", ""]"#),
    (#""one".lines()"#, #"["one"]"#),
  ])
  func stringMethods(expression: String, expected: String) {
    #expect(evaluate(expression) == expected)
  }

  @Test func listAppendExtendPopInsert() {
    let source = """
      let xs = [1]
      xs.append(2)
      xs.extend([3, 4])
      print(xs)
      print(xs.pop(), xs)
      print(xs.pop(0), xs)
      print(xs.pop(-1), xs)
      xs.insert(0, "first")
      xs.insert(100, "last")
      xs.insert(-1, "before last")
      xs.insert(-100, "very first")
      print(xs)
      """
    #expect(output(source) == """
      [1, 2, 3, 4]
      4 [1, 2, 3]
      1 [2, 3]
      3 [2]
      ["very first", "first", 2, "before last", "last"]

      """)
  }

  @Test func listContainsAndIndexOf() {
    let source = """
      let xs = [1, "a", [2], nil]
      print(xs.contains("a"), xs.contains([2]), xs.contains(3), xs.contains(nil), xs.contains(1.0))
      print(xs.index_of("a"), xs.index_of([2]), xs.index_of("zzz"), [5, 5].index_of(5))
      """
    #expect(output(source) == "true true false true true\n1 2 nil 0\n")
  }

  @Test func methodErrors() {
    #expect(run("[].pop()").diagnostics.first?.summary == "pop() from an empty list")
    #expect(run("[1].pop(5)").code == "index-out-of-range")
    #expect(run(#""a".split("")"#).diagnostics.first?.summary == "split() separator cannot be empty")
    #expect(run(#"",".join([1, 2])"#).diagnostics.first?.summary == "join() expects a list of strings, but it holds int")
    #expect(run(#""a".replace("", "b")"#).diagnostics.first?.summary == "replace() needs a non-empty string to replace")
    #expect(run(#""a".starts_with(1)"#).diagnostics.first?.summary == "starts_with() expects a string for 'prefix', but got int")
    #expect(run("[].append()").diagnostics.first?.summary == "append() takes 1 argument, but 0 were given")
    #expect(run("[].extend(1)").diagnostics.first?.summary == "extend() expects a list for 'list', but got int")
    #expect(run(#""a".upper(1)"#).diagnostics.first?.summary == "upper() takes 0 arguments, but 1 was given")
  }

  @Test("len of a split counts the pieces without making them: the same count and errors as the split")
  func lengthOfASplit() {
    let texts = ["", "a", "a/b//c/", "//", "spiffe://td.example.org/ns/app/sa/svc", "a\r\nb\r\n", "é日👍🏽é"]
    for text in texts {
      for separator in ["/", "//", "\n", "\r\n", "é", "x"] {
        let literal = Value.string(text).literal
        let separatorLiteral = Value.string(separator).literal
        let counted = run("let n = len(\(literal).split(\(separatorLiteral)))")
        let made = run("let pieces = \(literal).split(\(separatorLiteral))\nlet n = len(pieces)")
        #expect(counted.literal("n") == made.literal("n"), "\(literal).split(\(separatorLiteral))")
      }
    }
    expectDiagnostics(#"let n = len(1️⃣"a".split(""))"#, [Expected("runtime-error", "split() separator cannot be empty", at: "1️⃣")])
    expectDiagnostics(
      #"let n = len(1️⃣"a".split(1))"#, [Expected("runtime-error", "split() expects a string for 'separator', but got int", at: "1️⃣")])
    // Anything else with a split method is called as it is: a record's function, a string's
    // whitespace split.
    #expect(output("let r = { split: fn(s) { return [s, s, s] } }\nprint(len(r.split(\"x\")))") == "3\n")
    #expect(evaluate(#"len(" a  b ".split())"#) == "2")
    let onNil = run(#"let n = len(nil.split("/"))"#).diagnostics.first
    #expect(onNil != nil && onNil?.summary == run(#"let n = nil.split("/")"#).diagnostics.first?.summary)
  }

  @Test func unknownMethodsSuggestTheClosest() {
    let string = expectDiagnostics(#"""
      let s = "abc"
      s.1️⃣uper()
      """#, [Expected("unknown-member", "string has no method 'uper'", at: "1️⃣", suggestion: "upper")])
    #expect(string.diagnostics.first?.detail?.contains("split, join") == true)
    expectDiagnostics("""
      let xs = []
      xs.1️⃣apend(1)
      """, [Expected("unknown-member", "list has no method 'apend'", at: "1️⃣", suggestion: "append")])
    expectDiagnostics("""
      let xs = []
      let f = xs.1️⃣lenght
      """, [Expected("unknown-member", "list has no method 'lenght'", at: "1️⃣")])
    expectDiagnostics("""
      let n = 5
      n.1️⃣foo()
      """, [Expected("unknown-member", "int has no member 'foo'", at: "1️⃣")])
  }

  @Test func methodsOfNil() {
    let outcome = expectDiagnostics("""
      let r = { a: nil }
      r.a.1️⃣name
      """, [Expected("unknown-member", "nil has no member 'name'", at: "1️⃣")])
    #expect(outcome.diagnostics.first?.detail == "the value is nil; use '??' to give a default")
  }
}
