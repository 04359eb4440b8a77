import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// The interpreter has fast paths for common shapes of code: an operator with an int literal on
/// the right, `len(x)` of the builtin, `xs.append(x)`, calls of functions that define no closures
/// (locals on a value stack), interpolation built in a byte buffer, `for i in range(...)`. Each
/// must agree with the general path, values and errors alike.
@Suite("Fast paths agree with the general ones")
struct EvaluationPathTests {
  /// The value as a literal, or the error as `code: summary`.
  static func outcome(_ source: String) -> String {
    let result = run(source)
    if let diagnostic = result.diagnostics.first { return "\(diagnostic.code): \(diagnostic.summary)" }
    return result.result.value?.literal ?? "<no value>"
  }

  static let operators = ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!="]
  static let leftOperands = [
    "7", "-7", "0", "9223372036854775807", "-9223372036854775807 - 1", "7.5", "-0.5", #""s""#, "nil", "[1]", "true",
  ]
  static let constants = ["3", "-3", "1", "-1", "0", "2"]

  @Test(arguments: operators)
  func operatorWithAnIntLiteralOnTheRight(op: String) {
    for left in Self.leftOperands {
      for constant in Self.constants {
        // A literal on the right takes the fast path; a variable holding the same value does not.
        let fast = Self.outcome("let x = \(left)\nx \(op) \(constant)")
        let general = Self.outcome("let x = \(left)\nlet k = \(constant)\nx \(op) k")
        #expect(fast == general, "\(left) \(op) \(constant)")
        // Also with a non-variable on the left, and in a condition.
        let literalLeft = Self.outcome("(\(left)) \(op) \(constant)")
        #expect(literalLeft == general, "(\(left)) \(op) \(constant)")
        if ["<", "<=", ">", ">=", "==", "!="].contains(op) {
          let condition = Self.outcome("let x = \(left)\nvar r = false\nif x \(op) \(constant) { r = true }\nr")
          #expect(condition == general, "if \(left) \(op) \(constant)")
          let loop = Self.outcome("let x = \(left)\nvar r = false\nwhile x \(op) \(constant) { r = true; break }\nr")
          #expect(loop == general, "while \(left) \(op) \(constant)")
        }
      }
    }
  }

  @Test func specificIntegerEdgeCases() {
    #expect(Self.outcome("let x = -9223372036854775807 - 1\nx / -1") == "overflow: integer overflow")
    #expect(Self.outcome("let x = -9223372036854775807 - 1\nx % -1") == "0")
    #expect(Self.outcome("let x = 9223372036854775807\nx + 1") == "overflow: integer overflow")
    #expect(Self.outcome("let x = -9223372036854775807\nx - 2") == "overflow: integer overflow")
    #expect(Self.outcome("let x = 5\nx / 0") == "division-by-zero: division by zero")
    #expect(Self.outcome("let x = 5\nx % 0") == "division-by-zero: division by zero")
    #expect(Self.outcome("let x = 5.0\nx % 0") == "division-by-zero: division by zero")
  }

