// SteepleFuzz: the libFuzzer target over the whole pipeline (lexer, parser, resolver, interpreter,
// diagnostic rendering).
//
// This file is not part of the Swift package (it lives outside Sources/, so SwiftPM ignores it).
// `scripts/fuzz SECONDS` compiles SteepleSyntax and SteepleInterpreter with
// `swiftc -sanitize=fuzzer,address` into .build-fuzz/, links this file against them and runs
// libFuzzer seeded with every .spire file in the repository and the saved crashers.
//
// Every input is run as a script named `main.spire` with a step budget (so loops end) and no call
// count (calls stop where the main thread's stack nearly ends: scripts/fuzz raises it for
// AddressSanitizer's larger frames), importing from a few
// small in-memory modules (one of them in a cycle), with its output thrown away. The diagnostics
// are then rendered as text and as JSON, and the script's values printed as literals, so those are
// fuzzed too. Any crash, hang (-timeout) or runaway memory use (-rss_limit_mb) is a bug.
//
// Keep `FuzzConfiguration` in Tests/SteepleInterpreterTests/FuzzRegressionTests.swift the same as
// the constants below: the regression tests replay every saved crasher through it.

import SteepleInterpreter
import SteepleSyntax

/// The step budget of one input: enough for real programs, small enough for libFuzzer's pace.
let fuzzMaxSteps = 20_000
/// No call count: calls nest until the stack is nearly full, which is what the fuzzer should
/// exercise (the step budget bounds the depth too).
let fuzzMaxCallDepth: Int? = nil

/// The modules an input can import: plain ones, one that fails to compile, and a cycle.
let fuzzModules: [String: String] = [
  "util": """
    let answer = 42
    var counter = 0
    let names = ["a", "b", "c"]
    let config = { region: "us-east-1", nodes: 3, tags: ["x", "y"] }
    fn double(x) { x * 2 }
    fn greet(name, greeting = "hello") { "\\(greeting), \\(name)!" }
    fn bump() { counter += 1 }
    fn apply(f, x) { f(x) }
    let _private = 1
    """,
  "naming": """
    fn spiffe_id(domain, path) { "spiffe://\\(domain)/\\(path)" }
    let shared = account "shared" { profile: "shared", region: "us-east-2" }
    """,
  "broken": "let x = \nfn (",
  "fails": "fail(\"module failed on purpose\")",
  "cycle_a": "import \"cycle_b\"\nlet a = 1\n",
  "cycle_b": "import \"cycle_a\"\nlet b = 2\n",
  "self": "import \"self\"\n",
]

/// Runs one input through everything; returns how many diagnostics it produced.
@discardableResult
func fuzzOne(_ bytes: [UInt8]) -> Int {
  let interpreter = Interpreter(
    options: .init(maxSteps: fuzzMaxSteps, maxCallDepth: fuzzMaxCallDepth),
    host: RecordingHost(),
    loader: InMemoryModuleLoader(fuzzModules),
    output: { _ in })
  let result = interpreter.run(SourceFile(name: "main.spire", bytes: bytes))
  let text = DiagnosticRenderer(colors: false).render(result.diagnostics)
  let colored = DiagnosticRenderer(colors: true).render(result.diagnostics)
  let json = DiagnosticJSON.encode(result.diagnostics)
  var sink = text.utf8.count &+ colored.utf8.count &+ json.utf8.count
  for (name, value) in result.globals {
    sink &+= name.utf8.count &+ value.literal.utf8.count &+ value.text.utf8.count
  }
  if let value = result.value { sink &+= value.literal.utf8.count }
  blackHole(sink)
  return result.diagnostics.count
}

@inline(never)
func blackHole(_ value: Int) {
  if value == -1 { print("unreachable") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}
