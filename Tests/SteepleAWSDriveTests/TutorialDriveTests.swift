import Foundation
import Steeple
import SteepleAWS
import SteepleTestSupport
import Testing

/// The tutorial (stdlib/tutorial/multi-account.spire) end to end through the aws provider: its
/// rendering's runbook, and an apply of it against the recording stand-ins.
@Suite struct TutorialDriveTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The tutorial's desired state and its rendering.
  static func tutorial() throws -> (resources: [Resource], rendering: AWSRendering) {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.standardLibrary = packageRoot.appendingPathComponent("stdlib").path
    let outcome = Session(configuration).run(file: packageRoot.appendingPathComponent("stdlib/tutorial/multi-account.spire").path)
    try #require(outcome.succeeded, "the tutorial evaluates: \(outcome.diagnostics)")
    let resources = DesiredState.resources(for: outcome.topology)
    return (resources, AWSRenderer(resources: resources, topology: outcome.topology).render())
  }

  @Test func theTutorialsRunbookIsTheGoldenScriptAndBashParsesIt() throws {
    let (resources, rendering) = try Self.tutorial()
    let text = RunbookScript.text(
      try Runbook.apply(rendering, resources: resources), renderedFolder: "/srv/steeple/rendered",
      heading: ["steeple apply stdlib/tutorial/multi-account.spire --provider aws"])
    #expect(text == (try DriveFixture.golden("tutorial-runbook.sh", updatingTo: text)))
    try RunbookTests.expectBashParses(text)
    let destroy = RunbookScript.text(Runbook.destroy(rendering, resources: resources), renderedFolder: "/srv/steeple/rendered", heading: [])
    try RunbookTests.expectBashParses(destroy)
  }

  @Test func anApplyOfTheTutorialRunsTheGoldenCommandsAndStopsOnlyWhereNoCommandExists() async throws {
    let (resources, rendering) = try Self.tutorial()
    // The stand-in's stacks hold what the rendering places in them and output what is read from them.
    var held: [String: [String]] = [:]
    for placement in rendering.placements.values {
      if case .stack(let name, let logicalID) = placement { held[name, default: []].append(logicalID) }
    }
    var outputs: [String: [String: String]] = [:]
    for parameter in rendering.stacks.flatMap(\.parameters) + rendering.manifests.flatMap(\.parameters) {
      outputs[parameter.fromStack, default: [:]][parameter.output] = "value-of-\(parameter.output)"
    }
    var accounts: [String: String] = [:]
    for access in rendering.stacks.map(\.access) + rendering.manifests.map(\.access) {
      if let profile = access.profile, let id = access.id { accounts[profile] = id }
    }
    let recorder = try Recorder(accounts: accounts, stackResources: held.mapValues { $0.sorted() }, stackOutputs: outputs)
    let state = try TemporaryDirectory.make("steeple-aws-state-").path
    let provider = recorder.provider(
      rendering: rendering, resources: resources, resourceTypes: Set(Catalog.standard.resourceTypes.map(\.name)))
    let report = try await Engine(provider: provider, stateDirectory: state)
      .apply(rendering.orderedForStacks(resources), options: ApplyOptions(parallelism: 1))
    let failures = report.failed.compactMap { outcome -> ProviderError? in
      if case .failed(let error) = outcome.status { error } else { nil }
    }
    #expect(failures.allSatisfy { $0.code == "NoCommand" }, "failures: \(failures)")
    let calls = try recorder.takeCalls()
    #expect(calls == (try DriveFixture.golden("tutorial-apply.log", updatingTo: calls)))
  }
}
