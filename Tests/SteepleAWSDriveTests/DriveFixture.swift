import Foundation
import SteepleAWS
import SteepleEngine
import SteepleModel
import SteepleTestSupport

/// A small topology rendered by hand, as the renderer would: a transit gateway in a shared account,
/// shared through RAM with a frontend account whose VPC attaches to it and whose cluster runs the
/// SPIRE server, and one workload entry.
enum DriveFixture {
  static let shared = AccountAccess(account: "shared", id: "111111111111", profile: "shared", region: "us-east-2")
  static let frontend = AccountAccess(account: "frontend", id: "222222222222", profile: "frontend", region: "us-east-2")
  static let workload = "spiffe://example.org/ns/yelb/sa/yelb-ui"

  static func resource(
    _ type: String, _ name: String, account: String?, cluster: String? = nil, _ attributes: [(String, ModelValue)] = [],
    needs dependencies: [ResourceAddress] = []
  ) -> Resource {
    Resource(
      address: ResourceAddress(type: type, name: name), placement: Placement(account: account, cluster: cluster),
      attributes: attributes.map { ModelField($0.0, $0.1) }, dependencies: Set(dependencies))
  }

  static func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

  static var resources: [Resource] {
    [
      resource("aws.account", "shared", account: "shared", [("profile", .string("shared")), ("region", .string("us-east-2")), ("id", .string("111111111111"))]),
      resource(
        "aws.account", "frontend", account: "frontend", [("profile", .string("frontend")), ("region", .string("us-east-2")), ("id", .string("222222222222"))]),
      resource("ec2.transit_gateway", "tgw", account: "shared", [("account", .string("shared"))], needs: [address("aws.account", "shared")]),
      resource(
        "ram.resource_share", "tgw-share", account: "shared", [("account", .string("shared"))], needs: [address("ec2.transit_gateway", "tgw")]),
      resource(
        "ram.share_acceptance", "tgw-share/frontend", account: "frontend", [("account", .string("frontend")), ("share", .string("tgw-share"))],
        needs: [address("ram.resource_share", "tgw-share"), address("aws.account", "frontend")]),
      resource("ec2.vpc", "frontend", account: "frontend", [("account", .string("frontend")), ("cidr", .string("10.1.0.0/16"))],
        needs: [address("aws.account", "frontend")]),
      resource(
        "ec2.transit_gateway_attachment", "frontend", account: "frontend", [("account", .string("frontend"))],
        needs: [address("ec2.vpc", "frontend"), address("ram.share_acceptance", "tgw-share/frontend")]),
      resource(
        "ec2.transit_gateway_attachment_accepter", "frontend", account: "shared", [("account", .string("shared")), ("attachment", .string("frontend"))],
        needs: [address("ec2.transit_gateway_attachment", "frontend")]),
      resource("eks.cluster", "frontend", account: "frontend", [("account", .string("frontend"))], needs: [address("ec2.vpc", "frontend")]),
      resource(
        "spire.server", "example.org", account: "frontend", cluster: "frontend",
        [("trust_domain", .string("example.org")), ("cluster", .string("frontend")), ("namespace", .string("spire"))], needs: [address("eks.cluster", "frontend")]),
      resource(
        "k8s.namespace", "frontend/yelb", account: "frontend", cluster: "frontend",
        [("cluster", .string("frontend")), ("namespace", .string("yelb"))], needs: [address("spire.server", "example.org")]),
      resource(
        "spire.entry", workload, account: "frontend", cluster: "frontend",
        [
          ("spiffe_id", .string(workload)), ("parent_id", .string("spiffe://example.org/spire/server")),
          ("selectors", .list([.string("k8s:ns:yelb"), .string("k8s:sa:yelb-ui")])),
        ],
        needs: [address("spire.server", "example.org")]),
    ]
  }

  /// The resources as the engine gets them: a stack's resources wait for all the stack needs.
  static var orderedResources: [Resource] { rendering.orderedForStacks(resources) }

