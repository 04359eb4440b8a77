import Foundation
import Steeple
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

/// `stdlib/examples/network.spire`, the tutorial's first half, through the model and into the local
/// cloud: every resource the model derives is one the cloud accepts, in dependency order, and the
/// cloud then behaves as the tutorial needs.
@Suite("network.spire in the local cloud")
struct NetworkExampleTests {
  @Test func theExampleAppliesAndTheTutorialsPathsWork() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(file: "stdlib/examples/network.spire")
    try await fixture.createAll(resources)
    let observed = try await fixture.provider.observe()
    #expect(observed.count == resources.count)

    // One organization: the share needed no invitation.
    #expect(try fixture.cloud.shareInvitations(account: "frontend").map(\.status) == ["ASSOCIATED"])

    // The shared cluster's nodes act as their role; it may assume the frontend's access role and
    // call the frontend cluster's API, but it may not call that API as itself.
    let sharedNodes = try #require(
      observed.first { $0.address == ResourceAddress(type: "eks.nodegroup", name: "eks-cluster-shared/nodegroup") })
    let sharedNode = try #require(sharedNodes.outputs.first?.value.list?.first?[field: "name"]?.string)
    let node = try fixture.cloud.nodeCredentials(cluster: "eks-cluster-shared", node: sharedNode)
    #expect(node.arn.hasSuffix(":assumed-role/eks-cluster-shared-node-role/\(sharedNode)"))
    // The frontend's nodes have no role that the access role trusts.
    let frontendNodes = try #require(
      observed.first { $0.address == ResourceAddress(type: "eks.nodegroup", name: "eks-cluster-frontend/nodegroup") })
    let frontendNode = try #require(frontendNodes.outputs.first?.value.list?.first?[field: "name"]?.string)
    let none = #expect(throws: ProviderError.self) {
      try fixture.cloud.nodeCredentials(cluster: "eks-cluster-frontend", node: frontendNode)
    }
    #expect(none?.code == "NoCredentialProviders")
    let frontendID = try #require(try fixture.cloud.accountID(of: "frontend"))
    let access = try fixture.cloud.assumeRole(
      "arn:aws:iam::\(frontendID):role/eks-cluster-frontend-access-role", with: node, sessionName: "spire-server")
    guard case .objects(let nodes) = try fixture.cloud.clusterRequest(
      .list(resource: "nodes"), cluster: "eks-cluster-frontend", credentials: access)
    else {
      Issue.record("expected nodes")
      return
    }
    #expect(nodes.count == 3)
    #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "nodes"), cluster: "eks-cluster-frontend", credentials: node)
    }
    // The frontend's role cannot be used on the backend's cluster.
    #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "nodes"), cluster: "eks-cluster-backend", credentials: access)
    }

    // Every node reaches every other cluster's nodes over the gateway.
    func firstNodeIP(_ cluster: String) throws -> String {
      let group = try #require(observed.first { $0.address == ResourceAddress(type: "eks.nodegroup", name: "\(cluster)/nodegroup") })
      return try #require(group.outputs.first?.value.list?.first?[field: "ip"]?.string)
    }
    let clusters = ["eks-cluster-shared", "eks-cluster-frontend", "eks-cluster-backend"]
    for source in clusters {
      for destination in clusters where destination != source {
        let report = try fixture.cloud.reachability(from: try firstNodeIP(source), to: try firstNodeIP(destination))
        #expect(report.reachable, "\(source) -> \(destination): \(report)")
      }
    }
  }

  @Test func reapplyingChangesNothingAndDestroyingEmptiesTheCloud() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(file: "stdlib/examples/network.spire")
    try await fixture.createAll(resources)
    let first = try await fixture.provider.observe()
    try await fixture.createAll(resources)
    #expect(try await fixture.provider.observe() == first)
    for resource in resources.reversed() { try await fixture.delete(resource.address) }
    #expect(try await fixture.provider.observe().isEmpty)
  }
}
