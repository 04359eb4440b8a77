import Foundation
import SteepleEngine
import SteepleModel
import Testing

/// Plan and state output against checked-in files under `Golden/`.
@Suite("plan and state rendering")
struct RenderTests {
  typealias F = Fixtures

  /// A plan with one of each: creates, changes, a replace, deletes, in accounts and clusters.
  static func mixedPlan() throws -> Plan {
    let before = F.topology(["frontend", "legacy"], nodes: 2)
    var after = F.topology(["frontend", "backend"], nodes: 3)
    after[2] = F.cluster("eks-frontend", in: "frontend", vpc: "frontend", version: "1.32")
    after.append(Resource(
      address: F.address("aws.organization", "steeple"), placement: Placement(),
      attributes: [ModelField("accounts", .list([.string("frontend"), .string("backend")]))]))
    var observed = PlannerTests.observed(before)
    // The frontend VPC had one more subnet; its node group ran another instance type.
    observed[1].attributes[2] = ModelField("subnets", .list([.string("10.1.0.0/16"), .string("10.1.1.0/24")]))
    observed[3].attributes[2] = ModelField("instance_type", .string("t3.large"))
    return try Planner.plan(desired: after, observed: observed, provider: "fake")
  }

  @Test("plan text: grouped by account and cluster, each action with its reason and fields")
  func planText() throws {
    let text = PlanRenderer.text(try Self.mixedPlan())
    #expect(text == (try F.golden("mixed-plan.txt", updatingTo: text)), "rendered:\n\(text)")
  }

  @Test("plan JSON: every action with its changes, old and new")
  func planJSON() throws {
    let json = PlanRenderer.json(try Self.mixedPlan())
    #expect(json == (try F.golden("mixed-plan.json", updatingTo: json)), "rendered:\n\(json)")
    let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
    #expect((decoded?["summary"] as? [String: Int]) == ["add": 6, "change": 2, "destroy": 5])
  }

  @Test("no changes says so")
  func noChanges() {
    #expect(PlanRenderer.text(Plan(actions: [], provider: "fake")) == "No changes. What exists matches the script.\n")
    #expect(PlanRenderer.json(Plan(actions: [], provider: "fake")).contains("\"changes\": false"))
  }

  @Test("a destroy with nothing to delete says the state is empty, not that what exists matches a script")
  func emptyDestroy() async throws {
    let engine = try Engine(provider: FakeProvider(), stateDirectory: try F.temporaryDirectory())
    let destroyed = try await engine.destroy()
    #expect(ApplyReportRenderer.text(destroyed) == "No changes. The state holds nothing to destroy.\n")
    let applied = try await engine.apply([])
    #expect(ApplyReportRenderer.text(applied) == "No changes. What exists matches the script.\n")
  }

  @Test("control characters in names reach no terminal raw: plan, progress, report, board and state escape them")
  func controlCharacters() async throws {
    let name = "evil\u{1B}[2J\u{7}\nname\u{9B}"
    let engine = try Engine(provider: FakeProvider(), stateDirectory: try F.temporaryDirectory())
    let resources = [F.account(name), F.vpc("vpc\u{1B}]0;title\u{7}", in: name, cidr: "10.1.0.0/16")]
    let plan = try await engine.plan(resources)
    let log = EventLog()
    let report = try await engine.apply(resources, progress: log.append)
    var progress = ApplyProgress()
    var lines: [String] = []
    for event in log.all {
      progress.handle(event)
      lines.append(ApplyProgress.line(for: event))
      if case .started = event { lines += progress.board(now: Date(), width: 60) }
    }
    let texts = [
      "plan": PlanRenderer.text(plan), "report": ApplyReportRenderer.text(report), "progress": lines.joined(separator: "\n"),
      "state": StateRenderer.text(try await engine.state()),
    ]
    for (what, text) in texts {
      let raw = text.unicodeScalars.filter { $0 != "\n" && ($0.value < 0x20 || (0x7F...0x9F).contains($0.value)) }
      #expect(raw.isEmpty, "\(what) prints control characters raw: \(text.debugDescription)")
    }
    #expect(texts["plan"]!.contains(#"account "evil\u{1b}[2J\u{7}\nname\u{9b}""#), "\(texts["plan"]!)")
    #expect(texts["plan"]!.contains(#"  + ec2.vpc.vpc\u{1b}]0;title\u{7} ("#))
    #expect(texts["state"]!.contains(#"  aws.account.evil\u{1b}[2J\u{7}\nname\u{9b}"#))
    #expect(texts["progress"]!.contains(#"start   + creating ec2.vpc.vpc\u{1b}]0;title\u{7}"#))
    #expect(TerminalText.escaped("plain \"text\" é 𝄞") == "plain \"text\" é 𝄞")
  }