  static var rendering: AWSRendering {
    let network = RenderedStack(name: "steeple-shared-network", access: shared, layer: 0, templatePath: "cloudformation/shared-network.yaml")
    let frontendNetwork = RenderedStack(
      name: "steeple-frontend-network", access: frontend, layer: 1, templatePath: "cloudformation/frontend-network.yaml",
      parameters: [StackParameter(name: "TransitGatewayId", fromStack: "steeple-shared-network", output: "TgwTransitGatewayId")],
      dependsOn: ["steeple-shared-network"])
    let cluster = RenderedStack(
      name: "steeple-frontend-cluster", access: frontend, layer: 2, templatePath: "cloudformation/frontend-cluster.yaml",
      parameters: [StackParameter(name: "VpcId", fromStack: "steeple-frontend-network", output: "VpcFrontendVpcId")],
      dependsOn: ["steeple-frontend-network"], needsNamedIAM: true)
    let manifest = RenderedManifest(
      cluster: "frontend", eksName: "steeple-frontend", access: frontend, path: "kubernetes/frontend/spire-server.yaml",
      kubernetesVersion: "1.31")
    // A manifest with values known only once stacks are deployed and objects applied.
    let workloads = RenderedManifest(
      cluster: "frontend", eksName: "steeple-frontend", access: frontend, path: "kubernetes/frontend/3-workloads.yaml",
      kubernetesVersion: "1.31",
      parameters: [StackParameter(name: "ClusterArn", fromStack: "steeple-frontend-cluster", output: "ClusterFrontendArn")],
      objectValues: [
        ObjectValue(
          name: "ServerHost", cluster: "frontend", object: "service/spire/spire-server", jsonPath: "{.status.loadBalancer.ingress[0].hostname}")
      ])
    return AWSRendering(
      stacks: [network, frontendNetwork, cluster],
      manifests: [manifest, workloads],
      files: [
        Artifact(path: network.templatePath, contents: "Resources: {}\n"),
        Artifact(path: frontendNetwork.templatePath, contents: "Resources: {}\n"),
        Artifact(path: cluster.templatePath, contents: "Resources: {}\n"),
        Artifact(path: manifest.path, contents: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: spire\n"),
        Artifact(path: workloads.path, contents: Self.workloadsManifest),
      ],
      placements: [
        address("ec2.transit_gateway", "tgw"): .stack(name: network.name, logicalID: "Tgw"),
        address("ram.resource_share", "tgw-share"): .stack(name: network.name, logicalID: "TgwShare"),
        address("ram.share_acceptance", "tgw-share/frontend"): .command(summary: "accept the RAM invitation in frontend"),
        address("ec2.vpc", "frontend"): .stack(name: frontendNetwork.name, logicalID: "VpcFrontend"),
        address("ec2.transit_gateway_attachment", "frontend"): .stack(name: frontendNetwork.name, logicalID: "AttachmentFrontend"),
        address("ec2.transit_gateway_attachment_accepter", "frontend"): .command(summary: "accept the attachment in shared"),
        address("eks.cluster", "frontend"): .stack(name: cluster.name, logicalID: "ClusterFrontend"),
        address("spire.server", "example.org"): .manifest(
          path: manifest.path, objects: ["namespace/spire", "statefulset/spire/spire-server"]),
        address("spire.entry", workload): .command(summary: "spire-server entry create"),
        address("k8s.namespace", "frontend/yelb"): .manifest(path: workloads.path, objects: ["namespace/yelb"]),
      ])
  }

  static var resourceTypes: Set<String> { Set(resources.map(\.address.type)) }

  static let workloadsManifest = """
    apiVersion: v1
    kind: Namespace
    metadata:
      name: yelb
      annotations:
        steeple/cluster: "{{ClusterArn}}"
        steeple/server: "{{ServerHost}}"

    """

  /// What the stand-in's stacks hold and output.
  static let stackResources: [String: [String]] = [
    "steeple-shared-network": ["Tgw", "TgwShare"],
    "steeple-frontend-network": ["VpcFrontend", "AttachmentFrontend"],
    "steeple-frontend-cluster": ["ClusterFrontend"],
  ]
  static let stackOutputs: [String: [String: String]] = [
    "steeple-shared-network": ["TgwTransitGatewayId": "tgw-0abc"],
    "steeple-frontend-network": ["VpcFrontendVpcId": "vpc-0def"],
    "steeple-frontend-cluster": ["ClusterFrontendArn": "arn:aws:eks:us-east-2:222222222222:cluster/steeple-frontend"],
  ]

  /// A golden file's text. With `STEEPLE_UPDATE_GOLDEN=1` in the environment, `actual` is written
  /// over the checked-in file first (review the diff before committing it).
  static func golden(_ name: String, updatingTo actual: String) throws -> String {
    if ProcessInfo.processInfo.environment["STEEPLE_UPDATE_GOLDEN"] == "1" {
      let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
      try Data(actual.utf8).write(to: source)
      return actual
    }
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden") else {
      throw MissingFile(path: "Tests/SteepleAWSDriveTests/Golden/\(name)")
    }
    return try String(contentsOf: url, encoding: .utf8)
  }

