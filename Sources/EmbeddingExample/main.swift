// EmbeddingExample: a small tool that embeds Steeple.
//
//   swift run EmbeddingExample            runs the script below
//   swift run EmbeddingExample FILE       runs FILE instead (`-` reads standard input)
//
// The tool gives scripts one builtin of its own, `cidr_for(index)`, and one namespace,
// `import "inventory"`, then prints what the script handed back as plain Swift values: the
// declarations it made (the topology), its top-level names and the value of its last line. On errors it prints
// them, rendered as `steeple` does, to standard error and exits with status 1.
//
// Then it deploys the topology into the embedded local cloud, in a state directory of its own that
// it removes at the end: it prints the plan, applies it with a progress callback, reads the state
// back as Swift values, and plans again to show there is nothing left to do.
import Foundation
import Steeple
import SteepleLocal
import Synchronization

/// A count that a progress callback can bump from any task.
final class Counter: Sendable {
  private let count = Mutex(0)
  func increment() { count.withLock { $0 += 1 } }
  var value: Int { count.withLock { $0 } }
}

/// The script run when no file is named.
let defaultScript = """
  import "inventory"

  // One account per team, each with a cluster in its own address block.
  var cidrs = []
  for (index, team) in inventory.teams {
    let cidr = cidr_for(index + 1)
    cidrs.append(cidr)
    let home = account team { profile: inventory.owner_of(team), region: inventory.region }
    cluster "eks-\\(team)" in home { cidr: cidr }
  }
  print("declared \\(len(inventory.teams)) teams")

  let region = inventory.region
  let summary = { teams: len(cidrs), first: cidrs[0] }
  cidrs[-1]
  """

// A builtin: Swift code scripts call like any function. Throwing `ScriptError` reports an error
// at the call, with the summary and help given here.
let cidrFor = BuiltinFunction("cidr_for", summary: "cidr_for(index) is the /16 block \"10.<index>.0.0/16\"") { call in
  try call.expect(1, 1)
  let index = try call.int(0, "index")
  guard (0...255).contains(index) else {
    throw ScriptError("cidr_for() index \(index) is out of range", detail: "pass an index from 0 to 255")
  }
  return .string("10.\(index).0.0/16")
}

// A namespace scripts import by name, before any file is looked for. Values handed to scripts are
// frozen so a script cannot change the host's data.
let teams = ["payments", "search", "ledger"]
let owners = ["payments": "alice", "search": "bob", "ledger": "carol"]
let teamList = Value.list(ListObject(teams.map(Value.string)))
teamList.freeze()
let inventory = ModuleObject(name: "inventory", members: [
  ("teams", teamList),
  ("region", .string("us-east-2")),
  ("owner_of", .builtin(BuiltinFunction("owner_of", summary: "owner_of(team) is the team's owner") { call in
    try call.expect(1, 1)
    let team = try call.string(0, "team")
    guard let owner = owners[team] else {
      throw ScriptError("no team named \(Value.quote(team))", detail: "the teams are: \(teams.joined(separator: ", "))",
        suggestion: Spelling.nearest(to: team, in: teams))
    }
    return .string(owner)
  })),
])

/// A script value as plain Swift data: `Int`, `Double`, `String`, `Bool`, `[Any?]`, `[String: Any?]`,
/// or `nil`. Declaration handles become their fields plus `kind` and `name`; functions and modules
/// become their printed form.
func swiftValue(_ value: Value) -> Any? {
  switch value {
  case .nil: return nil
  case .bool(let bool): return bool
  case .int(let int): return int
  case .float(let double): return double
  case .string(let string): return string
  case .list(let list): return list.elements.map(swiftValue)
  case .record(let record): return swiftRecord(record)
  case .handle(let handle):
    var fields = swiftRecord(handle.fields)
    fields["kind"] = handle.kind
    fields["name"] = handle.name
    return fields
  case .function, .builtin, .method, .module: return value.literal
  }
}

func swiftRecord(_ record: RecordObject) -> [String: Any?] {
  var dictionary: [String: Any?] = [:]
  for (key, value) in record.fields { dictionary[key] = swiftValue(value) }
  return dictionary
}