  @Test func compoundAssignmentPathsAgree() {
    for op in ["+", "-", "*", "/", "%"] {
      for (start, operand) in [("7", "3"), ("7", "-2"), ("7.5", "2"), ("9223372036854775807", "2"), ("5", "0"), (#""a""#, "1")] {
        let variable = Self.outcome("var x = \(start)\nx \(op)= \(operand)\nx")
        let element = Self.outcome("let xs = [\(start)]\nxs[0] \(op)= \(operand)\nxs[0]")
        let field = Self.outcome("let r = { f: \(start) }\nr.f \(op)= \(operand)\nr.f")
        let spelled = Self.outcome("var x = \(start)\nx = x \(op) \(operand)\nx")
        #expect(variable == spelled, "x \(op)= \(operand) from \(start)")
        #expect(element == spelled, "xs[0] \(op)= \(operand) from \(start)")
        #expect(field == spelled, "r.f \(op)= \(operand) from \(start)")
      }
    }
  }

  @Test func lengthIntrinsicAgreesWithTheBuiltin() {
    for operand in [#""héllo""#, #""a\r\nb""#, #""""#, #""😀👍🏽""#, "[1, 2, 3]", "{ a: 1 }", "5", "nil", "[]"] {
      let direct = Self.outcome("len(\(operand))")
      let viaValue = Self.outcome("let f = len\nf(\(operand))")
      #expect(direct == viaValue, "len(\(operand))")
    }
    #expect(Self.outcome(#"len("a\r\nb")"#) == "3")
    #expect(Self.outcome(#"len("👍🏽")"#) == "1")
  }

  @Test func lenCanBeShadowed() {
    #expect(output("fn len(x) { \"mine\" }\nprint(len([1, 2]))") == "mine\n")
    #expect(output("let f = fn(len) { len([1, 2]) }\nprint(f(fn(x) { 42 }))") == "42\n")
  }

  @Test func appendFastPathAgreesWithTheMethodValue() {
    let source = """
      let xs = []
      xs.append(1)
      let add = xs.append
      add(2)
      let r = { append: fn(x) { "record field \\(x)" } }
      print(xs, r.append(3), [].append(4))
      """
    #expect(output(source) == "[1, 2] record field 3 nil\n")
    #expect(run("let s = \"x\"\ns.append(1)").code == "unknown-member")
    #expect(run("[].append(1, 2)").code == "argument-count")
    #expect(run("[].append(x: 1)").diagnostics.first?.summary == "append() has no parameter 'x'")
  }

  @Test func interpolationAgreesWithConcatenation() {
    let source = """
      var s = ""
      var ok = true
      for n in range(300) {
        let built = "\\(s)|\\(n)|é\\(nil)"
        if built != s + "|" + str(n) + "|é" + "nil" { ok = false }
        if len(built) != len(s) + len(str(n)) + 6 { ok = false }
        s += "x"
      }
      print(ok, "\\(-9223372036854775807 - 1)", "\\(0)", "\\(-5)", "\\(123456789)")
      """
    #expect(output(source) == "true -9223372036854775808 0 -5 123456789\n")
  }

  @Test func deepRecursionWithManyLocalsKeepsEachCallsValues() {
    // Each call's locals live in its own window of the value stack; deep calls must not disturb
    // the windows of the calls waiting on them.
    let source = """
      fn deep(n) {
        let a = n * 2
        let b = [n]
        var c = "n\\(n)"
        let d = { n: n }
        if n == 0 { return [a, b, c, d] }
        let inner = deep(n - 1)
        if a != n * 2 or b[0] != n or c != "n\\(n)" or d.n != n { fail("locals of \\(n) changed") }
        inner
      }
      print(deep(150))
      """
    #expect(output(source) == #"[0, [0], "n0", { n: 0 }]"# + "\n")
  }

  @Test func callbacksFromBuiltinsReenterTheValueStack() {
    let source = """
      fn rank(xs) {
        let weight = 10
        sorted(xs, key: fn(x) { weight - score(x) })
      }
      fn score(x) {
        let local = x * 2
        local + len(sorted([x, 1, 2]))
      }
      print(rank([1, 5, 3]))
      """
    #expect(output(source) == "[5, 3, 1]\n")
  }

  @Test func functionsThatMakeClosuresKeepTheirVariablesAlive() {
    let source = """
      fn makers() {
        var out = []
        for i in range(3) {
          let base = i * 10
          out.append(fn(x) { base + x })
        }
        out
      }
      fn no_closures(n) { let t = n + 1; t * 2 }
      let fs = makers()
      let junk = [no_closures(1), no_closures(2), makers()]
      print(fs[0](1), fs[1](1), fs[2](1), no_closures(5))
      """
    // `base` is one variable per call of `makers`, shared by the closures made in its loop.
    #expect(output(source) == "21 21 21 12\n")
  }

  @Test func closuresCreatedInDifferentCallsAreIndependent() {
    let source = """
      fn capture(value) { fn() { value } }
      var kept = []
      for i in range(3) { kept.append(capture(i)) }
      var late = []
      for i in range(3) { late.append(fn() { i }) }
      print(kept[0](), kept[1](), kept[2](), late[0](), late[1](), late[2]())
      """
    #expect(output(source) == "0 1 2 2 2 2\n")
  }

  @Test func aFunctionReadsLaterVariablesOnceTheyAreSet() {
    let source = """
      fn first() { second() + 1 }
      fn second() { base * 2 }
      fn peek() { later }
      let base = 20
      let later = "set"
      print(first(), peek())
      """
    #expect(output(source) == "41 set\n")
  }

  /// Before the declaration has run, reading the variable is an error (it used to read `nil`).
  @Test func aFunctionReadingALaterVariableTooEarlyIsAnError() {
    expectDiagnostics("""
      fn peek() { 1️⃣later }
      let early = 3️⃣peek()
      let 2️⃣later = "set"
      """, [
        Expected("used-before-declaration", "'later' is used before its declaration has run", at: "1️⃣",
          notes: [("'later' is declared here", "2️⃣")]),
      ])
  }
}