  struct MissingFile: Error, CustomStringConvertible {
    var path: String
    var description: String { "missing \(path)" }
  }
}

/// The recording stand-in for `aws` and `kubectl` on a private PATH, with its log and state.
struct Recorder {
  let folder: URL
  let rendered: String
  let environment: [String: String]

  init(
    accounts: [String: String] = ["shared": "111111111111", "frontend": "222222222222"],
    stackResources: [String: [String]] = DriveFixture.stackResources, stackOutputs: [String: [String: String]] = DriveFixture.stackOutputs,
    mesh: String = "{}"
  ) throws {
    folder = try TemporaryDirectory.make("steeple-recorder-")
    let bin = folder.appendingPathComponent("bin")
    let state = folder.appendingPathComponent("state")
    for directory in [bin, state] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
    guard let script = Bundle.module.url(forResource: "stand-in", withExtension: nil, subdirectory: "Fixtures") else {
      throw DriveFixture.MissingFile(path: "Tests/SteepleAWSDriveTests/Fixtures/stand-in")
    }
    for program in ["aws", "kubectl"] {
      let target = bin.appendingPathComponent(program)
      try FileManager.default.copyItem(at: script, to: target)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
    }
    let outputs = folder.appendingPathComponent("outputs.json")
    let resources = folder.appendingPathComponent("resources.json")
    try JSONSerialization.data(withJSONObject: stackOutputs, options: .sortedKeys).write(to: outputs)
    try JSONSerialization.data(withJSONObject: stackResources, options: .sortedKeys).write(to: resources)
    let meshFile = folder.appendingPathComponent("mesh.json")
    try Data(mesh.utf8).write(to: meshFile)
    rendered = folder.appendingPathComponent("rendered").path
    environment = [
      "PATH": bin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
      "RECORDER_LOG": folder.appendingPathComponent("calls.log").path,
      "RECORDER_STATE": state.path,
      "RECORDER_RENDERED": rendered,
      "RECORDER_OUTPUTS": outputs.path,
      "RECORDER_RESOURCES": resources.path,
      "RECORDER_MESH": meshFile.path,
      "RECORDER_ACCOUNTS": accounts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
    ]
  }

  var runner: SubprocessCommandRunner { SubprocessCommandRunner(environment: environment) }

  /// The calls so far, one a line; emptied by each read.
  func takeCalls() throws -> String {
    let url = URL(fileURLWithPath: environment["RECORDER_LOG"]!)
    guard FileManager.default.fileExists(atPath: url.path) else { return "" }
    let text = try String(contentsOf: url, encoding: .utf8)
    try FileManager.default.removeItem(at: url)
    return text
  }

  func provider(
    rendering: AWSRendering = DriveFixture.rendering, resources: [Resource] = DriveFixture.resources,
    resourceTypes: Set<String> = DriveFixture.resourceTypes
  ) -> AWSProvider {
    AWSProvider(
      rendering: rendering, resources: resources, resourceTypes: resourceTypes, renderedFolder: rendered, runner: runner,
      pause: {})
  }
}
