import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// The builtins and methods script authors reach for first: `any`, `all`, `zip`, `map`,
/// `filter`, `round`, `r.get`, `r.remove`, `s.find`, padding, and slices.
@Suite("Collection helpers")
struct CollectionHelperTests {
  @Test func anyAndAll() {
    #expect(evaluate("[any([0, nil, 2]), any([]), any([false, \"\"])]") == "[true, false, false]")
    #expect(evaluate("[all([1, \"a\", [0]]), all([]), all([1, 0])]") == "[true, true, false]")
    #expect(run("any(3)").diagnostics.first?.summary == "any() expects a list for 'list', but got int")
  }

  @Test func zipStopsAtTheShortestList() {
    #expect(evaluate(#"zip([1, 2, 3], ["a", "b"])"#) == #"[[1, "a"], [2, "b"]]"#)
    #expect(evaluate("zip([1], [2], [3])") == "[[1, 2, 3]]")
    #expect(evaluate("zip([1, 2])") == "[[1], [2]]")
    #expect(evaluate("zip([], [1])") == "[]")
    #expect(run("zip([1], 2)").diagnostics.first?.summary == "zip() expects a list for 'list 2', but got int")
  }

  @Test func mapAndFilterCallFunctionsBuiltinsAndMethods() {
    #expect(evaluate("map([1, 2, 3], fn(x) { x * 10 })") == "[10, 20, 30]")
    #expect(evaluate(#"map(["a", "bb"], len)"#) == "[1, 2]")
    #expect(evaluate(#"map([["a", "b"], ["c"]], "-".join)"#) == #"["a-b", "c"]"#)
    #expect(evaluate("filter(range(10), fn(x) { x % 3 == 0 })") == "[0, 3, 6, 9]")
    #expect(evaluate(#"filter(["yelb-ui", "redis", "yelb-db"], fn(s) { s.starts_with("yelb") })"#) == #"["yelb-ui", "yelb-db"]"#)
    #expect(run("map([1], 2)").diagnostics.first?.summary == "map() expects a function for 'fn', but got int")
    #expect(run("filter(1, print)").diagnostics.first?.summary == "filter() expects a list for 'list', but got int")
  }

  @Test func mapReportsErrorsInsideTheFunctionWithTheStack() {
    let outcome = run("fn half(x) { 10 / x }\nlet r = map([1, 0], half)")
    #expect(outcome.code == "division-by-zero")
    #expect(outcome.diagnostics.first?.stack.map(\.function) == ["half"])
  }

  @Test func minAndMaxByKey() {
    #expect(evaluate(#"max(["a", "ccc", "bb"], key: len)"#) == #""ccc""#)
    #expect(evaluate(#"min([{ n: 3 }, { n: 1 }, { n: 2 }], key: fn(r) { r.n })"#) == "{ n: 1 }")
    #expect(evaluate(#"max("ab", "c", key: len)"#) == #""ab""#)
    // The first of equal ones wins.
    #expect(evaluate(#"max(["aa", "bb"], key: len)"#) == #""aa""#)
    #expect(run("max([1], key: 2)").diagnostics.first?.summary == "max() expects a function for 'key', but got int")
    #expect(run("max(key: len)").diagnostics.first?.summary == "max() is missing its 'list' argument")
  }

  @Test func round() {
    #expect(evaluate("[round(2.5), round(-2.5), round(2.4), round(7), round(-0.4)]") == "[3, -3, 2, 7, 0]")
    #expect(evaluate("[round(3.14159, 2), round(1234.5, -2), round(2, 1)]") == "[3.14, 1200.0, 2.0]")
    #expect(evaluate("round(3.14159, digits: 3)") == "3.142")
    #expect(run(#"round("1")"#).diagnostics.first?.summary == "round() expects a number for 'x', but got string")
    #expect(run("round(1e300)").diagnostics.first?.summary == "cannot round 1e+300 to an int")
  }

