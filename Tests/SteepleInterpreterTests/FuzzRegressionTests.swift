import Dispatch
import Foundation
import Steeple
import Testing

/// Replays every input the fuzzer (`scripts/fuzz`) ever found a problem with, and inputs written
/// by hand for the worst cases (deep nesting, huge literals, invalid UTF-8, endless recursion,
/// values that blow up): each must finish promptly with diagnostics, never crash, hang or exhaust
/// memory.
///
/// The saved inputs are the files in `FuzzCrashers/` next to this file, found through `#filePath`
/// (they are not resources of the test target). Add a file there and it is tested.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
  // MARK: Saved crashers

  static let crasherFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("FuzzCrashers")

  static var crasherNames: [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: crasherFolder.path)) ?? []
    return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
  }

  /// What some saved inputs must produce, beyond finishing: the codes of their diagnostics.
  static let expectedCodes: [String: [String]] = [
    "hang-parser-stray-bracket-after-newline": ["unexpected-token"],
    "oom-print-list-containing-itself-twice": [],
    "hang-list-shared-2-to-the-100-ways": ["too-large"],
    "oom-big-strings-kept-in-a-loop": ["step-budget"],
    "overflow-asan-recursion-through-1000-term-sums": ["call-depth"],
    "trap-range-list-at-the-edges-of-int": [],
    "wrong-equality-of-lists-300-deep": [],
  ]

  @Test func theCrasherFolderIsThere() {
    #expect(!Self.crasherNames.isEmpty, "no files in \(Self.crasherFolder.path)")
  }

  @Test(arguments: crasherNames)
  func savedCrasher(_ name: String) throws {
    let bytes = try [UInt8](Data(contentsOf: Self.crasherFolder.appendingPathComponent(name)))
    let outcome = try #require(FuzzConfiguration.runGuarded(bytes), "\(name) did not finish within the time limit")
    if let codes = Self.expectedCodes[name] {
      #expect(outcome.codes == codes, "\(name):\n\(outcome.rendered)")
    }
  }

  // MARK: Written by hand

  /// A generated input and the codes of the diagnostics it must get (`nil`: any, or none).
  struct Case: CustomTestStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    let codes: [String]?
    /// Some text the output or the diagnostics must contain.
    let mentions: String?

    init(_ name: String, _ text: String, codes: [String]?, mentions: String? = nil) {
      self.init(name, Array(text.utf8), codes: codes, mentions: mentions)
    }

    init(_ name: String, _ bytes: [UInt8], codes: [String]?, mentions: String? = nil) {
      self.name = name
      self.bytes = bytes
      self.codes = codes
      self.mentions = mentions
    }

    var testDescription: String { name }
  }

  static let handWritten: [Case] = [
    Case("10,000 open parentheses", String(repeating: "(", count: 10_000), codes: ["nesting-too-deep"]),
    Case("10,000 open brackets", String(repeating: "[", count: 10_000), codes: ["nesting-too-deep"]),
    Case("10,000 open braces", String(repeating: "{", count: 10_000), codes: nil),
    Case("10,000 blocks", "if true " + String(repeating: "{ if true ", count: 10_000), codes: ["nesting-too-deep"]),
    Case("10,000 closed parentheses", "let x = " + String(repeating: "(", count: 10_000) + "1" + String(repeating: ")", count: 10_000),
      codes: ["nesting-too-deep"]),
    Case("10,000 prefix operators", "let x = " + String(repeating: "-", count: 10_000) + "1", codes: ["nesting-too-deep"]),
    Case("10,000 nots", "let x = " + String(repeating: "not ", count: 10_000) + "true", codes: ["nesting-too-deep"]),
    Case("a 5,000-term sum", "let x = 1" + String(repeating: " + 1", count: 5_000), codes: ["nesting-too-deep"]),
    Case("a 5,000-term sum in brackets", "let x = [1" + String(repeating: " +\n1", count: 5_000) + "]", codes: ["nesting-too-deep"]),
    Case("5,000 chained calls", "let x = f" + String(repeating: "()", count: 5_000), codes: ["nesting-too-deep"]),
    Case("a 100-digit integer", "let x = " + String(repeating: "9", count: 100), codes: ["number-too-large"]),
    Case("a 100-digit hexadecimal integer", "let x = 0x" + String(repeating: "F", count: 100), codes: ["number-too-large"]),
    Case("a 400-digit float", "let x = " + String(repeating: "9", count: 400) + ".5", codes: ["number-too-large"]),
    Case("a float exponent out of range", "let x = 1e999999999999999999999", codes: ["number-too-large"]),
    Case("a 4,000-byte string literal", "let s = \"" + String(repeating: "x", count: 4_000) + "\"\nprint(len(s))", codes: []),
    Case("invalid UTF-8 everywhere", [0xFF, 0xFE, 0x0A, 0x6C, 0x65, 0x74, 0x20, 0x78, 0x20, 0x3D, 0x20, 0x22, 0xC3, 0x28, 0x80, 0x22, 0x0A,
      0xED, 0xA0, 0x80, 0x0A, 0xF4, 0x90, 0x80, 0x80, 0x0A, 0xC0, 0xAF, 0x0A, 0x2F, 0x2F, 0xFF, 0x0A, 0xE2, 0x82], codes: nil,
      mentions: "invalid-utf8"),
    Case("invalid UTF-8 inside a string and an interpolation", Array("print(\"a".utf8) + [0xFF] + Array("\\(".utf8) + [0xC3] + Array(")\")".utf8),
      codes: nil, mentions: "invalid-utf8"),
    Case("20,000 invalid bytes on one line", [UInt8](repeating: 0xFF, count: 20_000), codes: nil, mentions: "19900 more errors"),
    Case("NUL bytes", [0x6C, 0x65, 0x74, 0x00, 0x78, 0x20, 0x3D, 0x00, 0x31], codes: nil),
    Case("an unterminated string", "let s = \"abc\nprint(s)", codes: nil, mentions: "unterminated-string"),
    Case("an unterminated multi-line string", "let s = \"\"\"\nabc\n", codes: nil, mentions: "unterminated-string"),
    Case("an unterminated interpolation", "let s = \"a \\(1 + \nprint(s)", codes: nil, mentions: "unterminated-interpolation"),
    Case("an unterminated escape at the end", "let s = \"\\", codes: nil, mentions: "unterminated-string"),
    Case("an unterminated block comment", "/* " + String(repeating: "/* ", count: 1_000), codes: ["unterminated-comment"]),
    Case("500 nested interpolations, unclosed", String(repeating: "\"\\(", count: 500), codes: nil),
    Case("500 nested interpolations, closed",
      "let s = " + String(repeating: "\"\\(", count: 500) + "1" + String(repeating: ")\"", count: 500), codes: ["nesting-too-deep"]),
    Case("100 nested interpolations", "print(" + String(repeating: "\"\\(", count: 100) + "1" + String(repeating: ")\"", count: 100) + ")",
      codes: [], mentions: "1"),
    // With no call count, the step budget ends these before the stack does (on 512 MB).
    Case("unbounded recursion", "fn f(n) { f(n + 1) }\nf(0)", codes: ["step-budget"]),
    Case("unbounded mutual recursion", "fn f(n) { g(n) + 1 }\nfn g(n) { f(n) * 2 }\nf(0)", codes: ["step-budget"]),
    Case("unbounded recursion through a closure", "fn make() { fn(x) { make()(x) } }\nmake()(1)", codes: ["step-budget"]),
    Case("a default value that calls its own function", "fn f(n = f()) { n }\nf()", codes: nil),
    Case("recursion with deep expressions", "fn f(n) { " + String(repeating: "(1 + ", count: 120) + "f(n)" + String(repeating: ")", count: 120) + " }\nf(0)",
      codes: ["call-depth"]),
    Case("unbounded recursion through sorted", "fn k(x) { sorted([1, 2], key: k) }\nk(1)", codes: ["step-budget"]),
    Case("range lists at the edges of Int", "print(range(-1, 9223372036854775807, 9223372036854775807), range(5, 0, -9223372036854775807 - 1))",
      codes: [], mentions: "[-1, 9223372036854775806] [5]"),
    Case("equality of lists 300 deep", "fn mk(n) { var x = []; for i in range(n) { x = [x] }; x }\nprint(mk(300) == mk(300), mk(300) == mk(301))",
      codes: [], mentions: "true false"),
    Case("a list that contains itself, printed", "var a = []\na.append(a)\nprint(a)", codes: [], mentions: "[[...]]"),
    Case("a list that contains itself twice, printed and compared",
      "var a = []\na.append(a)\na.append(a)\nvar b = []\nb.append(b)\nb.append(b)\nprint(a, a == b, a in [b], str(a) == str(b))",
      codes: [], mentions: "true"),
    Case("a record that contains itself, printed", "var r = { a: 1 }\nr.self = r\nprint(r)\nprint(r == r)", codes: [], mentions: "{...}"),
    Case("a list shared 2^100 ways, compared", "var a = [1]\nvar b = [1]\nfor i in range(100) { a = [a, a]; b = [b, b] }\nprint(a == b)",
      codes: [], mentions: "true"),
    Case("a list shared 2^100 ways, printed", "var a = [1]\nfor i in range(100) { a = [a, a] }\nprint(a)", codes: nil),
    Case("a string doubled in a loop", "var s = \"x\"\nwhile true { s = s + s }", codes: nil, mentions: "too-large"),
    Case("a string doubled by interpolation", "var s = \"x\"\nwhile true { s = \"\\(s)\\(s)\" }", codes: nil, mentions: "too-large"),
    Case("a list doubled in a loop", "var a = [1]\nwhile true { a = a + a }", codes: nil),
    Case("a list extended by itself in a loop", "var a = [1]\nwhile true { a += a }", codes: nil),
    Case("big strings copied in a loop", "var s = \"x\"\nwhile len(s) < 30000000 { s = s + s }\nwhile true { let t = s + \"y\" }",
      codes: ["step-budget"]),
    Case("big strings kept in a loop", "var s = \"x\"\nwhile len(s) < 30000000 { s = s + s }\nvar l = []\nwhile true { l.append(s + \"\") }",
      codes: ["step-budget"]),
    Case("big ranges kept in a loop", "var l = []\nwhile true { l.append(range(10000000)) }", codes: ["step-budget"]),
    Case("a big list concatenated in a loop", "var l = range(1000000)\nwhile true { l = l + [] }", codes: ["step-budget"]),
    Case("sorting ten million numbers", "print(len(sorted(range(10000000))))", codes: ["step-budget"]),
    Case("searching a big string", "var s = \"a\"\nwhile len(s) < 30000000 { s = s + s }\nwhile true { let found = \"ab\" in s }",
      codes: ["step-budget"]),
    Case("indexing a big string", "var s = \"é\"\nwhile len(s) < 10000000 { s = s + s }\nwhile true { let c = s[-1] }", codes: ["step-budget"]),
    Case("a deeply nested list", "var a = []\nfor i in range(9000) { a = [a] }\nlet h = account \"x\" { f: a }\nprint(len(str(a)))\nprint(a == a)",
      codes: nil),
    Case("an import cycle and failing modules",
      "import \"cycle_a\"\nimport \"self\"\nimport \"broken\"\nimport \"fails\"\nimport \"util\"\nprint(util.answer)", codes: nil,
      mentions: "import-cycle"),
  ]

  /// An input that evaluates and passes the model's checks goes on through the lowering and a plan,
  /// so the fuzzer reaches the catalog; one that fails a check stops there.
  @Test func aCleanTopologyIsLoweredAndPlanned() throws {
    let clean = "let shared = account \"shared\" { profile: \"shared\", region: \"us-east-2\" }\n"
    let outcome = try #require(FuzzConfiguration.runGuarded(Array(clean.utf8)), "did not finish")
    #expect(outcome.codes == [], "\(outcome.rendered)")
    #expect(outcome.resources == 1)
    #expect(outcome.plan?.contains("1 to add") == true, "\(outcome.plan ?? "no plan")")
    let failing = try #require(FuzzConfiguration.runGuarded(Array("let a = account \"a\" { region: 3 }\n".utf8)), "did not finish")
    #expect(!failing.codes.isEmpty)
    #expect(failing.resources == nil && failing.plan == nil)
  }

  /// Values nested a million deep are freed, frozen, written and compared without deep recursion.
  @Test func valuesNestedAMillionDeep() throws {
    let source = """
      var a = []
      var r = {}
      for i in range(1000000) { a = [a]; r = { next: r } }
      let h = account "x" { f: a, g: r }
      print(len(str(a)), a == a)
      """
    let outcome = try #require(FuzzConfiguration.runGuarded(Array(source.utf8), maxSteps: 5_000_000), "did not finish")
    // The model refuses fields nested that deep (and the account lacks its fields), cleanly.
    #expect(outcome.codes == ["type-mismatch", "type-mismatch", "missing-field"], "\(outcome.rendered)")
    #expect(outcome.output == "133 true\n")
  }

  @Test(arguments: handWritten)
  func handWrittenInput(_ input: Case) throws {
    let outcome = try #require(FuzzConfiguration.runGuarded(input.bytes), "\(input.name) did not finish within the time limit")
    if let codes = input.codes {
      #expect(outcome.codes == codes, "\(input.name):\n\(outcome.rendered)")
    }
    if let mentions = input.mentions {
      let everything = outcome.output + outcome.rendered + outcome.json
      #expect(everything.contains(mentions), "\(input.name): expected '\(mentions)' in:\n\(everything.prefix(2_000))")
    }
  }
}