  @Test("the live board fits a narrow terminal: no line is wider than it, so the redraw leaves nothing behind",
    arguments: [21, 30, 40, 80])
  func boardFitsWidth(_ width: Int) throws {
    var progress = ApplyProgress()
    let vpcs = (0..<12).map { F.vpc("a-rather-long-vpc-name-\($0)", in: "frontend", cidr: "10.1.0.0/16") }
    let plan = try Planner.plan(desired: [F.account("frontend")] + vpcs, observed: [], provider: "fake")
    let steps = try ApplyGraph(plan).steps
    progress.handle(.began(plan: plan, steps: 12_000))
    let start = Date(timeIntervalSince1970: 0)
    for step in steps { progress.handle(.started(step, at: start)) }
    progress.handle(.finished(StepOutcome(step: steps[0], status: .failed(ProviderError(code: "Refused", message: "no")), started: start, duration: .seconds(1))))
    progress.handle(.finished(StepOutcome(step: steps[1], status: .skipped("no"), started: nil, duration: nil)))
    let board = progress.board(now: start.addingTimeInterval(754), width: width)
    #expect(board.count == 10, "8 running steps, a line for the 3 more, and the bar")
    for line in board {
      #expect(line.count <= width, "\(line.count) columns on a \(width)-column terminal: \(line)")
    }
  }

  @Test("state text: one resource a line, grouped by account and cluster")
  func stateText() async throws {
    let engine = try Engine(provider: FakeProvider(), stateDirectory: try F.temporaryDirectory())
    _ = try await engine.apply(F.topology(["frontend", "backend"]))
    let state = try await engine.state()
    #expect(StateRenderer.text(state) == (try F.golden("state.txt", updatingTo: StateRenderer.text(state))), "rendered:\n\(StateRenderer.text(state))")
    #expect(StateRenderer.json(state) == (try F.golden("state.json", updatingTo: StateRenderer.json(state))))
    #expect(StateRenderer.text([]) == "The state is empty.\n")
  }

  @Test("plain progress lines start with a timestamp and say what happened")
  func plainLines() throws {
    let plan = try Planner.plan(desired: [F.account("a")], observed: [], provider: "fake")
    let graph = try ApplyGraph(plan)
    let time = Date(timeIntervalSince1970: 1_800_000_000.25)
    let step = graph.steps[0]
    #expect(ApplyProgress.line(for: .started(step, at: time), at: time) == "2027-01-15T08:00:00.250Z start   + creating aws.account.a")
    let failed = StepOutcome(step: step, status: .failed(ProviderError(code: "AccessDenied", message: "no")), started: time, duration: .seconds(1))
    #expect(ApplyProgress.line(for: .finished(failed), at: time) == "2027-01-15T08:00:00.250Z failed  + aws.account.a: AccessDenied: no")
    let done = StepOutcome(step: step, status: .done, started: time, duration: .milliseconds(1500))
    #expect(ApplyProgress.line(for: .finished(done), at: time) == "2027-01-15T08:00:00.250Z done    + aws.account.a (1.5s)")
  }

  @Test("the live board shows a line per running step with its elapsed time, then the bar")
  func board() throws {
    let plan = try Planner.plan(desired: F.topology(["a"]), observed: [], provider: "fake")
    let graph = try ApplyGraph(plan)
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    var progress = ApplyProgress()
    progress.handle(.began(plan: plan, steps: graph.steps.count))
    progress.handle(.started(graph.steps[0], at: start))
    progress.handle(.finished(StepOutcome(step: graph.steps[0], status: .done, started: start, duration: .seconds(1))))
    progress.handle(.started(graph.steps[1], at: start.addingTimeInterval(1)))
    let lines = progress.board(now: start.addingTimeInterval(3.5), width: 60)
    #expect(lines.count == 2)
    #expect(lines[0].hasPrefix("  + creating ec2.vpc.a"))
    #expect(lines[0].hasSuffix("  2.5s"))
    #expect(lines[0].count == 60)
    #expect(lines[1].hasPrefix("[██████████░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░] 1/4"))
  }
}
