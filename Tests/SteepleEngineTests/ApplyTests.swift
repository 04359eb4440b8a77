import Foundation
import SteepleEngine
import SteepleModel
import Synchronization
import Testing

/// Collects an apply's events from whichever task sends them.
final class EventLog: Sendable {
  private let events = Mutex<[ApplyEvent]>([])
  func append(_ event: ApplyEvent) { events.withLock { $0.append(event) } }
  var all: [ApplyEvent] { events.withLock { $0 } }
  var started: [ResourceAddress] {
    all.compactMap { if case .started(let step, _) = $0 { step.address } else { nil } }
  }
}

@Suite("apply, destroy and verify against a fake provider")
struct ApplyTests {
  typealias F = Fixtures

  @Test("apply creates everything in dependency order, and a second apply plans nothing")
  func applyThenNoChanges() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    let desired = F.topology(["frontend", "backend", "shared"])
    let report = try await engine.apply(desired)
    #expect(report.succeeded)
    #expect(report.done.count == 12)
    #expect(report.summary == "Apply complete: 12 done.")
    #expect(try await engine.state().count == 12)
    #expect(try await engine.plan(desired).isEmpty)
    let again = try await engine.apply(desired)
    #expect(again.plan.isEmpty && again.outcomes.isEmpty)
    #expect(await provider.cloud.calls.count == 12, "the second apply must call the provider for nothing")
  }

  @Test("independent actions run in parallel, never more at once than the parallelism")
  func parallelismIsBounded() async throws {
    for parallelism in [1, 3] {
      let gates = StepGates()
      let provider = FakeProvider(gates: gates)
      let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
      let desired = (0..<8).map { F.account("a\($0)") }
      let apply = Task { try await engine.apply(desired, options: ApplyOptions(parallelism: parallelism)) }
      // As many steps as the parallelism allow start and wait at their gates; then each one let
      // through makes room for exactly one more.
      var running: [ResourceAddress] = []
      for _ in 0..<parallelism { running.append(await gates.nextStarted()) }
      var finished = 0
      while finished < desired.count - parallelism {
        #expect(await provider.cloud.running == parallelism)
        await gates.open(running.removeFirst())
        finished += 1
        running.append(await gates.nextStarted())
      }
      await gates.openAll()
      let report = try await apply.value
      #expect(report.succeeded)
      #expect(report.done.count == desired.count)
      #expect(await provider.cloud.mostAtOnce == parallelism)
    }
  }

  @Test("a failed action stops only what depends on it")
  func failureSkipsDependents() async throws {
    let provider = FakeProvider()
    await provider.cloud.fail(F.address("ec2.vpc", "frontend"), code: "InvalidParameterValue", message: "bad CIDR")
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    let report = try await engine.apply(F.topology(["frontend", "backend"]))
    #expect(!report.succeeded)
    #expect(report.done.map(\.step.address.description).sorted() == [
      "aws.account.backend", "aws.account.frontend", "ec2.vpc.backend", "eks.cluster.eks-backend",
      "eks.nodegroup.eks-backend/nodegroup",
    ])
    let error = ProviderError(code: "InvalidParameterValue", message: "bad CIDR", address: F.address("ec2.vpc", "frontend"))
    #expect(report.failed.map(\.status) == [.failed(error)])
    #expect(report.skipped.map(\.step.address.description).sorted() == [
      "eks.cluster.eks-frontend", "eks.nodegroup.eks-frontend/nodegroup",
    ])
    #expect(report.skipped.allSatisfy { $0.status == .skipped("needs ec2.vpc.frontend, which failed") })
    #expect(report.summary == "Apply failed: 5 done, 1 failed, 2 skipped.")
  }

  @Test("a replace deletes dependents first and creates them again after")
  func replaceOrder() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    var desired = F.topology(["frontend"])
    _ = try await engine.apply(desired)
    desired[1] = F.vpc("frontend", in: "frontend", cidr: "10.50.0.0/16")
    let report = try await engine.apply(desired, options: ApplyOptions(parallelism: 4))
    #expect(report.succeeded, "\(report.failed)")
    #expect(report.plan.summary == "Plan: 3 to add, 0 to change, 3 to destroy.")
    let calls = await provider.cloud.calls.dropFirst(4).map { "\($0.verb) \($0.address)" }
    #expect(calls == [
      "delete eks.nodegroup.eks-frontend/nodegroup", "delete eks.cluster.eks-frontend", "delete ec2.vpc.frontend",
      "create ec2.vpc.frontend", "create eks.cluster.eks-frontend", "create eks.nodegroup.eks-frontend/nodegroup",
    ])
    #expect(try await engine.state().first { $0.address.type == "ec2.vpc" }?.attributes[field: "cidr"]
      == .string("10.50.0.0/16"))
  }

  @Test("a resource moved off another is changed before the other is deleted")
  func updateBeforeDelete() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    let old = F.vpc("old", in: "frontend", cidr: "10.1.0.0/16")
    let new = F.vpc("new", in: "frontend", cidr: "10.2.0.0/16")
    var cluster = F.cluster("eks-frontend", in: "frontend", vpc: "old")
    cluster.replaceOnChange = []
    _ = try await engine.apply([F.account("frontend"), old, cluster])
    cluster = F.cluster("eks-frontend", in: "frontend", vpc: "new")
    cluster.replaceOnChange = []
    let report = try await engine.apply([F.account("frontend"), new, cluster], options: ApplyOptions(parallelism: 8))
    #expect(report.succeeded, "\(report.failed)")
    #expect(report.plan.actions.map(\.kind) == [.create, .delete, .update])
    let calls = await provider.cloud.calls.dropFirst(3).map { "\($0.verb) \($0.address)" }
    #expect(calls == ["create ec2.vpc.new", "update eks.cluster.eks-frontend", "delete ec2.vpc.old"])
  }

  @Test("destroy deletes in reverse dependency order and leaves the state empty")
  func destroyEmptiesState() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    _ = try await engine.apply(F.topology(["frontend", "backend"]))
    let report = try await engine.destroy(options: ApplyOptions(parallelism: 8))
    #expect(report.succeeded, "\(report.failed)")
    #expect(report.done.count == 8)
    #expect(report.summary == "Destroy complete: 8 done.", "a destroy's summary says destroy, not apply")
    #expect(try await engine.state().isEmpty)
    #expect(try await engine.destroy().outcomes.isEmpty)
  }

  @Test("events: began, then a start before each finish, every step finished once")
  func eventsInOrder() async throws {
    let log = EventLog()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: try F.temporaryDirectory())
    let report = try await engine.apply(F.topology(["frontend"]), progress: log.append)
    let events = log.all
    guard case .began(_, let steps)? = events.first else {
      Issue.record("the first event must be .began")
      return
    }
    #expect(steps == 4)
    var started = Set<Int>()
    var finished = Set<Int>()
    for event in events.dropFirst() {
      switch event {
      case .started(let step, _): #expect(started.insert(step.id).inserted)
      case .finished(let outcome):
        #expect(started.contains(outcome.step.id))
        #expect(finished.insert(outcome.step.id).inserted)
      default: Issue.record("unexpected event \(event)")
      }
    }
    #expect(finished.count == report.outcomes.count)
    var progress = ApplyProgress()
    for event in events { progress.handle(event) }
    #expect(progress.done == 4 && progress.running.isEmpty)
    #expect(progress.bar(now: Date(), width: 60).hasPrefix("[" + String(repeating: "█", count: 40) + "] 4/4"))
  }

  @Test("cancelling an apply stops new steps; the running one ends, what did not start is skipped")
  func cancellation() async throws {
    let gates = StepGates()
    let engine = try Engine(provider: FakeProvider(gates: gates), stateDirectory: try F.temporaryDirectory())
    let task = Task { try await engine.apply(F.topology(["frontend"])) }
    // The account, the first step, is in flight when the apply is cancelled; it ends after.
    let first = await gates.nextStarted()
    #expect(first == F.address("aws.account", "frontend"))
    task.cancel()
    await gates.open(first)
    let report = try await task.value
    #expect(report.cancelled)
    #expect(report.done.map(\.step.address) == [F.address("aws.account", "frontend")])
    #expect(report.skipped.count == 3)
    #expect(report.skipped.allSatisfy { $0.status == .skipped("cancelled") })
    #expect(report.summary == "Apply stopped: 1 done, 3 skipped.")
    #expect(await gates.waiting == 0, "no step started after the cancel")
    #expect(try await engine.state().map(\.address) == [F.address("aws.account", "frontend")])
    #expect(engine.interruptedApply == nil, "a cancelled apply ends its journal")
  }

  @Test("verify asks the provider for each check, in order")
  func verifyChecks() async throws {
    let engine = try Engine(provider: FakeProvider(), stateDirectory: try F.temporaryDirectory())
    let results = await engine.verify([
      Check(kind: "reachable", arguments: [.string("10.1.0.5"), .string("10.2.0.5")]),
      Check(kind: "mtls", arguments: [.string("yelb-ui"), .string("yelb-appserver")]),
    ])
    #expect(results.map(\.outcome) == [.passed(detail: "reached"), .unsupported(reason: "the fake cannot run mtls")])
  }

  @Test("the critical path is the longest chain by duration")
  func criticalPath() throws {
    let desired = F.topology(["a"]) + [F.account("b")]
    let graph = try ApplyGraph(try Planner.plan(desired: desired, observed: [], provider: "fake"))
    // Four steps in a chain of one second each, and one on its own taking three.
    let path = graph.criticalPath { graph.steps[$0].address.name == "b" ? .seconds(3) : .seconds(1) }
    #expect(path == .seconds(4))
  }
}
