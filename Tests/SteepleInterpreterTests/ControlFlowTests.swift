import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Control flow")
struct ControlFlowTests {
  @Test func ifElseIfElse() {
    let source = """
      fn grade(n) {
        var g = ""
        if n >= 90 {
          g = "A"
        } else if n >= 80 {
          g = "B"
        } else if n >= 70 {
          g = "C"
        } else {
          g = "F"
        }
        g
      }
      print(grade(95), grade(85), grade(75), grade(10))
      if false { print("never") }
      if 0 { print("never") } else { print("zero is false") }
      """
    #expect(output(source) == "A B C F\nzero is false\n")
  }

  @Test func truthiness() {
    let source = """
      for v in [nil, false, 0, 0.0, "", [], {}, true, 1, -1, 0.5, "x", [0], { a: nil }, print] {
        if v { print("T") } else { print("F") }
      }
      """
    #expect(output(source) == "F\nF\nF\nF\nF\nF\nF\nT\nT\nT\nT\nT\nT\nT\nT\n")
  }

  @Test func forOverAList() {
    #expect(output("for x in [1, 2, 3] { print(x) }") == "1\n2\n3\n")
    #expect(output("for x in [] { print(x) }") == "")
  }

  @Test func forOverAString() {
    #expect(output(#"for c in "hé😀" { print(c) }"#) == "h\né\n😀\n")
  }

  @Test func forOverARecordAsKeyValuePairs() {
    let source = """
      for (k, v) in { b: 1, a: [2], c: "x" } {
        print(k, v)
      }
      """
    #expect(output(source) == "b 1\na [2]\nc x\n")
  }

  @Test func forWithIndexOverAListAndAString() {
    let source = """
      for (i, x) in ["p", "q"] { print(i, x) }
      for (i, c) in "ab" { print(i, c) }
      """
    #expect(output(source) == "0 p\n1 q\n0 a\n1 b\n")
  }

  @Test func forIteratesOverASnapshot() {
    let source = """
      var xs = [1, 2]
      for x in xs { xs.append(x * 10) }
      print(xs)
      """
    #expect(output(source) == "[1, 2, 10, 20]\n")
  }

  @Test func forOverRange() {
    let source = """
      var out = []
      for i in range(4) { out.append(i) }
      print(out)
      out = []
      for i in range(2, 5) { out.append(i) }
      print(out)
      out = []
      for i in range(0, 10, 3) { out.append(i) }
      print(out)
      out = []
      for i in range(5, 0, -2) { out.append(i) }
      print(out)
      out = []
      for i in range(3, 3) { out.append(i) }
      for i in range(5, 0) { out.append(i) }
      for i in range(0, 5, -1) { out.append(i) }
      print(out)
      """
    #expect(output(source) == "[0, 1, 2, 3]\n[2, 3, 4]\n[0, 3, 6, 9]\n[5, 3, 1]\n[]\n")
  }

  @Test func forOverRangeMatchesTheRangeList() {
    // The loop counts without building a list; it must agree with the list range() builds.
    let source = """
      for args in [[7], [-3, 4], [10, -10, -3], [1, 10, 4], [0, 0], [-5]] {
        var counted = []
        if len(args) == 1 { for i in range(args[0]) { counted.append(i) } }
        if len(args) == 2 { for i in range(args[0], args[1]) { counted.append(i) } }
        if len(args) == 3 { for i in range(args[0], args[1], args[2]) { counted.append(i) } }
        var built = []
        if len(args) == 1 { built = range(args[0]) }
        if len(args) == 2 { built = range(args[0], args[1]) }
        if len(args) == 3 { built = range(args[0], args[1], args[2]) }
        print(counted == built, counted)
      }
      """
    #expect(output(source) == """
      true [0, 1, 2, 3, 4, 5, 6]
      true [-3, -2, -1, 0, 1, 2, 3]
      true [10, 7, 4, 1, -2, -5, -8]
      true [1, 5, 9]
      true []
      true []

      """)
  }

  @Test func forRangeNearTheLargestInteger() {
    let source = """
      var out = []
      for i in range(9223372036854775805, 9223372036854775807) { out.append(i) }
      for i in range(9223372036854775800, 9223372036854775807, 5) { out.append(i) }
      print(out)
      """
    #expect(output(source) == "[9223372036854775805, 9223372036854775806, 9223372036854775800, 9223372036854775805]\n")
  }

  @Test func forOverAShadowedRangeUsesTheUsersFunction() {
    let source = """
      fn range(n) { ["mine", n] }
      for x in range(3) { print(x) }
      """
    #expect(output(source) == "mine\n3\n")
  }

  @Test func whileBreakContinue() {
    let source = """
      var i = 0
      var odd = []
      while true {
        i += 1
        if i > 9 { break }
        if i % 2 == 0 { continue }
        odd.append(i)
      }
      print(odd, i)
      """
    #expect(output(source) == "[1, 3, 5, 7, 9] 10\n")
  }

  @Test func breakAndContinueInForLoops() {
    let source = """
      var out = []
      for x in [1, 2, 3, 4, 5, 6] {
        if x == 2 { continue }
        if x == 5 { break }
        out.append(x)
      }
      for i in range(10) {
        if i < 8 { continue }
        out.append(i)
      }
      for (k, v) in { a: 1, b: 2, c: 3 } {
        if k == "b" { break }
        out.append(k)
      }
      print(out)
      """
    #expect(output(source) == #"[1, 3, 4, 8, 9, "a"]"# + "\n")
  }

  @Test func breakLeavesOnlyTheInnermostLoop() {
    let source = """
      var out = []
      for i in range(3) {
        for j in range(3) {
          if j == 1 { break }
          out.append([i, j])
        }
      }
      print(out)
      """
    #expect(output(source) == "[[0, 0], [1, 0], [2, 0]]\n")
  }

  @Test func whileWithACondition() {
    #expect(output("var n = 3\nwhile n > 0 { print(n); n -= 1 }") == "3\n2\n1\n")
  }

  @Test func loopVariablesAreFreshNamesInsideTheLoop() {
    let source = """
      let x = "outer"
      for x in [1, 2] { }
      print(x)
      """
    #expect(output(source) == "outer\n")
  }
}