/// Swift literal syntax for plain data, with dictionary keys sorted so the output is stable.
func show(_ value: Any?) -> String {
  switch value {
  case nil: return "nil"
  case let string as String: return "\"\(string)\""
  case let list as [Any?]: return "[" + list.map(show).joined(separator: ", ") + "]"
  case let dictionary as [String: Any?]:
    if dictionary.isEmpty { return "[:]" }
    return "[" + dictionary.keys.sorted().map { "\"\($0)\": \(show(dictionary[$0] ?? nil))" }.joined(separator: ", ") + "]"
  case let other?: return "\(other)"
  }
}

var configuration = Session.Configuration()
configuration.builtins = [cidrFor]
configuration.modules = [inventory]
configuration.maxSteps = 1_000_000
let session = Session(configuration)

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count <= 1, arguments.first?.hasPrefix("-") != true || arguments.first == "-" else {
  FileHandle.standardError.write(Data("usage: EmbeddingExample [FILE]\n".utf8))
  exit(2)
}
let outcome = arguments.first.map { session.run(file: $0) } ?? session.run(source: defaultScript, name: "<embedded>")

guard outcome.succeeded else {
  FileHandle.standardError.write(Data(DiagnosticRenderer(colors: false).render(outcome.diagnostics).utf8))
  exit(1)
}

print("declarations:")
for declaration in outcome.declarations {      // plain data: id, kind, name, fields, ranges
  print("  \(declaration)")
}
print("globals:")
for (name, value) in outcome.globals {
  print("  \(name) = \(show(swiftValue(value)))")
}
// Typed access to one global, as a host reads a result it expects.
if let cidrs = outcome[global: "cidrs"].flatMap(swiftValue) as? [Any?] {
  let blocks = cidrs.compactMap { $0 as? String }
  print("cidrs as [String]: \(blocks)")
}
print("value = \(outcome.value.map { show(swiftValue($0)) } ?? "none")")

// The interactive mode, as `steeple repl` uses it: inputs one after another in one scope, each
// seeing the names of those before it; completion candidates; whether an input is unfinished.
if arguments.isEmpty {
  let interactive = Session(configuration)
  interactive.evaluate("import \"inventory\"")
  interactive.evaluate("let lead = inventory.teams[0]")
  let shout = interactive.evaluate("lead.upper() + \" owned by \" + inventory.owner_of(lead)")
  print("interactive: \(shout.value.map { show(swiftValue($0)) } ?? "none")")
  let typed = "inventory.o"
  let completions = interactive.completions(for: typed, at: typed.utf8.count)
  print("completions of '\(typed)': \(completions.candidates.map(\.text))")
  print("'fn f() {' needs more input: \(Session.needsMoreInput("fn f() {"))")
}

// Deploying: the topology planned and applied through the local provider, as `steeple apply` does.
let stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("embedding-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
do {
  let provider = try LocalProvider(stateDirectory: stateDirectory, timeScale: 0)
  let deployment = try Deployment(topology: outcome.topology, provider: provider, stateDirectory: stateDirectory)

  let plan = try await deployment.plan()
  print("plan:")
  for action in plan.actions {        // PlannedAction: kind, address, placement, changes, reason
    print("  \(action.kind.symbol) \(action.address) (\(action.reason))")
  }
  print(plan.summary)

  // The callback sees every step start and end; it may be called from any task. Cancelling the
  // task that runs `apply` stops it from starting more steps.
  let started = Counter()
  let report = try await deployment.apply(options: ApplyOptions(parallelism: 4)) { event in
    if case .started = event { started.increment() }
  }
  print("\(report.summary) The callback saw \(started.value) steps start.")

  let state = try await deployment.state()   // [ObservedResource]: address, attributes, outputs
  let clusters = state.filter { $0.address.type == "eks.cluster" }
  print("state: \(state.count) resources, clusters \(clusters.map(\.address.name))")
  print("second plan: \(try await deployment.plan().summary)")
} catch {
  FileHandle.standardError.write(Data("error: \(error)\n".utf8))
  exit(1)
}
