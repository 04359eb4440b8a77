import Foundation
import Steeple
import SteepleEngine
import SteepleModel
import Testing

/// The topology expanded into the resource catalog: names, attributes, dependencies, placements.
@Suite("desired state")
struct DesiredStateTests {
  static func networkResources() throws -> [Resource] {
    let source = try String(
      contentsOf: ModelTestSupport.packageRoot.appendingPathComponent("stdlib/examples/network.spire"), encoding: .utf8)
    return DesiredState.resources(for: try ModelTestSupport.topology(source))
  }

  /// Set STEEPLE_UPDATE_GOLDEN=1 to rewrite the golden file from what the code produces.
  @Test("network.spire becomes the tutorial's resources (golden)")
  func networkGolden() throws {
    let rendered = ModelTestSupport.render(try Self.networkResources())
    if ProcessInfo.processInfo.environment["STEEPLE_UPDATE_GOLDEN"] != nil {
      try rendered.write(
        to: ModelTestSupport.packageRoot.appendingPathComponent("Tests/SteepleModelTests/Golden/network.resources"), atomically: true,
        encoding: .utf8)
    }
    #expect(rendered == (try ModelTestSupport.golden("network.resources")))
  }

  @Test("every dependency is a resource of the same set, and the graph has no cycle")
  func dependenciesResolve() throws {
    let resources = try Self.networkResources()
    let addresses = Set(resources.map(\.address))
    #expect(addresses.count == resources.count, "addresses are unique")
    for resource in resources {
      #expect(resource.dependencies.isSubset(of: addresses), "\(resource.address): \(resource.dependencies.subtracting(addresses))")
    }
    // Kahn's algorithm: every resource gets a place in some order.
    var remaining = Dictionary(uniqueKeysWithValues: resources.map { ($0.address, $0.dependencies) })
    var done: Set<ResourceAddress> = []
    while let ready = remaining.first(where: { $0.value.isSubset(of: done) }) {
      done.insert(ready.key)
      remaining[ready.key] = nil
    }
    #expect(remaining.isEmpty, "a cycle among \(remaining.keys.sorted())")
  }

  @Test("each account's share acceptance comes before its attachment; the owner's needs none")
  func attachmentsWaitForAcceptance() throws {
    let resources = try Self.networkResources()
    func resource(_ type: String, _ name: String) throws -> Resource {
      try #require(resources.first { $0.address == ResourceAddress(type: type, name: name) })
    }
    let frontend = try resource("ec2.transit_gateway_attachment", "eks-cluster-frontend")
    #expect(frontend.dependencies.contains(ResourceAddress(type: "ram.share_acceptance", name: "multi-account-tgw-share/frontend")))
    let shared = try resource("ec2.transit_gateway_attachment", "eks-cluster-shared")
    #expect(!shared.dependencies.contains { $0.type == "ram.share_acceptance" })
    let share = try resource("ram.resource_share", "multi-account-tgw-share")
    #expect(share[attribute: "allow_external_principals"] == .bool(false), "all three accounts are in one organization")
    #expect(share[attribute: "principals"] == .list([.string("frontend"), .string("backend")]))
  }

  @Test("an account that names its organization is in it; a gateway shared with an organization reaches all its accounts")
  func organizationFromBothSides() throws {
    let topology = try ModelTestSupport.topology("""
      import "aws"
      let shared = account "shared" { region: "us-east-2" }
      let org = aws.organization("corp", accounts: [shared])
      let frontend = account "frontend" { region: "us-east-2", organization: org }
      let tgw = aws.transit_gateway("tgw", owner: shared, share_with: [org])
      cluster "edge" in frontend { cidr: "10.20.0.0/16", network: tgw }
      """)
    let resources = DesiredState.resources(for: topology)
    let organization = try #require(resources.first { $0.address == ResourceAddress(type: "aws.organization", name: "corp") })
    #expect(organization[attribute: "accounts"] == .list([.string("shared"), .string("frontend")]))
    let account = try #require(resources.first { $0.address == ResourceAddress(type: "aws.account", name: "frontend") })
    #expect(account[attribute: "organization"] == .string("corp"))
    let share = try #require(resources.first { $0.address == ResourceAddress(type: "ram.resource_share", name: "tgw-share") })
    #expect(share[attribute: "principals"] == .list([.string("frontend")]))
    #expect(share[attribute: "allow_external_principals"] == .bool(false))
  }

  @Test("every VPC on a gateway routes the others through it with one summary route per /8")
  func routes() throws {
    let routes = try Self.networkResources().filter { $0.address.type == "ec2.route" }.map(\.address.name)
    #expect(routes == ["eks-cluster-shared/10.16.0.0/12", "eks-cluster-frontend/10.0.0.0/11", "eks-cluster-backend/10.0.0.0/11"])
  }

  @Test("Kubernetes objects live in their cluster and wait for what they use")
  func kubernetes() throws {
    let topology = try ModelTestSupport.topology("""
      import "k8s"
      let shared = account "shared" { region: "us-east-2" }
      let hub = cluster "hub" in shared { cidr: "10.0.0.0/16" }
      k8s.namespace("yelb", in: hub)
      k8s.service_account("ui", in: hub, namespace: "yelb")
      k8s.workload("yelb-ui", in: hub, namespace: "yelb", service_account: "ui", labels: { app: "yelb-ui" }, containers: ["envoy"])
      verify reachable "yelb-ui" -> "10.0.0.9" { timeout: 5 }
      """)
    let resources = DesiredState.resources(for: topology)
    let pod = try #require(resources.first { $0.address.type == "k8s.pod" })
    #expect(pod.address.name == "hub/yelb/yelb-ui")
    #expect(pod.placement == Placement(account: "shared", cluster: "hub"))
    #expect(pod.dependencies == [
      ResourceAddress(type: "eks.cluster", name: "hub"), ResourceAddress(type: "eks.nodegroup", name: "hub/nodegroup"),
      ResourceAddress(type: "k8s.namespace", name: "hub/yelb"), ResourceAddress(type: "k8s.service_account", name: "hub/yelb/ui"),
    ])
    #expect(pod.origin == DeclarationID(kind: "k8s.workload", name: "hub/yelb/yelb-ui"))
    let checks = DesiredState.checks(for: topology)
    #expect(checks == [
      Check(
        kind: "reachable", arguments: [.string("yelb-ui"), .string("10.0.0.9")], fields: [ModelField("timeout", .int(5))],
        origin: DeclarationID(kind: "verify", name: #"reachable "yelb-ui" -> "10.0.0.9""#))
    ])
  }
}
