import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("The local provider")
struct ProviderTests {
  @Test func observeReturnsWhatWasAppliedWithWhatTheCloudAssigned() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    try await fixture.createAll(resources)
    let observed = try await fixture.provider.observe()
    #expect(Set(observed.map(\.address)) == Set(resources.map(\.address)))
    for resource in resources {
      let match = try #require(observed.first { $0.address == resource.address })
      #expect(match.attributes == resource.attributes)
      #expect(match.placement == resource.placement)
    }
    let gateway = try #require(observed.first { $0.address.type == "ec2.transit_gateway" })
    let id = try #require(gateway.outputs.first?.value.string)
    #expect(id.count == 21 && id.hasPrefix("tgw-") && id.dropFirst(4).allSatisfy { $0.isLowercase || $0.isNumber })
    #expect(
      gateway.outputs.last
        == ModelField("arn", .string("arn:aws:ec2:us-east-2:\(LocalCloud.accountID(forProfile: "shared")):transit-gateway/\(id)")))
    let role = try #require(observed.first { $0.address.name == "frontend/eks-cluster-frontend-access-role" })
    #expect(
      role.outputs
        == [ModelField("arn", .string("arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role"))])
  }

  @Test func actionsFromSeveralTasksAtOnceAllLand() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    let base = resources.filter { ["aws.account", "iam.role", "ec2.transit_gateway", "ram.resource_share", "ram.share_acceptance"].contains($0.address.type) }
    try await fixture.createAll(base.filter { $0.address.name != "frontend/eks-cluster-frontend-access-role" && $0.address.name != "backend/eks-cluster-backend-access-role" })
    // Each account's network and cluster, built in parallel the way the engine applies independent branches.
    let provider = fixture.provider
    try await withThrowingTaskGroup(of: Void.self) { group in
      for account in Tutorial.accounts {
        let branch = resources.filter {
          $0.placement.account == account && !["aws.account", "ram.share_acceptance", "iam.role"].contains($0.address.type)
            && !$0.address.type.hasPrefix("eks.access")
        }
        group.addTask {
          for resource in branch { _ = try await provider.apply(.create(resource)) }
        }
      }
      try await group.waitForAll()
    }
    let observed = try await fixture.provider.observe()
    #expect(observed.filter { $0.address.type == "eks.cluster" }.count == 3)
    #expect(observed.filter { $0.address.type == "k8s.pod" }.count == 3)
  }

  @Test func anActionWaitsItsModelledDurationBeforeActing() async throws {
    #expect(OperationDurations.seconds(for: .create(resource("eks.cluster", "c"))) == 600)
    #expect(OperationDurations.seconds(for: .create(resource("eks.nodegroup", "c/nodegroup"))) == 180)
    #expect(OperationDurations.seconds(for: .create(resource("ec2.vpc", "v"))) == 5)
    // With a time scale of 1 the cluster would take ten minutes: cancelled while it waits, nothing is made.
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.vpc"].contains($0.address.type) })
    let slow = try LocalProvider(stateDirectory: fixture.directory, timeScale: 1)
    let cluster = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend"])
    let task = Task { try await slow.apply(.create(cluster)) }
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect(try await fixture.provider.observe().contains { $0.address == cluster.address } == false)
    #expect(throws: ProviderError.self) { try LocalProvider(stateDirectory: fixture.directory, timeScale: -1) }
    // Larger would overflow a Duration when an operation waits (it trapped in a REPL session).
    #expect(throws: ProviderError.self) { try LocalProvider(stateDirectory: fixture.directory, timeScale: 1e19) }
  }

  /// Records the waits an apply asks for, instead of sleeping.
  final class Waits: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [Duration] = []
    var all: [Duration] { lock.withLock { recorded } }
    func record(_ duration: Duration) { lock.withLock { recorded.append(duration) } }
  }

  @Test func aBadRequestFailsAtOnceAndWorkAlreadyDoneIsNotWaitedFor() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.vpc"].contains($0.address.type) })
    let waits = Waits()
    let provider = try LocalProvider(stateDirectory: fixture.directory, timeScale: 0.5) { waits.record($0) }
    let bad = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend", "version": "1.99"])
    await #expect(throws: ProviderError.self) { try await provider.apply(.create(bad)) }
    #expect(waits.all.isEmpty)
    let good = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend"])
    let made = try await provider.apply(.create(good))
    #expect(waits.all == [.seconds(300)])
    // Resumed: the cluster exists, so there is nothing to wait for.
    #expect(try await provider.apply(.create(good)) == made)
    #expect(waits.all == [.seconds(300)])
  }

  @Test func anUnknownResourceTypeIsRefused() async throws {
    let fixture = try CloudFixture()
    let error = await fixture.failure(resource("elb.load_balancer", "s"))
    #expect(error?.code == "UnsupportedResourceType")
    #expect(error?.address == address("elb.load_balancer", "s"))
  }

  @Test func checksOfTheDataPlaneNameWhatWasNotApplied() async throws {
    let fixture = try CloudFixture()
    let outcome = try await fixture.provider.check(Check(kind: "mtls", arguments: [.string("yelb-ui"), .string("yelb-appserver")]))
    #expect(outcome == .failed(reason: "no mesh service named yelb-ui was applied"))
    let unknown = try await fixture.provider.check(Check(kind: "teleports", arguments: []))
    #expect(unknown == .unsupported(reason: "the local provider has no check 'teleports'"))
    let bad = try await fixture.provider.check(Check(kind: "reachable", arguments: [.string("10.0.0.1")]))
    #expect(bad == .failed(reason: "verify reachable takes two endpoints (addresses or pods), not 1"))
  }
}
