import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("RAM shares and the shared transit gateway")
struct SharingTests {
  static let shareOnly: Set<String> = ["aws.organization", "aws.account", "ec2.transit_gateway", "ram.resource_share", "ec2.vpc"]

  @Test func anUnacceptedShareLeavesTheGatewayInvisibleToTheReceiver() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources(accept: false).filter { Self.shareOnly.contains($0.address.type) })
    #expect(try fixture.cloud.shareInvitations(account: "frontend").map(\.status) == ["PENDING"])
    let attachment = resource(
      "ec2.transit_gateway_attachment", "eks-cluster-frontend", account: "frontend",
      ["transit_gateway": "tgw-shared", "vpc": "eks-cluster-frontend"])
    let error = await fixture.failure(attachment)
    let gatewayID = try #require(
      try await fixture.provider.observe().first { $0.address.name == "tgw-shared" }?.outputs.first?.value.string)
    #expect(error?.code == "InvalidTransitGatewayID.NotFound")
    #expect(error?.message == "The transitGateway ID '\(gatewayID)' does not exist.")
    #expect(error?.address == attachment.address)

    // The receiver accepts the invitation; then the attachment is made.
    let accepted = try fixture.cloud.acceptShareInvitation(share: "multi-account-tgw-share", account: "frontend")
    #expect(accepted.status == "ACCEPTED")
    #expect(accepted.arn.hasPrefix("arn:aws:ram:us-east-2:\(LocalCloud.accountID(forProfile: "shared")):resource-share-invitation/"))
    let observed = try await fixture.create(attachment)
    #expect(observed.outputs.first?.value.string?.hasPrefix("tgw-attach-") == true)
    // The other receiver still has not accepted.
    let backend = await fixture.failure(
      resource("ec2.transit_gateway_attachment", "eks-cluster-backend", account: "backend", [
        "transit_gateway": "tgw-shared", "vpc": "eks-cluster-backend",
      ]))
    #expect(backend?.code == "InvalidTransitGatewayID.NotFound")
  }

  @Test func anAcceptanceResourceAcceptsTheInvitation() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources(accept: true).filter {
      Self.shareOnly.contains($0.address.type) || $0.address.type == "ram.share_acceptance"
    })
    #expect(try fixture.cloud.shareInvitations(account: "backend").map(\.status) == ["ACCEPTED"])
    let observed = try await fixture.provider.observe().first { $0.address.type == "ram.share_acceptance" }
    #expect(observed?.outputs == [ModelField("status", .string("ACCEPTED"))])
  }

  @Test func insideOneOrganizationSharesAreAssociatedWithoutInvitations() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(
      Tutorial.resources(organization: true, accept: false).filter { Self.shareOnly.contains($0.address.type) })
    #expect(try fixture.cloud.shareInvitations(account: "frontend").map(\.status) == ["ASSOCIATED"])
    try await fixture.create(
      resource("ec2.transit_gateway_attachment", "eks-cluster-frontend", account: "frontend", [
        "transit_gateway": "tgw-shared", "vpc": "eks-cluster-frontend",
      ]))
  }

  @Test func anAcceptanceWithoutAnInvitationFails() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { Self.shareOnly.contains($0.address.type) })
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.acceptShareInvitation(share: "multi-account-tgw-share", account: "shared")
    }
    #expect(error?.code == "ResourceShareInvitationArnNotFoundException")
  }

  @Test func externalPrincipalsNeedTheShareToAllowThem() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.transit_gateway"].contains($0.address.type) })
    let error = await fixture.failure(
      resource("ram.resource_share", "closed", account: "shared", [
        "resources": ["tgw-shared"], "principals": ["frontend"], "allow_external_principals": false,
      ]))
    #expect(error?.code == "OperationNotPermittedException")
    #expect(error?.message.contains("does not allow external principals") == true)
  }

  @Test func onlyTheOwnersResourcesCanBeShared() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.transit_gateway"].contains($0.address.type) })
    let error = await fixture.failure(
      resource("ram.resource_share", "stolen", account: "frontend", ["resources": ["tgw-shared"], "principals": ["backend"]]))
    #expect(error?.code == "UnknownResourceException")
  }

  @Test func aGatewayThatDoesNotAutoAcceptLeavesAttachmentsPending() async throws {
    let fixture = try CloudFixture()
    var resources = Tutorial.resources(routes: true)
    let index = try #require(resources.firstIndex { $0.address.type == "ec2.transit_gateway" })
    resources[index] = resource("ec2.transit_gateway", "tgw-shared", account: "shared", ["auto_accept_shared_attachments": false])
    try await fixture.createAll(resources)
    let attachment = try await fixture.provider.observe().first { $0.address == address("ec2.transit_gateway_attachment", "eks-cluster-frontend") }
    #expect(attachment?.outputs.last == ModelField("state", .string("pendingAcceptance")))
    let pod = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    let server = try await podIP(fixture, "eks-cluster-shared/spire/spire-server-0")
    let report = try fixture.cloud.reachability(from: pod, to: server)
    #expect(report.dropReason == .attachmentPendingAcceptance)
    try fixture.cloud.acceptTransitGatewayAttachment(vpc: "eks-cluster-frontend", account: "shared")
    #expect(try fixture.cloud.reachability(from: pod, to: server).reachable)
  }
}

func podIP(_ fixture: CloudFixture, _ name: String) async throws -> String {
  let pod = try await fixture.provider.observe().first { $0.address == address("k8s.pod", name) }
  return try #require(pod?.outputs[field: "ip"]?.string)
}
