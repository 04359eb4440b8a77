// The fuzz target's configuration and pipeline, in one place: `scripts/fuzz` compiles this file
// into the libFuzzer target with Fuzz/SteepleFuzz.swift, and FuzzRegressionTests replays every
// saved crasher through it in `swift test`.
import Steeple
import SteepleEngine
import SteepleInterpreter
import SteepleModel
import SteepleSyntax

/// How the fuzzer runs one input: as a script named `main.spire` in a `Session` with the default
/// model host (so `account`, `cluster`, `aws.*` and `k8s.*` declare into a topology), a step
/// budget (so loops end), no call count (calls stop where the stack nearly ends), and a few small
/// in-memory modules to import (one of them in a cycle). Every input is then taken as far as it
/// goes: the diagnostics rendered as text and as JSON and the script's values printed as literals;
/// when it evaluates, the model's checks; when they pass, the lowering into resources and checks,
/// and a plan of it against an empty state, rendered as text and JSON and ordered into an apply
/// graph. Any crash, hang or runaway memory use on the way is a bug.
enum FuzzConfiguration {
  /// The step budget of one input: enough for real programs, small enough for libFuzzer's pace.
  static let maxSteps = 20_000
  /// No call count: calls nest until the stack is nearly full, which is what the fuzzer should
  /// exercise (the step budget bounds the depth too).
  static let maxCallDepth: Int? = nil
  /// The most output an input keeps; the rest is dropped.
  static let maxOutputBytes = 1 << 20

  /// The modules an input can import: plain ones, one that fails to compile, and a cycle.
  static let modules: [String: String] = [
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

  /// What one input produced, as far as it got.
  struct Outcome: Sendable {
    /// The codes of every diagnostic: the run's, then the model's checks'.
    var codes: [String]
    var rendered: String
    var json: String
    var output: String
    /// How many resources the lowering made; `nil` when the input did not get that far.
    var resources: Int?
    /// The plan against an empty state as text, or why planning failed; `nil` when the input did
    /// not get that far.
    var plan: String?
  }

  /// A session configured as the fuzzer runs inputs, printing into `output`.
  static func makeSession(maxSteps: Int = maxSteps, output: @escaping (String) -> Void) -> Session {
    var configuration = Session.Configuration()
    configuration.maxSteps = maxSteps
    configuration.maxCallDepth = maxCallDepth
    configuration.loader = InMemoryModuleLoader(modules)
    configuration.standardLibrary = nil
    configuration.output = output
    return Session(configuration)
  }

  /// Runs one input through everything. `session` is one from `makeSession` whose output goes to
  /// `printed`; a fresh one when `nil`.
  static func run(_ bytes: [UInt8], session: Session? = nil, printed: OutputBuffer? = nil, maxSteps: Int = maxSteps) -> Outcome {
    let buffer = printed ?? OutputBuffer()
    let session = session ?? makeSession(maxSteps: maxSteps, output: buffer.append)
    let result = session.run(SourceFile(name: "main.spire", bytes: bytes))
    var outcome = Outcome(
      codes: result.diagnostics.map(\.code), rendered: DiagnosticRenderer(colors: false).render(result.diagnostics),
      json: DiagnosticJSON.encode(result.diagnostics), output: "")
    _ = DiagnosticRenderer(colors: true).render(result.diagnostics)
    for (_, value) in result.globals { _ = value.literal + value.text }
    _ = result.value?.literal
    if result.succeeded {
      let desired = lower(result.topology)
      outcome.resources = desired.resources.count
      outcome.plan = plan(desired.resources)
    }
    outcome.output = buffer.text
    return outcome
  }

  /// The domain's lowering of a topology that passed its checks: the one call site of it here.
  static func lower(_ topology: Topology) -> (resources: [Resource], checks: [Check]) {
    (DesiredState.resources(for: topology), DesiredState.checks(for: topology))
  }

  /// Plans `resources` against an empty state and renders the plan every way the commands do.
  static func plan(_ resources: [Resource]) -> String {
    do {
      let plan = try Planner.plan(desired: resources, observed: [], provider: "fuzz")
      _ = try ApplyGraph(plan)
      _ = PlanRenderer.json(plan)
      return PlanRenderer.text(plan)
    } catch {
      return "\(error)"
    }
  }

  /// Collects what a run prints, up to `maxOutputBytes`.
  final class OutputBuffer: @unchecked Sendable {
    private(set) var text = ""

    func append(_ printed: String) {
      if text.utf8.count < FuzzConfiguration.maxOutputBytes { text += printed }
    }
  }
}
