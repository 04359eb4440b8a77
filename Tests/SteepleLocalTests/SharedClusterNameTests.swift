import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

/// Two accounts with a cluster eks-cluster each, in the local cloud: two real clusters, each with
/// its own VPC, nodes, token issuer and ARN under the name EKS knows, `eks-cluster`.
@Suite("Clusters of one name in two accounts, in the local cloud")
struct SharedClusterNameTests {
  static let source = #"""
    import "k8s"
    let a = account "a" { region: "us-east-2" }
    let b = account "b" { region: "us-east-2" }
    for place in [{ home: a, cidr: "10.20.0.0/16" }, { home: b, cidr: "10.30.0.0/16" }] {
      let eks = cluster "eks-cluster" in place.home { cidr: place.cidr, nodes: 2 }
      k8s.namespace("yelb", in: eks)
      k8s.workload("ui", in: eks, namespace: "yelb", labels: { app: "ui" }, containers: ["ui"], ports: [80])
    }

    """#

  @Test("both clusters are made, each in its account and VPC, with its own issuer and the ARN of its EKS name")
  func bothClustersExist() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Lowering.resources(source: Self.source))
    let observed = try await fixture.provider.observe()
    var issuers: Set<String> = []
    for (account, block) in [("a", "10.20.0.0/16"), ("b", "10.30.0.0/16")] {
      let name = "eks-cluster@\(account)"
      let cluster = try #require(observed.first { $0.address == address("eks.cluster", name) })
      #expect(cluster.outputs[field: "arn"] == .string("arn:aws:eks:us-east-2:\(LocalCloud.accountID(forProfile: account)):cluster/eks-cluster"))
      let issuer = try #require(cluster.outputs[2].value.string)
      #expect(try fixture.cloud.issuer(cluster: name).issuer == issuer)
      issuers.insert(issuer)
      let vpc = try #require(CIDRBlock(block))
      let pod = try #require(observed.first { $0.address == address("k8s.pod", "\(name)/yelb/ui") })
      let ip = try #require(pod.outputs[field: "ip"]?.string)
      #expect(vpc.contains(try #require(CIDRBlock(ip + "/32"))), "\(name): \(ip)")
      let nodes = try #require(observed.first { $0.address == address("eks.nodegroup", "\(name)/nodegroup") }?.outputs.first?.value.list)
      #expect(nodes.count == 2)
    }
    #expect(issuers.count == 2)
  }

  @Test("a cluster written with another account than its own is refused")
  func accountMustMatch() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(source: Self.source)
    try await fixture.createAll(resources.filter { $0.address.type == "aws.account" || $0.address.type == "ec2.vpc" })
    let cluster = try #require(resources.first { $0.address == address("eks.cluster", "eks-cluster@a") })
    let misnamed = Resource(
      address: address("eks.cluster", "eks-cluster@b"), placement: cluster.placement, attributes: cluster.attributes,
      dependencies: cluster.dependencies, replaceOnChange: cluster.replaceOnChange, origin: cluster.origin)
    let failure = await fixture.failure(misnamed)
    #expect(failure?.code == "InvalidParameterException")
    #expect(failure?.message == "the cluster eks-cluster@b is not named after its account a")
  }

  @Test("a pod path with the cluster's name alone that fits both is refused with both spellings; each spelling resolves")
  func ambiguousPodPath() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Lowering.resources(source: Self.source))
    let ambiguous = try await fixture.provider.check(
      Check(kind: "reachable", arguments: [.string("eks-cluster/yelb/ui"), .string("eks-cluster@b/yelb/ui")]))
    #expect(ambiguous == .failed(reason:
      "Ambiguous: eks-cluster/yelb/ui names 2 pods (eks-cluster@a/yelb/ui, eks-cluster@b/yelb/ui): write the cluster with its account, as here"))
    let qualified = try await fixture.provider.check(
      Check(kind: "reachable", arguments: [.string("eks-cluster@a/yelb/ui"), .string("eks-cluster@b/yelb/ui")]))
    guard case .failed(let reason) = qualified else {
      Issue.record("two VPCs on no gateway cannot reach each other, got \(qualified)")
      return
    }
    #expect(reason.hasPrefix("eks-cluster@a/yelb/ui cannot reach eks-cluster@b/yelb/ui: "), "\(reason)")
  }
}