extension FuzzConfiguration {
  /// How long an input may run before it counts as a hang. The fuzzer allows 10 s to an optimised
  /// build; the tests run a debug build, several times slower, on a machine the whole suite (and
  /// other builds) may keep busy: 120 s was once not enough for 20,000 invalid bytes there.
  static let timeLimit: Duration = .seconds(300)

  /// Runs an input as the fuzz target does (`run`), on a thread of its own, and waits up to
  /// `timeLimit`; on time out, cancels the run (which stops it at its next step) and returns `nil`.
  /// (The session runs the script on a large stack of its own, `LargeStack`.)
  static func runGuarded(_ bytes: [UInt8], maxSteps: Int = maxSteps) -> Outcome? {
    final class Box: @unchecked Sendable {
      var outcome: Outcome?
      let done = DispatchSemaphore(value: 0)
      let printed = OutputBuffer()
      let session: Session
      init(maxSteps: Int) { session = FuzzConfiguration.makeSession(maxSteps: maxSteps, output: printed.append) }
    }
    let box = Box(maxSteps: maxSteps)
    Thread.detachNewThread {
      box.outcome = run(bytes, session: box.session, printed: box.printed)
      box.done.signal()
    }
    let seconds = Double(timeLimit.components.seconds)
    if box.done.wait(timeout: .now() + seconds) == .timedOut {
      box.session.cancel()
      _ = box.done.wait(timeout: .now() + 30)
      return nil
    }
    return box.outcome
  }
}