  @Test func recordGet() {
    #expect(evaluate(#"{ env: "prod" }.get("env")"#) == #""prod""#)
    #expect(evaluate(#"{ env: "prod" }.get("region")"#) == "nil")
    #expect(evaluate(#"{ env: "prod" }.get("region", "us-east-2")"#) == #""us-east-2""#)
    #expect(evaluate(#"{ env: "prod" }.get("region", default: 1)"#) == "1")
    // A field named like a method wins, as a field read always does.
    #expect(evaluate(#"{ get: fn(k) { "own \(k)" } }.get("x")"#) == #""own x""#)
    let getter = evaluate(#"{ a: 1 }.get"#)
    #expect(getter == "<method record.get>")
    #expect(run(#"{ a: 1 }.get(1)"#).diagnostics.first?.summary == "get() expects a string for 'key', but got int")
  }

  @Test func recordRemove() {
    #expect(output(#"""
      var r = { a: 1, b: 2, c: 3 }
      print(r.remove("b"), r.remove("zz"), r, len(r), "b" in r)
      r.b = 4
      print(r)
      """#) == "2 nil { a: 1, c: 3 } 2 false\n{ a: 1, c: 3, b: 4 }\n")
    expectDiagnostics("""
      let h = account "a" { tags: { x: 1 } }
      1️⃣h.tags.remove("x")
      """, [Expected("frozen", "cannot change a frozen record", at: "1️⃣")])
  }

  @Test func unknownRecordMethodIsAMissingField() {
    expectDiagnostics("let r = { a: 1 }\nr.1️⃣gett(\"a\")", [
      Expected("unknown-field", "record has no field 'gett'", at: "1️⃣", suggestion: "get"),
    ])
  }

  @Test func stringFind() {
    #expect(evaluate(#"["yelb-appserver".find("app"), "yelb".find("x"), "abc".find(""), "aXbX".find("X")]"#) == "[5, -1, 0, 1]")
    #expect(evaluate(#""héllo wörld".find("w")"#) == "6")
    #expect(evaluate(#"["mesh".contains("es"), "mesh".contains("x")]"#) == "[true, false]")
  }

  @Test func padding() {
    #expect(evaluate(#""7".pad_left(3, "0")"#) == #""007""#)
    #expect(evaluate(#""7".pad_left(3)"#) == #""  7""#)
    #expect(evaluate(#""ab".pad_right(4, ".")"#) == #""ab..""#)
    #expect(evaluate(#""abcdef".pad_left(3, "0")"#) == #""abcdef""#)
    #expect(evaluate(#""é".pad_right(3, fill: "-")"#) == #""é--""#)
    #expect(run(#""7".pad_left(3, "00")"#).diagnostics.first?.summary == #"pad_left() fill must be one character, not "00""#)
    #expect(run(#""7".pad_left(3, "00")"#).code == "invalid-argument")
    // A huge width is a clean error, never an overflow.
    #expect(run(#""7".pad_left(9223372036854775807, "é")"#).code == "too-large")
    #expect(run(#""7".pad_right(100000000)"#).code == "too-large")
  }
}

@Suite("Slices")
struct SliceTests {
  @Test func listSlices() {
    #expect(evaluate("[1, 2, 3, 4, 5][1:3]") == "[2, 3]")
    #expect(evaluate("[1, 2, 3, 4, 5][:2]") == "[1, 2]")
    #expect(evaluate("[1, 2, 3, 4, 5][-2:]") == "[4, 5]")
    #expect(evaluate("[1, 2, 3, 4, 5][:]") == "[1, 2, 3, 4, 5]")
    #expect(evaluate("[1, 2, 3, 4, 5][1:-1]") == "[2, 3, 4]")
    // Bounds past either end are clamped, and an empty range is an empty list.
    #expect(evaluate("[1, 2, 3][-10:10]") == "[1, 2, 3]")
    #expect(evaluate("[1, 2, 3][2:1]") == "[]")
    #expect(evaluate("[1, 2, 3][5:]") == "[]")
    #expect(evaluate("[1, 2, 3][nil:2]") == "[1, 2]")
  }

  @Test func aSliceIsACopy() {
    #expect(output("var xs = [1, 2, 3]\nlet ys = xs[:]\nys.append(4)\nprint(xs, ys)") == "[1, 2, 3] [1, 2, 3, 4]\n")
  }

  @Test func stringSlicesCountCharacters() {
    #expect(evaluate(#""spiffe://mesh/ns"[0:6]"#) == #""spiffe""#)
    #expect(evaluate(#""héllo"[1:3]"#) == #""él""#)
    #expect(evaluate(#""héllo"[-2:]"#) == #""lo""#)
    #expect(evaluate(#""abc"[5:9]"#) == #""""#)
  }

  @Test func sliceErrors() {
    expectDiagnostics("let x = 1️⃣5[1:2]", [Expected("type-mismatch", "cannot slice int", at: "1️⃣")])
    expectDiagnostics("let x = [1][1️⃣\"a\":]", [Expected("type-mismatch", "a slice bound must be an int, not string", at: "1️⃣")])
    expectDiagnostics("var xs = [1]\n1️⃣xs[0:1] = [2]", [Expected("invalid-assignment", "cannot assign to a slice", at: "1️⃣")])
    expectDiagnostics("let x = [1][0:11️⃣", [Expected("expected-token", "expected ']' to close the slice, found end of file", at: "1️⃣")])
  }
}
