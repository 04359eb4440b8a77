import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("VPCs, routes and reachability")
struct NetworkTests {
  @Test func podsReachEachOtherAcrossAccountsThroughTheSharedGateway() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let ui = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let server = try await podIP(fixture, "eks-cluster-shared/spire/spire-server-0")
    let report = try fixture.cloud.reachability(from: ui, to: server)
    #expect(report.reachable, "\(report)")
    #expect(report.dropReason == nil)
    #expect(report.explanation == "delivered to VPC eks-cluster-shared through transit gateway tgw-shared")
    #expect(report.hops.count == 6)
    #expect(report.hops.first?.hasPrefix("vpc eks-cluster-frontend vpc-") == true)
    #expect(report.hops[1].hasPrefix("route 10.0.0.0/11 -> tgw-"))
    #expect(report.hops[4].hasPrefix("vpc eks-cluster-shared"))
    // And as a verify check through the provider.
    let outcome = try await fixture.provider.check(
      Check(kind: "reachable", arguments: [.string("eks-cluster-frontend/yelb/yelb-ui"), .string("eks-cluster-shared/spire/spire-server-0")]))
    guard case .passed(let detail) = outcome else {
      Issue.record("expected a pass, got \(outcome)")
      return
    }
    #expect(detail.hasPrefix("eks-cluster-frontend/yelb/yelb-ui reaches eks-cluster-shared/spire/spire-server-0: vpc eks-cluster-frontend"))
  }

  @Test func aReachableCheckNamesWorkloadsAsVerifyDoes() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let outcome = try await fixture.provider.check(Check(kind: "reachable", arguments: [.string("yelb-ui"), .string("yelb-appserver")]))
    guard case .passed = outcome else {
      Issue.record("expected a pass, got \(outcome)")
      return
    }
    let missing = try await fixture.provider.check(Check(kind: "reachable", arguments: [.string("yelb-ui"), .string("yelb-db")]))
    #expect(missing == .failed(reason: "NotFound: no address or pod named yelb-db"))
    let byAddress = try await fixture.provider.check(Check(kind: "reachable", arguments: [.string("yelb-ui"), .string("10.99.0.1")]))
    guard case .failed(let reason) = byAddress else {
      Issue.record("expected a failure, got \(byAddress)")
      return
    }
    #expect(reason.hasPrefix("yelb-ui cannot reach 10.99.0.1: the route table of VPC eks-cluster-frontend has no route to 10.99.0.1"))
  }

  @Test func aMissingRouteDropsThePacketAtTheSourceRouteTable() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources(routes: false))
    let ui = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let app = try await podIP(fixture, "eks-cluster-backend/yelb/yelb-appserver")
    let report = try fixture.cloud.reachability(from: ui, to: app)
    #expect(!report.reachable)
    #expect(report.dropReason == .noRoute)
    #expect(report.explanation == "the route table of VPC eks-cluster-frontend has no route to \(app)")
    let outcome = try await fixture.provider.check(
      Check(kind: "reachable", arguments: [.string("eks-cluster-frontend/yelb/yelb-ui"), .string("eks-cluster-backend/yelb/yelb-appserver")]))
    guard case .failed(let reason) = outcome else {
      Issue.record("expected a failure, got \(outcome)")
      return
    }
    #expect(reason.contains("has no route to \(app)"))
  }

  @Test func aMissingReturnRouteIsReported() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    try await fixture.delete(address("ec2.route", "eks-cluster-backend/10.0.0.0/11"))
    let ui = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let app = try await podIP(fixture, "eks-cluster-backend/yelb/yelb-appserver")
    let report = try fixture.cloud.reachability(from: ui, to: app)
    #expect(report.dropReason == .noReturnRoute)
    #expect(report.explanation == "the route table of VPC eks-cluster-backend has no route back to \(ui) through tgw-shared")
  }

  @Test func aDestinationOutsideEveryAttachedVPCHasNoGatewayRoute() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    // A summary route sends the whole private range to the gateway, which knows only the VPCs.
    try await fixture.create(resource("ec2.route", "eks-cluster-frontend/10.0.0.0/8", account: "frontend", [
      "vpc": "eks-cluster-frontend", "destination": "10.0.0.0/8", "transit_gateway": "tgw-shared",
    ]))
    let ui = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let report = try fixture.cloud.reachability(from: ui, to: "10.99.0.10")
    #expect(report.dropReason == .noTransitGatewayRoute)
    #expect(report.explanation == "the route table of transit gateway tgw-shared has no route to 10.99.0.10")
  }

  @Test func aRouteThroughAGatewayTheVPCIsNotAttachedToIsRefused() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.transit_gateway", "ec2.vpc"].contains($0.address.type) })
    let route = resource("ec2.route", "eks-cluster-shared/10.0.0.0/8", account: "shared", [
      "vpc": "eks-cluster-shared", "destination": "10.0.0.0/8", "transit_gateway": "tgw-shared",
    ])
    let error = await fixture.failure(route)
    #expect(error?.code == "InvalidTransitGatewayID.NotFound")
    #expect(error?.address == route.address)
  }

  @Test func overlappingCIDRsNeverReachTheOtherVPC() async throws {
    let fixture = try CloudFixture()
    // The backend's network reuses the frontend's CIDR.
    var resources = Tutorial.resources()
    let index = try #require(resources.firstIndex { $0.address == address("ec2.vpc", "eks-cluster-backend") })
    resources[index] = resource("ec2.vpc", "eks-cluster-backend", account: "backend", ["cidr": "10.20.0.0/16"])
    // Its route to the frontend's block would now be inside its own: the cloud refuses it.
    resources.removeAll { $0.address == address("ec2.route", "eks-cluster-backend/10.0.0.0/11") }
    try await fixture.createAll(resources)
    let ui = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let app = try await podIP(fixture, "eks-cluster-backend/yelb/yelb-appserver")
    let report = try fixture.cloud.reachability(from: ui, to: app)
    #expect(!report.reachable)
    #expect(report.dropReason == .overlappingCIDR)
    #expect(
      report.explanation
        == "\(app) is inside VPC eks-cluster-frontend's own CIDR 10.20.0.0/16, so the local route keeps it there; it never reaches VPC eks-cluster-backend (10.20.0.0/16), whose CIDR overlaps"
    )
    // The gateway's route table has only the first of the two identical routes.
    let routes = try fixture.cloud.transitGatewayRoutes("tgw-shared")
    #expect(routes.map(\.destination) == ["10.10.0.0/16", "10.20.0.0/16"])
    #expect(routes.map(\.vpc) == ["eks-cluster-shared", "eks-cluster-frontend"])
    // From the shared VPC the gateway has only one of the two identical routes.
    let server = try await podIP(fixture, "eks-cluster-shared/spire/spire-server-0")
    let fromShared = try fixture.cloud.reachability(from: server, to: app)
    #expect(fromShared.dropReason == .overlappingCIDR)
    #expect(fromShared.explanation.contains("has the same CIDR, so its route was not propagated"))
  }

  @Test func vpcCIDRsFollowEC2sRules() async throws {
    let fixture = try CloudFixture()
    try await fixture.create(resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"]))
    let cases: [(String, [String], String, String)] = [
      ("10.0.0.0/33", [], "InvalidParameterValue", "Value (10.0.0.0/33) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
      ("10.0.0.1/16", [], "InvalidParameterValue", "Value (10.0.0.1/16) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
      ("10.0.0.0/8", [], "InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."),
      ("10.0.0.0/16", ["10.1.0.0/24"], "InvalidSubnet.Range", "The CIDR '10.1.0.0/24' is invalid."),
      ("10.0.0.0/16", ["10.0.0.0/20", "10.0.8.0/24"], "InvalidSubnet.Conflict", "The CIDR '10.0.8.0/24' conflicts with another subnet"),
    ]
    for (cidr, subnets, code, message) in cases {
      let error = await fixture.failure(resource("ec2.vpc", "v", account: "a", ["cidr": cidr, "subnets": subnets]))
      #expect(error?.code == code, "\(cidr) \(subnets)")
      #expect(error?.message == message)
    }
  }

  @Test func aRouteCannotSendTheVPCsOwnRangeToTheGateway() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources(routes: false).filter {
      ["aws.account", "ec2.transit_gateway", "ec2.vpc", "ec2.transit_gateway_attachment", "ram.resource_share", "ram.share_acceptance"]
        .contains($0.address.type)
    })
    let error = await fixture.failure(
      resource("ec2.route", "eks-cluster-shared/10.10.0.0/24", account: "shared", [
        "vpc": "eks-cluster-shared", "destination": "10.10.0.0/24", "transit_gateway": "tgw-shared",
      ]))
    #expect(error?.code == "InvalidParameterValue")
    #expect(
      error?.message
        == "The destination CIDR block 10.10.0.0/24 is equal to or more specific than one of this VPC's CIDR blocks. This route can target only an interface or an instance."
    )
  }

  @Test func aVPCInUseCannotBeDeleted() async throws {
    let fixture = try CloudFixture()
    // The VPC's own rule, not the ledger of what depends on what: nothing is recorded as depending on it.
    try await fixture.createAll(Tutorial.resources().filter { !["eks.access", "k8s.namespace", "k8s.service_account", "k8s.pod"].contains($0.address.type) }
      .map { $0.withoutDependency(on: address("ec2.vpc", "eks-cluster-backend")) })
    let vpc = try #require(try await fixture.provider.observe().first { $0.address == address("ec2.vpc", "eks-cluster-backend") })
    let vpcID = try #require(vpc.outputs.first?.value.string)
    let error = await #expect(throws: ProviderError.self) { _ = try await fixture.provider.apply(.delete(vpc)) }
    #expect(error?.code == "DependencyViolation")
    #expect(error?.message == "The vpc '\(vpcID)' has dependencies and cannot be deleted.")
    #expect(error?.address == vpc.address)
  }

  @Test func aResourceOthersDependOnIsDeletedLast() async throws {
    let fixture = try CloudFixture()
    let account = resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"])
    let role = resource("iam.role", "a/r", account: "a", ["role_name": "r", "trust": ["account:a"]], dependsOn: [account.address])
    try await fixture.createAll([account, role])
    let error = await #expect(throws: ProviderError.self) { try await fixture.delete(account.address) }
    #expect(error?.code == "DependencyViolation")
    #expect(error?.message == "The resource aws.account.a has a dependent object (iam.role.a/r) and cannot be deleted.")
    try await fixture.delete(role.address)
    try await fixture.delete(account.address)
    #expect(try await fixture.provider.observe().isEmpty)
  }
}
