import Foundation
import SteepleAWS
import SteepleEngine
import SteepleModel
import SteepleTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The aws provider against moto's server on loopback, through the real `aws` CLI.
///
/// moto makes VPCs, subnets, IAM roles and transit gateways (with a Description) through
/// CloudFormation, and skips what it has no model for: EKS clusters, node groups and access entries,
/// transit gateway attachments and route tables, RAM shares. A skipped resource leaves its stack
/// CREATE_COMPLETE without it, so apply stops at it with a message saying so. moto's `deploy` (the
/// change-set path) also writes no stack outputs, so stacks that take parameters cannot be tried here.
@Suite struct MotoTests {
  @Test func stacksMotoSupportsAreCreatedAndObservedAndTheEKSClusterStopsApplyWithAClearMessage() async throws {
    let moto = try MotoServer.start()
    defer { moto.stop() }
    let sandbox = AccountAccess(account: "sandbox", id: "123456789012", profile: "moto", region: "us-east-2")
    let stack = RenderedStack(
      name: "steeple-sandbox-network", access: sandbox, layer: 0, templatePath: "cloudformation/sandbox-network.yaml",
      needsNamedIAM: true)
    guard let template = Bundle.module.url(forResource: "moto-sandbox", withExtension: "yaml", subdirectory: "Fixtures") else {
      throw DriveFixture.MissingFile(path: "Tests/SteepleAWSDriveTests/Fixtures/moto-sandbox.yaml")
    }
    func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }
    let rendering = AWSRendering(
      stacks: [stack], files: [Artifact(path: stack.templatePath, contents: try String(contentsOf: template, encoding: .utf8))],
      placements: [
        address("ec2.vpc", "sandbox"): .stack(name: stack.name, logicalID: "VpcSandbox"),
        address("ec2.transit_gateway", "tgw"): .stack(name: stack.name, logicalID: "Tgw"),
        address("iam.role", "sandbox/spire"): .stack(name: stack.name, logicalID: "RoleSpire"),
        address("eks.cluster", "sandbox"): .stack(name: stack.name, logicalID: "ClusterSandbox"),
      ])
    let account = address("aws.account", "sandbox")
    func resource(_ address: ResourceAddress, needs: Set<ResourceAddress> = []) -> Resource {
      Resource(address: address, placement: Placement(account: "sandbox"), attributes: [ModelField("account", .string("sandbox"))],
        dependencies: needs)
    }
    let resources = [
      Resource(
        address: account, placement: Placement(account: "sandbox"),
        attributes: [
          ModelField("profile", .string("moto")), ModelField("region", .string("us-east-2")), ModelField("id", .string("123456789012")),
        ]),
      resource(address("ec2.vpc", "sandbox"), needs: [account]), resource(address("ec2.transit_gateway", "tgw"), needs: [account]),
      resource(address("iam.role", "sandbox/spire"), needs: [account]),
      resource(address("eks.cluster", "sandbox"), needs: [address("ec2.vpc", "sandbox"), address("iam.role", "sandbox/spire")]),
    ]
    let folder = try TemporaryDirectory.make("steeple-moto-")
    let provider = AWSProvider(
      rendering: rendering, resources: resources, resourceTypes: Set(resources.map(\.address.type)),
      renderedFolder: folder.appendingPathComponent("rendered").path, runner: try moto.runner(home: folder),
      endpointURL: moto.endpoint)
    let state = folder.appendingPathComponent("state").path
    let report = try await Engine(provider: provider, stateDirectory: state).apply(resources, options: ApplyOptions(parallelism: 2))

    let done = Set(report.outcomes.filter { $0.status == .done }.map(\.step.address))
    #expect(done == [account, address("ec2.vpc", "sandbox"), address("ec2.transit_gateway", "tgw"), address("iam.role", "sandbox/spire")])
    let failure = report.failed.compactMap { outcome -> ProviderError? in
      if case .failed(let error) = outcome.status { error } else { nil }
    }
    #expect(failure.count == 1)
    #expect(failure.first?.address == address("eks.cluster", "sandbox"))
    #expect(
      failure.first?.message == "stack steeple-sandbox-network is CREATE_COMPLETE but holds no ClusterSandbox for "
        + "eks.cluster.sandbox: the endpoint \(moto.endpoint) (AWS_ENDPOINT_URL) skipped it: it does not make this type of "
        + "resource in CloudFormation (moto makes no EKS cluster, node group or access entry, no transit gateway attachment or "
        + "route table, no RAM share)")

    // Observed back by a new provider, as the next plan would: what moto made, with its IDs.
    let observed = try await Engine(provider: provider.reopened(), stateDirectory: state).state()
    let ids = Dictionary(uniqueKeysWithValues: observed.map { ($0.address, $0.outputs[field: "physical_id"]?.string ?? "") })
    #expect(ids[address("ec2.vpc", "sandbox")]?.hasPrefix("vpc-") == true, "observed: \(ids)")
    #expect(ids[address("ec2.transit_gateway", "tgw")]?.hasPrefix("tgw-") == true, "observed: \(ids)")
    #expect(ids[address("iam.role", "sandbox/spire")] == "steeple-sandbox-spire")
    #expect(ids[address("eks.cluster", "sandbox")] == nil)
  }
}

/// `moto_server` on a free loopback port, for one test.
struct MotoServer {
  let process: Process
  let port: Int
  var endpoint: String { "http://127.0.0.1:\(port)" }

  /// Starts the server and waits until its port accepts a connection, trying a bounded number of times.
  static func start() throws -> MotoServer {
    let port = try freePort()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    for _ in 0..<300 {
      if accepts(port) { return MotoServer(process: process, port: port) }
      guard process.isRunning else { break }
      usleep(50_000)
    }
    MotoServer(process: process, port: port).stop()
    throw MotoUnavailable(description: "moto_server did not accept connections on port \(port); run scripts/setup to install moto[server]")
  }

  /// Kills the server: SIGKILL, since a process started from the test runner may inherit a signal
  /// mask that blocks SIGTERM.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// The real `aws` CLI pointed at the server, with fake credentials in a private config (profile
  /// `moto`) and a private HOME for the CLI's caches.
  func runner(home: URL) throws -> SubprocessCommandRunner {
    let config = home.appendingPathComponent("aws-config")
    try Data("[profile moto]\nregion = us-east-2\naws_access_key_id = testing\naws_secret_access_key = testing\n".utf8).write(to: config)
    return SubprocessCommandRunner(environment: [
      "AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": config.path,
      "AWS_SHARED_CREDENTIALS_FILE": home.appendingPathComponent("no-credentials").path, "HOME": home.path,
      "AWS_PROFILE": "moto", "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
    ])
  }

  struct MotoUnavailable: Error, CustomStringConvertible {
    var description: String
  }

  static func freePort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw MotoUnavailable(description: "no free loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  static func accepts(_ port: Int) -> Bool {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
  }
}
