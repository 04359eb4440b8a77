import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Builtins")
struct BuiltinTests {
  @Test func printWritesStringsAsIsAndOtherValuesAsLiterals() {
    let source = #"""
      print("text", 1, 1.5, 2.0, true, nil, [1, 2], { a: 1 }, ["a"], {}, [], { "b c": [nil] })
      print()
      print("a", "b", separator: ", ")
      print(1, 2, 3, separator: "")
      print(print, len, fn() {}, "x".upper)
      """#
    #expect(output(source) == """
      text 1 1.5 2.0 true nil [1, 2] { a: 1 } ["a"] {} [] { "b c": [nil] }

      a, b
      123
      <builtin print> <builtin len> <fn <anonymous>> <method string.upper>

      """)
  }

  @Test func printRejectsUnknownLabelsAndNonStringSeparators() {
    #expect(run("print(1, sep: \",\")").code == "runtime-error")
    #expect(run("print(1, separator: 2)").diagnostics.first?.summary == "print() expects a string for 'separator', but got int")
  }

  @Test func len() {
    #expect(evaluate(#"len("héllo")"#) == "5")
    #expect(evaluate(#"len("")"#) == "0")
    #expect(evaluate("len([1, [2, 3]])") == "2")
    #expect(evaluate("len({ a: 1, b: 2 })") == "2")
    #expect(run("len(5)").diagnostics.first?.summary == "len() expects a string, list or record, but got int")
  }

  @Test func rangeBuildsLists() {
    #expect(evaluate("range(3)") == "[0, 1, 2]")
    #expect(evaluate("range(0)") == "[]")
    #expect(evaluate("range(-2)") == "[]")
    #expect(evaluate("range(1, 4)") == "[1, 2, 3]")
    #expect(evaluate("range(0, 10, 3)") == "[0, 3, 6, 9]")
    #expect(evaluate("range(5, 0, -2)") == "[5, 3, 1]")
    #expect(evaluate("range(0, 5, -1)") == "[]")
    #expect(run("range(1, 2, 0)").diagnostics.first?.summary == "range() step cannot be zero")
    #expect(run("for i in range(1, 2, 0) { }").diagnostics.first?.summary == "range() step cannot be zero")
    #expect(run("range()").code == "argument-count")
    #expect(run("range(1, 2, 3, 4)").code == "argument-count")
  }

  @Test func rangeNamesTheArgumentThatIsNotAnInt() {
    #expect(run("range(1.5)").diagnostics.first?.summary == "range() expects an int for 'end', but got float")
    #expect(run("range(0, \"x\")").diagnostics.first?.summary == "range() expects an int for 'end', but got string")
    #expect(run("range(0, 1, nil)").diagnostics.first?.summary == "range() expects an int for 'step', but got nil")
  }

  @Test func keysAndValues() {
    #expect(evaluate("keys({ b: 1, a: 2 })") == #"["b", "a"]"#)
    #expect(evaluate("values({ b: 1, a: [2] })") == "[1, [2]]")
    #expect(evaluate("keys({})") == "[]")
    #expect(run("keys([1])").diagnostics.first?.summary == "keys() expects a record for 'record', but got list")
  }

  @Test func str() {
    #expect(evaluate(#"str("a")"#) == #""a""#)
    #expect(evaluate("str(1)") == #""1""#)
    #expect(evaluate("str(1.0)") == #""1.0""#)
    #expect(evaluate("str(nil)") == #""nil""#)
    #expect(evaluate("str(true)") == #""true""#)
    #expect(evaluate(#"str([1, "a"])"#) == #""[1, \"a\"]""#)
    #expect(evaluate("str({ a: 1 })") == #""{ a: 1 }""#)
  }

  @Test func int() {
    #expect(evaluate("int(3.9)") == "3")
    #expect(evaluate("int(-3.9)") == "-3")
    #expect(evaluate(#"int("42")"#) == "42")
    #expect(evaluate(#"int(" -7 ")"#) == "-7")
    #expect(evaluate(#"int("1_000")"#) == "1000")
    #expect(evaluate("int(true)") == "1")
    #expect(evaluate("int(false)") == "0")
    #expect(evaluate("int(5)") == "5")
    #expect(run(#"int("4.5")"#).diagnostics.first?.summary == #"cannot convert "4.5" to int"#)
    #expect(run("int(1e300)").diagnostics.first?.summary == "cannot convert 1e+300 to int")
    #expect(run("int(nil)").diagnostics.first?.summary == "cannot convert nil to int")
  }

  @Test func float() {
    #expect(evaluate("float(2)") == "2.0")
    #expect(evaluate(#"float("1.5")"#) == "1.5")
    #expect(evaluate(#"float(" 2 ")"#) == "2.0")
    #expect(evaluate("float(0.5)") == "0.5")
    #expect(run(#"float("x")"#).diagnostics.first?.summary == #"cannot convert "x" to float"#)
    #expect(run("float([])").diagnostics.first?.summary == "cannot convert list to float")
  }

  @Test func type() {
    let source = #"""
      account "a" { }
      print(type(1), type(1.0), type("s"), type(true), type(nil), type([]), type({}))
      print(type(print), type(fn() {}), type("s".upper), type(account "b" { }), type(cluster "c" in nil { }))
      """#
    #expect(output(source) == "int float string bool nil list record\nfunction function function account cluster\n")
  }

  @Test func sorted() {
    #expect(evaluate("sorted([3, 1, 2])") == "[1, 2, 3]")
    #expect(evaluate("sorted([3, 1.5, 2])") == "[1.5, 2, 3]")
    #expect(evaluate(#"sorted(["b", "a", "c"])"#) == #"["a", "b", "c"]"#)
    #expect(evaluate("sorted([3, 1, 2], reverse: true)") == "[3, 2, 1]")
    #expect(evaluate(#"sorted(["bb", "a", "ccc"], key: fn(s) { len(s) })"#) == #"["a", "bb", "ccc"]"#)
    #expect(evaluate(#"sorted(["bb", "a", "ccc"], key: len, reverse: true)"#) == #"["ccc", "bb", "a"]"#)
    #expect(evaluate("sorted([[2, 1], [1, 2], [1, 1]])") == "[[1, 1], [1, 2], [2, 1]]")
    #expect(evaluate("sorted([])") == "[]")
  }

  @Test func sortedIsStableAndCopies() {
    let source = """
      let xs = [{ k: 1, n: "a" }, { k: 0, n: "b" }, { k: 1, n: "c" }, { k: 0, n: "d" }]
      let ys = sorted(xs, key: fn(r) { r.k })
      print(ys.index_of(xs[0]) < ys.index_of(xs[2]), ys[0].n, ys[1].n, ys[2].n, ys[3].n)
      let zs = sorted(xs, key: fn(r) { r.k }, reverse: true)
      print(zs[0].n, zs[1].n, zs[2].n, zs[3].n)
      let original = [2, 1]
      let copy = sorted(original)
      print(original, copy)
      """
    #expect(output(source) == "true b d a c\na c b d\n[2, 1] [1, 2]\n")
  }

  @Test func sortedErrors() {
    let mixed = run(#"sorted([1, "a"])"#)
    #expect(mixed.code == "type-mismatch")
    #expect(mixed.diagnostics.first?.summary.hasPrefix("cannot compare ") == true)
    #expect(run("sorted([1], by: 2)").diagnostics.first?.summary == "sorted() has no parameter 'by'")
    #expect(run("sorted([1], kee: len)").diagnostics.first?.suggestion == "key")
    let failing = run("sorted([1, 2], key: fn(x) { fail(\"bad key\") })")
    #expect(failing.code == "fail")
    #expect(failing.diagnostics.first?.stack.map(\.function) == ["<anonymous>"])
  }

  @Test func reversed() {
    #expect(evaluate("reversed([1, 2, 3])") == "[3, 2, 1]")
    #expect(evaluate("reversed([])") == "[]")
    let source = "let xs = [1, 2]\nlet ys = reversed(xs)\nprint(xs, ys)"
    #expect(output(source) == "[1, 2] [2, 1]\n")
  }

  @Test func minAndMax() {
    #expect(evaluate("min([3, 1, 2])") == "1")
    #expect(evaluate("max([3, 1, 2])") == "3")
    #expect(evaluate("min(3, 1, 2)") == "1")
    #expect(evaluate("max(3, 7.5, 5)") == "7.5")
    #expect(evaluate(#"max("a", "c", "b")"#) == #""c""#)
    #expect(evaluate("min([5])") == "5")
    #expect(evaluate("max(4)") == "4")
    #expect(run("min([])").diagnostics.first?.summary == "min() of an empty list")
    #expect(run("max()").diagnostics.first?.summary == "max() takes at least 1 argument, but 0 were given")
    #expect(run(#"max(1, "a")"#).code == "type-mismatch")
  }

  @Test func abs() {
    #expect(evaluate("abs(-3)") == "3")
    #expect(evaluate("abs(3)") == "3")
    #expect(evaluate("abs(-2.5)") == "2.5")
    #expect(run("abs(-9223372036854775807 - 1)").diagnostics.first?.summary == "integer overflow")
    #expect(run(#"abs("x")"#).diagnostics.first?.summary == "abs() expects a number for 'x', but got string")
  }

  @Test func sum() {
    #expect(evaluate("sum([1, 2, 3])") == "6")
    #expect(evaluate("sum([1, 2.5])") == "3.5")
    #expect(evaluate("sum([])") == "0")
    #expect(run(#"sum([1, "a"])"#).diagnostics.first?.summary == "sum() expects numbers, but the list holds string")
    #expect(run("sum([9223372036854775807, 1])").code == "overflow")
  }

  @Test func enumerate() {
    #expect(evaluate(#"enumerate(["a", "b"])"#) == #"[[0, "a"], [1, "b"]]"#)
    #expect(evaluate("enumerate([])") == "[]")
  }

  @Test func fail() {
    let outcome = run(#"fail("config is \("bad")")"#)
    #expect(outcome.diagnostics.count == 1)
    #expect(outcome.code == "fail")
    #expect(outcome.diagnostics.first?.summary == "config is bad")
    #expect(run("fail(42)").diagnostics.first?.summary == "42")
  }

  @Test func builtinsRejectWrongArgumentCounts() {
    #expect(run("len()").diagnostics.first?.summary == "len() takes 1 argument, but 0 were given")
    #expect(run("len(1, 2)").diagnostics.first?.summary == "len() takes 1 argument, but 2 were given")
    #expect(run("str(x: 1)").diagnostics.first?.summary == "str() has no parameter 'x'")
  }

  @Test func builtinNamesAreListed() {
    #expect(Set(Interpreter.builtinNames) == [
      "print", "len", "range", "keys", "values", "str", "int", "float", "type", "sorted", "reversed", "min", "max",
      "abs", "sum", "enumerate", "fail", "any", "all", "zip", "map", "filter", "round",
    ])
  }

  @Test func embedderBuiltinsAndGlobals() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(buffer: buffer, host: RecordingHost())
    interpreter.define(BuiltinFunction("greet") { call in
      try call.expect(1, 1)
      return .string("hello, \(try call.string(0, "name"))")
    })
    interpreter.define("region", .string("eu-west-1"))
    let result = interpreter.run(#"print(greet(region))"#)
    #expect(result.diagnostics.isEmpty)
    #expect(buffer.text == "hello, eu-west-1\n")
    let failed = interpreter.run("greet(1)")
    #expect(failed.diagnostics.first?.summary == "greet() expects a string for 'name', but got int")
  }
}
