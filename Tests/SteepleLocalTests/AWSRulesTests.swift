import Foundation
import Steeple
import SteepleCatalog
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

/// The catalog's AWS rules, seen from both sides: what `check` accepts, the local cloud applies, and
/// what the local cloud refuses, `check` already reports.
@Suite("AWS rules: check and apply agree")
struct AWSRulesTests {
  static func outcome(_ source: String) -> Session.Outcome {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.standardLibrary = Lowering.packageRoot.appendingPathComponent("stdlib").path
    return Session(configuration).run(source: "import \"aws\"\n" + source, name: "rules.spire")
  }

  /// The error codes of a script's diagnostics, in order.
  static func codes(_ source: String, severity: Diagnostic.Severity = .error) -> [String] {
    outcome(source).diagnostics.filter { $0.severity == severity }.compactMap(\.code)
  }

  /// Applies a script that passes check to a new local cloud.
  static func apply(_ source: String) async throws -> CloudFixture {
    let outcome = outcome(source)
    try #require(outcome.succeeded, "\(outcome.diagnostics)")
    let fixture = try CloudFixture()
    try await fixture.createAll(Lowering.ordered(DesiredState.resources(for: outcome.topology)))
    return fixture
  }

  @Test("every region check accepts, the local cloud accepts too")
  func regions() async throws {
    for region in ["mx-central-1", "ap-southeast-7", "ap-east-2", "us-gov-west-1"] {
      let fixture = try await Self.apply(#"account "a" { region: "\#(region)" }"#)
      #expect(try await fixture.provider.observe().count == 1)
    }
    #expect(Self.codes(#"account "a" { region: "us-east-9" }"#) == ["invalid-value"])
  }

  @Test("a Kubernetes version EKS no longer offers fails at check, with did you mean")
  func versions() {
    let outcome = Self.outcome(
      #"""
      let a = account "a" { region: "us-east-2" }
      cluster "c" in a { cidr: "10.0.0.0/16", version: "1.27" }
      """#)
    let text = DiagnosticRenderer(colors: false).render(outcome.diagnostics)
    #expect(text.contains(#"error: "1.27" is not a valid Kubernetes version: EKS offers 1.28 to"#), "\(text)")
    #expect(text.contains("did you mean '1.28'?"), "\(text)")
  }

  @Test("instance types: a strict form with did you mean, the same rule in the local cloud")
  func instanceTypes() async throws {
    for bad in ["t3.xlarg", "banana", "t3.huge", "T3.large", "t3..large"] {
      #expect(EKS.instanceTypeProblem(bad) != nil, "\(bad)")
    }
    for good in ["t3.xlarge", "m7g.2xlarge", "c6in.metal", "r7iz.32xlarge", "u7i-12tb.224xlarge", "m7i.metal-24xl"] {
      #expect(EKS.instanceTypeProblem(good) == nil, "\(good)")
    }
    let text = DiagnosticRenderer(colors: false).render(
      Self.outcome(
        #"""
        let a = account "a" { region: "us-east-2" }
        cluster "c" in a { cidr: "10.0.0.0/16", instance_type: "t3.xlarg" }
        """#
      ).diagnostics)
    #expect(text.contains("did you mean 't3.xlarge'?"), "\(text)")
  }

  @Test("a VPC cannot attach to a transit gateway in another region: check and the local cloud refuse")
  func gatewayInAnotherRegion() async throws {
    let source = #"""
      let hub = account "hub" { region: "us-east-2" }
      let spoke = account "spoke" { region: "eu-west-1" }
      let tgw = aws.transit_gateway("tgw", owner: hub, share_with: [spoke])
      aws.organization("org", accounts: [hub, spoke])
      cluster "c" in spoke { cidr: "10.0.0.0/16", network: tgw }
      """#
    #expect(Self.codes(source) == ["network-in-another-region"])
    let fixture = try CloudFixture()
    let resources = Lowering.ordered(DesiredState.resources(for: Self.outcome(source).topology))
    let attachment = try #require(resources.firstIndex { $0.address.type == "ec2.transit_gateway_attachment" })
    try await fixture.createAll(Array(resources[..<attachment]))
    #expect(await fixture.failure(resources[attachment])?.code == "InvalidParameterValue")
  }

  @Test("a node group's instance type and node role replace it; an account's profile does not")
  func replaceRules() {
    let catalog = Catalog.standard
    #expect(catalog.resourceType(named: "eks.nodegroup")?.replaceOnChange.isSuperset(of: ["instance_type", "node_role"]) == true)
    #expect(catalog.resourceType(named: "aws.account")?.replaceOnChange.contains("profile") == false)
  }

  @Test("an account's ID cannot change: the local cloud refuses it, and declaring the ID it has changes nothing")
  func accountID() async throws {
    let fixture = try CloudFixture()
    let created = try await fixture.create(resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"]))
    let id = try #require(created.outputs.first { $0.name == "id" }?.value.string)
    let declared = resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2", "id": id])
    let same = try await fixture.provider.apply(.update(declared, from: created))
    #expect(same?.outputs.first { $0.name == "id" }?.value == .string(id))
    let other = resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2", "id": "999999999999"])
    await #expect(throws: ProviderError.self) { try await fixture.provider.apply(.update(other, from: try #require(same))) }
  }

  @Test("renaming a profile with the account's ID declared changes the account in place; without it, the cloud refuses")
  func profileRename() async throws {
    let fixture = try CloudFixture()
    let before = resource("aws.account", "a", account: "a", ["profile": "old", "region": "us-east-2", "id": "123456789012"])
    let created = try await fixture.create(before)
    let after = resource("aws.account", "a", account: "a", ["profile": "new", "region": "us-east-2", "id": "123456789012"])
    let observed = try await fixture.provider.apply(.update(after, from: created))
    #expect(observed?.outputs.first { $0.name == "id" }?.value == .string("123456789012"))

    let derived = resource("aws.account", "b", account: "b", ["profile": "b", "region": "us-east-2"])
    let derivedCreated = try await fixture.create(derived)
    let renamed = resource("aws.account", "b", account: "b", ["profile": "b-admin", "region": "us-east-2"])
    await #expect(throws: ProviderError.self) { try await fixture.provider.apply(.update(renamed, from: derivedCreated)) }
  }

  @Test("auto_accept_shared_attachments: false: the owner accepts the attachment, a resource of its own")
  func attachmentAccepter() async throws {
    let fixture = try await Self.apply(
      #"""
      let hub = account "hub" { region: "us-east-2" }
      let spoke = account "spoke" { region: "us-east-2" }
      aws.organization("org", accounts: [hub, spoke])
      let tgw = aws.transit_gateway("tgw", owner: hub, share_with: [spoke], auto_accept_shared_attachments: false)
      cluster "c" in spoke { cidr: "10.0.0.0/16", network: tgw }
      cluster "d" in hub { cidr: "10.1.0.0/16", network: tgw }
      """#)
    let observed = try await fixture.provider.observe()
    let attachment = try #require(observed.first { $0.address == address("ec2.transit_gateway_attachment", "c") })
    #expect(attachment.outputs.first { $0.name == "state" }?.value == .string("available"))
    #expect(observed.contains { $0.address == address("ec2.transit_gateway_attachment_accepter", "c") })
  }

  @Test("two roles that trust each other are reported at trust")
  func trustCircle() {
    let text = DiagnosticRenderer(colors: false).render(
      Self.outcome(
        #"""
        let a = account "a" { region: "us-east-2" }
        let x = aws.role("x", in: a, trust: ["role:a/y"])
        let y = aws.role("y", in: a, trust: [x])
        """#
      ).diagnostics)
    #expect(text.contains("rules.spire:3:30: error: roles trust each other in a circle: \"a/x\" -> \"a/y\" -> \"a/x\""), "\(text)")
  }

  @Test("a gateway shared with its owner, and outside the organization: warnings at share_with")
  func sharingWarnings() {
    #expect(
      Self.codes(
        #"""
        let hub = account "hub" { region: "us-east-2" }
        let spoke = account "spoke" { region: "us-east-2" }
        aws.transit_gateway("tgw", owner: hub, share_with: [hub, spoke])
        """#, severity: .warning) == ["shared-with-owner", "external-principal"])
    #expect(
      Self.codes(
        #"""
        let hub = account "hub" { region: "us-east-2" }
        let spoke = account "spoke" { region: "us-east-2" }
        aws.organization("org", accounts: [hub, spoke])
        aws.transit_gateway("tgw", owner: hub, share_with: [spoke])
        """#, severity: .warning) == [])
  }

  @Test("routes grow with the clusters, not their square, and stay under the route table quota")
  func linearRoutes() async throws {
    let clusters = (0..<60).map { #"cluster "c\#($0)" in hub { cidr: "10.\#($0).0.0/16", network: tgw, nodes: 1 }"# }
    let source = """
      let hub = account "hub" { region: "us-east-2" }
      let tgw = aws.transit_gateway("tgw", owner: hub)
      \(clusters.joined(separator: "\n"))
      """
    let outcome = Self.outcome(source)
    try #require(outcome.succeeded, "\(outcome.diagnostics)")
    let routes = DesiredState.resources(for: outcome.topology).filter { $0.address.type == "ec2.route" }
    #expect(routes.count == 60)
    #expect(Set(routes.map { $0.attributes.first { $0.name == "destination" }?.value }) == [.string("10.0.0.0/10")])
  }

  @Test("check refuses a VPC whose summary routes would pass the route table quota")
  func routeQuotaAtCheck() {
    let clusters = (1...52).map { #"cluster "c\#($0)" in hub { cidr: "\#($0 + 100).0.0.0/16", network: tgw, nodes: 1 }"# }
    let source = """
      let hub = account "hub" { region: "us-east-2" }
      let tgw = aws.transit_gateway("tgw", owner: hub)
      \(clusters.joined(separator: "\n"))
      """
    let codes = Self.codes(source)
    #expect(codes.count == 52 && codes.allSatisfy { $0 == "route-quota" }, "\(codes)")
  }

  @Test("the local cloud refuses the 51st route of a route table")
  func routeQuota() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll([
      resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"]),
      resource("ec2.transit_gateway", "tgw", account: "a", ["account": "a"]),
      resource("ec2.vpc", "v", account: "a", ["account": "a", "cidr": "10.0.0.0/16"]),
      resource("ec2.transit_gateway_attachment", "v", account: "a", ["account": "a", "transit_gateway": "tgw", "vpc": "v"]),
    ])
    func route(_ index: Int) -> Resource {
      resource("ec2.route", "v/\(index)", account: "a", [
        "account": "a", "vpc": "v", "destination": "10.\(index + 1).0.0/16", "transit_gateway": "tgw",
      ])
    }
    for index in 0..<Network.routesPerRouteTable { try await fixture.create(route(index)) }
    #expect(await fixture.failure(route(Network.routesPerRouteTable))?.code == "RouteLimitExceeded")
  }

  @Test("system: groups in an access entry fail at check with a fix-it; access_policies apply")
  func clusterAccess() async throws {
    let base = #"""
      let a = account "a" { region: "us-east-2" }
      let edge = cluster "edge" in a { cidr: "10.0.0.0/16" }
      let admin = aws.role("admin", in: a, trust: [a])
      """#
    let text = DiagnosticRenderer(colors: false).render(
      Self.outcome(base + "\n" + #"aws.cluster_access(cluster: edge, role: admin, groups: ["system:masters"])"#).diagnostics)
    #expect(text.contains(#"error: an EKS access entry cannot put its user in the group "system:masters""#), "\(text)")
    #expect(text.contains(#"access_policies: ["AmazonEKSClusterAdminPolicy"]"#), "\(text)")
    let fixture = try await Self.apply(base + "\n" + #"aws.cluster_access(cluster: edge, role: admin, access_policies: ["AmazonEKSClusterAdminPolicy"])"#)
    #expect(try await fixture.provider.observe().contains { $0.address.type == "eks.access" })
    #expect(Self.codes(base + "\n" + #"aws.cluster_access(cluster: edge, role: admin, access_policies: ["AmazonEKSClusterAdmin"])"#) == ["invalid-value"])
  }

  @Test("a plan error about the script's resources points at their declarations")
  func planErrorsPointAtTheScript() throws {
    let outcome = Self.outcome(
      #"""
      let a = account "a" { region: "us-east-2" }
      let x = aws.role("x", in: a, trust: [a])
      let y = aws.role("y", in: a, trust: [a])
      """#)
    try #require(outcome.succeeded, "\(outcome.diagnostics)")
    let fixture = try CloudFixture()
    let deployment = try Deployment(topology: outcome.topology, provider: fixture.provider, stateDirectory: fixture.directory)
    let diagnostic = try #require(
      deployment.diagnostic(for: .plan(.dependencyCycle([address("iam.role", "a/x"), address("iam.role", "a/y")]))))
    #expect(
      DiagnosticRenderer(colors: false).render([diagnostic]).hasPrefix(
        "rules.spire:3:18: error: resources depend on each other in a circle: iam.role.a/x -> iam.role.a/y -> iam.role.a/x"),
      "\(DiagnosticRenderer(colors: false).render([diagnostic]))")
    #expect(diagnostic.notes.count == 1)
    #expect(deployment.diagnostic(for: .observe("broken")) == nil)
  }
}
