import Foundation
import Steeple
import SteepleCatalog
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

/// Defaults and rules have one source, the catalog: what the schema says (and `steeple doc`
/// prints) is what the lowering writes and what the local cloud does when a value is left out.
@Suite("one source for defaults and rules")
struct CatalogDefaultsTests {
  /// The default the cluster schema gives a field.
  static func schemaDefault(_ field: String) throws -> ModelValue { try #require(EKS.cluster.field(field)?.defaultValue) }

  static func expectSchemaDefaults(_ described: ClusterDescription) throws {
    #expect(ModelValue.string(described.version) == (try schemaDefault("version")))
    #expect(described.nodes.map(ModelValue.int) == (try schemaDefault("nodes")))
    #expect(described.instanceType.map(ModelValue.string) == (try schemaDefault("instance_type")))
  }

  @Test("a cluster and node group made without version, nodes or instance type get the schema's defaults")
  func localCloudDefaultsAreTheSchemas() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll([
      resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"]),
      resource("ec2.vpc", "c", account: "a", ["cidr": "10.0.0.0/16", "subnets": ["10.0.0.0/19", "10.0.32.0/19"]]),
      resource("eks.cluster", "c", account: "a", cluster: "c", ["vpc": "c"]),
      resource("eks.nodegroup", "c/nodegroup", account: "a", cluster: "c"),
    ])
    try Self.expectSchemaDefaults(try fixture.cloud.describeCluster("c"))
  }

  @Test("a script's cluster that leaves them out is lowered and created with the schema's defaults")
  func scriptDefaultsReachTheLocalCloud() async throws {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    let outcome = Session(configuration).run(
      source: """
        let a = account "a" { region: "us-east-2" }
        cluster "c" in a { cidr: "10.0.0.0/16" }
        """, name: "defaults.spire")
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    let fixture = try CloudFixture()
    try await fixture.createAll(DesiredState.resources(for: outcome.topology))
    try Self.expectSchemaDefaults(try fixture.cloud.describeCluster("c"))
  }

  @Test("the local cloud accepts exactly the catalog's Kubernetes versions and node counts")
  func localCloudRulesAreTheCatalogs() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll([
      resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"]),
      resource("ec2.vpc", "c", account: "a", ["cidr": "10.0.0.0/16", "subnets": ["10.0.0.0/19", "10.0.32.0/19"]]),
    ])
    let newest = try #require(EKS.kubernetesVersions.last)
    try await fixture.create(resource("eks.cluster", "c", account: "a", cluster: "c", ["vpc": "c", "version": newest]))
    let tooMany = EKS.nodeCounts.upperBound + 1
    let refused = await fixture.failure(resource("eks.nodegroup", "c/nodegroup", account: "a", cluster: "c", ["nodes": tooMany]))
    #expect(refused?.message == "desiredSize must be between \(EKS.nodeCounts.lowerBound) and \(EKS.nodeCounts.upperBound), not \(tooMany)")
    let tooFew = EKS.nodeCounts.lowerBound - 1
    #expect(await fixture.failure(resource("eks.nodegroup", "c/nodegroup", account: "a", cluster: "c", ["nodes": tooFew])) != nil)
  }
}
