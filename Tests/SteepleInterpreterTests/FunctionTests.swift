import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Functions and closures")
struct FunctionTests {
  @Test func explicitAndImplicitReturn() {
    let source = """
      fn explicit(a) { return a + 1 }
      fn implicit(a) { a + 2 }
      fn nothing() { let x = 1 }
      fn bare() { return }
      fn empty() { }
      print(explicit(1), implicit(1), nothing(), bare(), empty())
      """
    #expect(output(source) == "2 3 nil nil nil\n")
  }

  @Test func implicitReturnThroughAFinalIfElse() {
    let source = """
      fn sign(x) {
        if x > 0 {
          "positive"
        } else if x < 0 {
          "negative"
        } else {
          "zero"
        }
      }
      fn maybe(x) { if x { "yes" } }
      print(sign(5), sign(-5), sign(0), maybe(true), maybe(false))
      """
    #expect(output(source) == "positive negative zero yes nil\n")
  }

  @Test func implicitReturnThroughNestedIfs() {
    let source = """
      fn classify(x) {
        if x > 0 {
          if x > 100 { "big" } else { "small" }
        } else {
          "none"
        }
      }
      print(classify(500), classify(5), classify(-1))
      """
    #expect(output(source) == "big small none\n")
  }

  @Test func returnLeavesLoopsEarly() {
    let source = """
      fn find(xs, wanted) {
        for (i, x) in xs {
          while true {
            if x == wanted { return i }
            break
          }
        }
        -1
      }
      print(find([5, 6, 7], 7), find([5], 9))
      """
    #expect(output(source) == "2 -1\n")
  }

  @Test func defaultsAndKeywordArguments() {
    let source = """
      fn f(a, b = 2, c = a * 10) { [a, b, c] }
      print(f(1))
      print(f(1, 5))
      print(f(1, c: 9))
      print(f(a: 3, b: 4))
      print(f(c: 0, a: 7))
      """
    // Defaults are evaluated where the function is defined, not from other parameters.
    let outcome = run(source)
    #expect(outcome.code == "undefined-name")
    let fixed = source.replacing("c = a * 10", with: "c = 3")
    #expect(output(fixed) == "[1, 2, 3]\n[1, 5, 3]\n[1, 2, 9]\n[3, 4, 3]\n[7, 2, 0]\n")
  }

  @Test func defaultsAreEvaluatedOnceWhenTheFunctionIsDefined() {
    let source = """
      var counter = 0
      fn next() { counter += 1; counter }
      fn f(x = next()) { x }
      print(f(), f(), f(10), counter)
      """
    #expect(output(source) == "1 1 10 1\n")
  }

  @Test func anonymousFunctions() {
    let source = """
      let double = fn(x) { x * 2 }
      let apply = fn(f, x) { f(x) }
      print(double(4), apply(fn(y) { y + 1 }, 1), (fn() { "now" })())
      print(type(double))
      """
    #expect(output(source) == "8 2 now\nfunction\n")
  }

  @Test func closuresCaptureVariablesByReference() {
    let source = """
      fn counter() {
        var count = 0
        fn() {
          count += 1
          count
        }
      }
      let a = counter()
      let b = counter()
      a()
      a()
      print(a(), b())
      """
    #expect(output(source) == "3 1\n")
  }

  @Test func closuresSeeLaterChangesToCapturedVariables() {
    let source = """
      var x = 1
      let get = fn() { x }
      x = 2
      print(get())
      """
    #expect(output(source) == "2\n")
  }

  @Test func closuresShareTheVariablesTheyCapture() {
    let source = """
      fn pair() {
        var n = 0
        { inc: fn() { n += 1 }, get: fn() { n } }
      }
      let p = pair()
      p.inc()
      p.inc()
      print(p.get())
      """
    #expect(output(source) == "2\n")
  }

  @Test func recursion() {
    let source = """
      fn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }
      fn fib(n) { if n < 2 { return n }; fib(n - 1) + fib(n - 2) }
      print(fact(20), fib(15))
      """
    #expect(output(source) == "2432902008176640000 610\n")
  }

  @Test func functionsCanCallFunctionsDeclaredBelowThem() {
    let source = """
      fn is_even(n) { if n == 0 { true } else { is_odd(n - 1) } }
      fn is_odd(n) { if n == 0 { false } else { is_even(n - 1) } }
      print(is_even(10), is_odd(7))
      """
    #expect(output(source) == "true true\n")
  }

  @Test func nestedFunctions() {
    let source = """
      fn outer(x) {
        fn inner(y) { x + y }
        inner(10)
      }
      print(outer(5))
      """
    #expect(output(source) == "15\n")
  }

  @Test func functionsAreValues() {
    let source = """
      fn twice(f, x) { f(f(x)) }
      fn inc(x) { x + 1 }
      print(twice(inc, 0), [inc][0](5), inc == inc, inc)
      """
    #expect(output(source) == "2 6 true <fn inc>\n")
  }

  @Test func boundMethodsAreValues() {
    let source = """
      let up = "abc".upper
      let xs = []
      let add = xs.append
      add(1)
      add(2)
      print(up(), xs)
      """
    #expect(output(source) == "ABC [1, 2]\n")
  }

  @Test func callingFromSwift() throws {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(buffer: buffer, host: RecordingHost())
    let result = interpreter.run("fn add(a, b = 10) { a + b }")
    guard let add = result.globals.first(where: { $0.name == "add" })?.value else {
      Issue.record("no add")
      return
    }
    #expect(try interpreter.call(add, [.int(1), .int(2)]).literal == "3")
    #expect(try interpreter.call(add, [.int(1)]).literal == "11")
    #expect(try interpreter.call(add, [.int(1)], keywords: [("b", .int(5))]).literal == "6")
  }

  @Test func aDefaultListIsSharedByTheCallsThatUseIt() {
    let source = """
      fn collect(x, into = []) { into.append(x); into }
      print(collect(1), collect(2), collect(3, []))
      """
    #expect(output(source) == "[1, 2] [1, 2] [3]\n")
  }

}

