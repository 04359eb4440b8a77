import Foundation
import Steeple
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("the engine's ledger over the local cloud")
struct LedgerTakeoverTests {
  @Test("a state an older Steeple wrote (resources only in cloud.sqlite) is taken over into the ledger, not lost")
  func olderStateIsTakenOver() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(file: "stdlib/examples/network.spire")
    // What the previous version did: the provider alone recorded what it made, with no ledger.
    try await fixture.createAll(Lowering.ordered(resources))
    let ledgerPath = fixture.directory + "/" + Ledger.fileName
    #expect(!FileManager.default.fileExists(atPath: ledgerPath))

    let engine = try Engine(provider: try fixture.reopen(), stateDirectory: fixture.directory)
    #expect(try await engine.plan(resources).isEmpty)
    #expect(try await engine.state().count == resources.count)
    // plan and state only read: the ledger is written by the first apply.
    #expect(!FileManager.default.fileExists(atPath: ledgerPath))
    let report = try await engine.apply(resources)
    #expect(report.outcomes.isEmpty)
    let ledger = try #require(try Ledger.read(directory: fixture.directory))
    #expect(ledger.resources.count == resources.count)
    #expect(Set(ledger.resources.values) == Set(try await fixture.provider.observe()))
    // From now on the ledger is what Steeple manages: a destroy deletes all of it.
    let destroy = try await engine.destroy()
    #expect(destroy.succeeded, "\(destroy.failed)")
    #expect(try await fixture.provider.observe().isEmpty)
    #expect(try #require(try Ledger.read(directory: fixture.directory)).resources.isEmpty)
  }

  @Test("a refresh reads outputs back from the cloud, and reports what the cloud no longer holds")
  func refreshReadsTheCloud() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(file: "stdlib/examples/network.spire")
    let engine = try Engine(provider: fixture.provider, stateDirectory: fixture.directory)
    #expect(try await engine.apply(resources).succeeded)
    let state = try await engine.state()
    #expect(Set(state) == Set(try await fixture.provider.observe()))
    let route = try #require(state.first { $0.address.type == "ec2.route" })
    try await fixture.delete(route.address)  // behind the engine's back
    let plan = try await engine.plan(resources)
    #expect(plan.actions.map { "\($0.kind) \($0.address)" } == ["create \(route.address)"])
  }
}
