import SteepleAWS
import SteepleEngine
import Testing

/// A stack deploys whole, so the engine must not start any of its resources before the stack can be
/// deployed.
@Suite struct StackOrderingTests {
  @Test func aStacksResourcesWaitForWhatAnyOfThemNeedsAndForTheStacksTheyTakeOutputsFrom() {
    let ordered = Dictionary(
      uniqueKeysWithValues: DriveFixture.orderedResources.map { ($0.address, $0.dependencies) })
    let vpc = DriveFixture.address("ec2.vpc", "frontend")
    // The VPC needs only its account, but shares a stack with the attachment, which needs the
    // accepted RAM invitation, and the stack takes the shared network stack's outputs.
    #expect(ordered[vpc]?.contains(DriveFixture.address("ram.share_acceptance", "tgw-share/frontend")) == true)
    #expect(ordered[vpc]?.contains(DriveFixture.address("ec2.transit_gateway", "tgw")) == true)
    #expect(ordered[vpc]?.contains(DriveFixture.address("ec2.transit_gateway_attachment", "frontend")) == false)
    // Resources outside stacks keep their own dependencies.
    let entry = DriveFixture.address("spire.entry", DriveFixture.workload)
    #expect(ordered[entry] == DriveFixture.resources.first { $0.address == entry }?.dependencies)
  }
}
