import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Lists and records")
struct CollectionTests {
  @Test func listLiterals() {
    #expect(evaluate("[]") == "[]")
    #expect(evaluate(#"[1, "a", nil, true, 1.5, [2, [3]]]"#) == #"[1, "a", nil, true, 1.5, [2, [3]]]"#)
    #expect(evaluate("[1, 2,]") == "[1, 2]")
    #expect(evaluate("[\n  1,\n  2\n]") == "[1, 2]")
  }

  @Test func listIndexing() {
    let source = """
      let xs = [10, 20, 30]
      print(xs[0], xs[2], xs[-1], xs[-3], [[1, 2], [3]][0][1])
      """
    #expect(output(source) == "10 30 30 10 2\n")
  }

  @Test func stringIndexingCountsCharacters() {
    #expect(output(#"print("héllo"[1], "abc"[-1], "😀x"[1])"#) == "é c x\n")
  }

  @Test func listAssignmentThroughIndex() {
    let source = """
      var xs = [1, 2, 3]
      xs[0] = 10
      xs[-1] = 30
      xs[1] += 5
      print(xs)
      """
    #expect(output(source) == "[10, 7, 30]\n")
  }

  @Test func listsAreSharedByReference() {
    let source = """
      let a = [1]
      let b = a
      b.append(2)
      print(a, a == b)
      """
    #expect(output(source) == "[1, 2] true\n")
  }

  @Test func listConcatenationMakesANewList() {
    let source = """
      let a = [1]
      let b = a + [2]
      print(a, b)
      """
    #expect(output(source) == "[1] [1, 2]\n")
  }

  @Test func plusEqualsExtendsAListInPlace() {
    let source = """
      var xs = [1]
      let alias = xs
      xs += [2, 3]
      print(xs, alias)
      """
    #expect(output(source) == "[1, 2, 3] [1, 2, 3]\n")
  }

  @Test func plusEqualsOnAListElementAndFieldExtendsInPlace() {
    let source = """
      let r = { xs: [1] }
      let inner = r.xs
      r.xs += [2]
      let grid = [[1]]
      grid[0] += [9]
      print(inner, grid)
      """
    #expect(output(source) == "[1, 2] [[1, 9]]\n")
  }

  @Test func recordLiteralsKeepFieldOrder() {
    #expect(evaluate("{ zeta: 1, alpha: 2, mid: 3 }") == "{ zeta: 1, alpha: 2, mid: 3 }")
    #expect(evaluate("{}") == "{}")
    #expect(evaluate(#"{ "with space": 1, plain: 2 }"#) == #"{ "with space": 1, plain: 2 }"#)
    #expect(evaluate("{\n  a: 1\n  b: 2\n}") == "{ a: 1, b: 2 }")
    #expect(evaluate("{ a: 1, b: 2, }") == "{ a: 1, b: 2 }")
  }

  @Test func recordFieldNamesMayBeKeywords() {
    #expect(output("let r = { account: 1, in: 2, if: 3 }\nprint(r.account, r.in, r[\"if\"])") == "1 2 3\n")
  }

  @Test func recordAccessByDotAndSubscript() {
    let source = """
      let r = { name: "web", port: 80 }
      print(r.name, r["port"], r["na" + "me"])
      """
    #expect(output(source) == "web 80 web\n")
  }

  @Test func recordAssignmentThroughDotAndSubscript() {
    let source = """
      let r = { a: 1, b: 2 }
      r.a = 10
      r["b"] = 20
      r.a += 1
      r["b"] -= 5
      print(r)
      """
    #expect(output(source) == "{ a: 11, b: 15 }\n")
  }

  @Test func addingFieldsAppendsThemInOrder() {
    let source = """
      let r = { a: 1 }
      r.c = 3
      r["b"] = 2
      r.a = 0
      print(r, keys(r), len(r))
      """
    #expect(output(source) == #"{ a: 0, c: 3, b: 2 } ["a", "c", "b"] 3"# + "\n")
  }

  @Test func recordsFromTheSameLiteralAreIndependent() {
    let source = """
      fn make(n) { { n: n } }
      let a = make(1)
      let b = make(2)
      b.extra = true
      print(a, b, a.n, b.n)
      """
    #expect(output(source) == "{ n: 1 } { n: 2, extra: true } 1 2\n")
  }

  @Test func fieldReadsStayCorrectAcrossRecordShapes() {
    // One member expression sees records whose fields are in different orders.
    let source = """
      let rs = [{ a: 1, b: 2 }, { b: 20, a: 10 }, { a: 100 }]
      rs[2].b = 200
      var total = 0
      for r in rs { total += r.b }
      print(total)
      """
    #expect(output(source) == "222\n")
  }

  @Test func recordEqualityIgnoresFieldOrder() {
    #expect(evaluate("{ a: 1, b: 2 } == { b: 2, a: 1 }") == "true")
    #expect(evaluate("{ a: 1 } == { a: 1, b: 2 }") == "false")
    #expect(evaluate("{ a: 1, b: 2 } == { a: 1, c: 2 }") == "false")
    #expect(evaluate("[1, [2, 3]] == [1, [2, 3]]") == "true")
    #expect(evaluate("[1, 2] == [2, 1]") == "false")
  }

  @Test func recordsHoldFunctionsThatCanBeCalled() {
    let source = """
      let ops = { double: fn(x) { x * 2 }, name: "ops" }
      print(ops.double(21), ops["double"](1))
      """
    #expect(output(source) == "42 2\n")
  }
}
