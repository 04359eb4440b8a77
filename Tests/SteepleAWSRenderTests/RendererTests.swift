import Foundation
import SteepleAWS
import SteepleCatalog
import SteepleEngine
import SteepleTestSupport
import Testing

/// What the aws renderer promises beyond the golden files: a place for every resource, stacks in
/// an order that deploys them, the IAM and EKS settings the tutorial needs, Envoy's SDS names and
/// SAN matchers, and the output folder's rules.
@Suite("aws renderer")
struct RendererTests {
  static func file(_ rendering: AWSRendering, _ path: String) throws -> String {
    try #require(rendering.files.first { $0.path == path }?.contents, "no file \(path)")
  }

  static func stack(_ rendering: AWSRendering, making address: String) throws -> RenderedStack {
    let placement = try #require(rendering.placements.first { $0.key.description == address }?.value, "\(address) has no placement")
    guard case .stack(let name, _) = placement else {
      Issue.record("\(address) is not made by a stack: \(placement)")
      throw CancellationError()
    }
    return try #require(rendering.stacks.first { $0.name == name })
  }

  @Test("every resource of the tutorial is placed, or the notes say why AWS does not make it")
  func everyResourcePlaced() throws {
    let outcome = RenderTestSupport.session().run(file: RenderTestSupport.tutorialPath)
    let resources = DesiredState.resources(for: outcome.topology)
    let rendering = AWSRenderer(resources: resources, topology: outcome.topology).render()
    for resource in resources where rendering.placements[resource.address] == nil {
      let named = resource.address.type == "aws.account" || resource.address.type == "aws.organization"
        ? resource.address.name : resource.address.description
      #expect(rendering.notes.contains { $0.contains(named) }, "\(resource.address) is neither placed nor noted")
    }
    #expect(rendering.placements.count == resources.count - 6, "all but 3 accounts, the organization and 2 acceptances inside it")
    let entries = rendering.placements.filter { $0.key.type == "spire.entry" }
    #expect(entries.count == 6)
    for case .command(let summary) in entries.values { #expect(summary.contains("spire-server entry create")) }
  }

  @Test("each stack follows every stack it reads from, and a spoke's attachment follows the share")
  func stackOrder() throws {
    let rendering = try RenderTestSupport.tutorial()
    let layers = Dictionary(uniqueKeysWithValues: rendering.stacks.map { ($0.name, $0.layer) })
    for stack in rendering.stacks {
      for parameter in stack.parameters {
        #expect(stack.dependsOn.contains(parameter.fromStack), "\(stack.name) reads \(parameter.fromStack) but does not follow it")
      }
      for before in stack.dependsOn { #expect(layers[before, default: .max] < stack.layer, "\(stack.name) follows \(before)") }
    }
    #expect(rendering.stacks.map(\.layer) == rendering.stacks.map(\.layer).sorted())
    let share = try Self.stack(rendering, making: "ram.resource_share.multi-account-tgw-share")
    let attachment = try Self.stack(rendering, making: "ec2.transit_gateway_attachment.eks-cluster-frontend")
    #expect(attachment.dependsOn.contains(share.name))
    #expect(attachment.access.account == "frontend" && share.access.account == "shared")
  }

  @Test("clusters take access entries (API_AND_CONFIG_MAP); the server's role may assume each agent cluster's access role, by parameter")
  func iamAndEKS() throws {
    let rendering = try RenderTestSupport.tutorial()
    for stack in rendering.stacks {
      let template = try Self.file(rendering, stack.templatePath)
      if template.contains("AWS::EKS::Cluster") { #expect(template.contains("AuthenticationMode: API_AND_CONFIG_MAP")) }
      #expect(!template.contains("arn:aws:iam::1"), "no hand-copied account ARN in \(stack.name)")
    }
    let policyStack = try #require(rendering.stacks.first { try! Self.file(rendering, $0.templatePath).contains("AWS::IAM::Policy") })
    let policy = try Self.file(rendering, policyStack.templatePath)
    #expect(policy.contains("PolicyName: front-back-assume-role-policy"))
    #expect(policy.contains("Action: \"sts:AssumeRole\""))
    #expect(policyStack.parameters.map(\.name).contains("RoleFrontendEksClusterFrontendAccessRoleArn"))
    #expect(policyStack.parameters.map(\.name).contains("RoleBackendEksClusterBackendAccessRoleArn"))
    let entry = try Self.stack(rendering, making: "eks.access.eks-cluster-frontend/frontend/eks-cluster-frontend-access-role")
    let template = try Self.file(rendering, entry.templatePath)
    #expect(template.contains("AWS::EKS::AccessEntry") && template.contains("- spire-server-psat"))
  }

  @Test("each proxy presents its SPIFFE ID by SDS, validates with the trust domain's bundle, and admits only its policy's callers")
  func envoy() throws {
    let rendering = try RenderTestSupport.tutorial()
    let db = try Self.file(rendering, "envoy/eks-cluster-backend/yelb-db.yaml")
    #expect(db.contains("name: \"spiffe://am-multi-account-mesh/yelbdb\""))
    #expect(db.contains("name: \"spiffe://am-multi-account-mesh\""))
    #expect(db.contains("exact: \"spiffe://am-multi-account-mesh/yelbapp\""))
    #expect(!db.contains("spiffe://am-multi-account-mesh/frontend"), "yelb-db admits only yelb-appserver")
    #expect(db.contains("path: /run/spire/agent-sockets/spire-agent.sock"))
    #expect(db.contains("api_type: GRPC"))
    let ui = try Self.file(rendering, "envoy/eks-cluster-frontend/yelb-ui.yaml")
    #expect(ui.contains("require_client_certificate") == false || ui.contains("outbound_yelb-appserver"))
    #expect(ui.contains("address: \"{{ServiceEksClusterBackendYelbYelbAppserverAddress}}\""))
  }

  @Test("SPIRE configs use 1.15's keys: the allow list, X.509 and JWT TTLs, the BundlePublisher and agents' k8s_psat cluster")
  func spireKeys() throws {
    let rendering = try RenderTestSupport.tutorial()
    let server = try Self.file(rendering, "spire/eks-cluster-shared/server.conf")
    #expect(server.contains("service_account_allow_list = [\"spire:spire-agent-front\"]"))
    #expect(server.contains("BundlePublisher \"k8s_configmap\""))
    #expect(server.contains("default_x509_svid_ttl = \"1h\""))
    for old in ["whitelist", "default_svid_ttl", "registration_uds_path", "enable_sds", "k8sbundle"] { #expect(!server.contains(old)) }
    let agent = try Self.file(rendering, "spire/eks-cluster-frontend/spire-agent.conf")
    #expect(agent.contains("cluster = \"frontend-k8s-cluster\""))
    #expect(agent.contains("trust_bundle_path = \"/run/spire/bundle/bundle.crt\""))
  }

  @Test("a share outside an organization is accepted by command, and so is an attachment a gateway does not accept by itself")
  func commandsOutsideAnOrganization() throws {
    let rendering = try RenderTestSupport.rendering(
      source: """
        import "aws"
        let hub = account "hub" { profile: "hub", region: "us-east-2" }
        let spoke = account "spoke" { profile: "spoke", region: "us-east-2" }
        let tgw = aws.transit_gateway("tgw", owner: hub, share_with: [spoke], auto_accept_shared_attachments: false, allow_external_principals: true)
        cluster "a" in hub { cidr: "10.10.0.0/16", network: tgw }
        cluster "b" in spoke { cidr: "10.20.0.0/16", network: tgw }
        """)
    let commands = rendering.placements.compactMapValues { placement -> String? in
      if case .command(let summary) = placement { return summary }
      return nil
    }
    #expect(commands[ResourceAddress(type: "ram.share_acceptance", name: "tgw-share/spoke")]?.contains("aws ram accept-resource-share-invitation") == true)
    #expect(commands[ResourceAddress(type: "ec2.transit_gateway_attachment_accepter", name: "b")]?.contains("accept-transit-gateway-vpc-attachment") == true)
    let gateway = try Self.stack(rendering, making: "ec2.transit_gateway.tgw")
    #expect(try Self.file(rendering, gateway.templatePath).contains("AutoAcceptSharedAttachments: disable"))
  }

  @Test("YAML scalars that a reader could take for a number, boolean or null are quoted")
  func yamlQuoting() {
    let node = YAMLNode.object([
      ("a", .string("yes")), ("b", .string("1.31")), ("c", .string("10.0.0.0/11")), ("d", .string("plain-word")),
      ("e", .string("k8s:ns:yelb")), ("f", .string("")), ("g", .string("Null")), ("h", .strings([])),
    ])
    #expect(node.text == "a: \"yes\"\nb: \"1.31\"\nc: \"10.0.0.0/11\"\nd: plain-word\ne: \"k8s:ns:yelb\"\nf: \"\"\ng: \"Null\"\nh: []\n")
  }

  @Test("the output folder: refused when it holds files no render wrote, unless forced; a re-render removes what it no longer makes")
  func outputFolder() throws {
    let folder = try TemporaryDirectory.make("steeple-out-")
    try "mine".write(to: folder.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
    #expect(throws: RenderedFolder.Refusal.notRendered(folder: folder.path, example: "notes.txt")) {
      try RenderedFolder.write([("a/x.yaml", "x\n")], to: folder.path, force: false)
    }
    try RenderedFolder.write([("a/x.yaml", "x\n"), ("b/y.yaml", "y\n")], to: folder.path, force: true)
    let removed = try RenderedFolder.write([("a/x.yaml", "x2\n")], to: folder.path, force: false)
    #expect(removed == ["b/y.yaml"])
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("b").path))
    #expect(try String(contentsOf: folder.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
    #expect(try String(contentsOf: folder.appendingPathComponent("a/x.yaml"), encoding: .utf8) == "x2\n")
  }
}
