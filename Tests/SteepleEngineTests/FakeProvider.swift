import Foundation
import SteepleEngine
import SteepleModel

/// An in-memory cloud for engine tests. It enforces what a real one would about order (a resource
/// cannot be created before what it depends on, nor deleted while something depends on it), counts
/// calls and concurrency, and can be told to be slow or to fail.
actor FakeCloud {
  var resources: [ResourceAddress: ObservedResource] = [:]
  private(set) var calls: [Action] = []
  /// The inputs each call was given, by the address it acted on.
  private(set) var inputs: [ResourceAddress: [ResourceAddress: [ModelField]]] = [:]
  private(set) var running = 0
  private(set) var mostAtOnce = 0
  var failing: [ResourceAddress: ProviderError] = [:]

  func begin(_ action: Action, inputs given: [ResourceAddress: [ModelField]] = [:]) {
    calls.append(action)
    inputs[action.address] = given
    running += 1
    mostAtOnce = max(mostAtOnce, running)
  }

  func end() { running -= 1 }

  func fail(_ address: ResourceAddress, code: String = "AccessDenied", message: String = "not allowed") {
    failing[address] = ProviderError(code: code, message: message, address: address)
  }

  func store(_ resource: ObservedResource) { resources[resource.address] = resource }

  /// Takes a resource away behind the engine's back, as someone deleting it in a console would.
  func vanish(_ address: ResourceAddress) { resources[address] = nil }

  func perform(_ action: Action) throws -> ObservedResource? {
    if let error = failing[action.address] { throw error }
    switch action {
    case .create(let resource), .update(let resource, _):
      for dependency in resource.dependencies where resources[dependency] == nil {
        throw ProviderError(
          code: "DependencyViolation", message: "\(dependency) does not exist yet", address: resource.address)
      }
      let observed = ObservedResource(
        address: resource.address, placement: resource.placement, attributes: resource.attributes,
        outputs: [ModelField("id", .string("id-\(resource.address.name)"))], dependencies: resource.dependencies)
      resources[resource.address] = observed
      return observed
    case .delete(let observed):
      if let dependent = resources.values.first(where: { $0.dependencies.contains(observed.address) }) {
        throw ProviderError(
          code: "DependencyViolation", message: "\(dependent.address) still depends on it", address: observed.address)
      }
      resources[observed.address] = nil
      return nil
    }
  }
}

struct FakeProvider: Provider {
  let cloud = FakeCloud()
  /// How long every call takes.
  var delay: Duration = .zero
  /// The types the fake makes: those of `Fixtures`.
  var resourceTypes: Set<String> = ["aws.account", "ec2.vpc", "eks.cluster", "eks.nodegroup"]
  /// Whether `render` writes a manifest per created resource (otherwise the protocol's default: none).
  var renders = false

  var name: String { "fake" }

  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] {
    let existing = await cloud.resources
    return resources.compactMap { resource in
      guard let current = existing[resource.address] else { return nil }
      var refreshed = resource
      refreshed.outputs = current.outputs
      if unsettled.contains(resource.address) { refreshed = current }
      return refreshed
    }
  }

  func render(_ plan: Plan) async throws -> [Artifact] {
    guard renders else { return [] }
    return plan.actions.compactMap { action in
      guard let resource = action.desired else { return nil }
      let lines = resource.attributes.map { "  \($0.name): \($0.value)\n" }.joined()
      return Artifact(path: "\(resource.address).yaml", contents: "kind: \(resource.address.type)\nspec:\n" + lines)
    }
  }

  /// Everything the fake cloud holds, by address.
  func observe() async -> [ObservedResource] {
    await cloud.resources.values.sorted { $0.address < $1.address }
  }

  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]] = [:]) async throws -> ObservedResource? {
    await cloud.begin(action, inputs: inputs)
    do {
      if delay > .zero { try await Task.sleep(for: delay) }
    } catch {
      await cloud.end()
      throw error
    }
    await cloud.end()
    return try await cloud.perform(action)
  }

  func check(_ check: Check) async throws -> CheckOutcome {
    check.kind == "reachable" ? .passed(detail: "reached") : .unsupported(reason: "the fake cannot run \(check.kind)")
  }
}

/// Hand-built resources shaped like the catalog's: accounts, a VPC and a cluster in each.
enum Fixtures {
  static func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

  static func account(_ name: String, region: String = "us-east-2") -> Resource {
    Resource(
      address: address("aws.account", name), placement: Placement(account: name),
      attributes: [ModelField("profile", .string(name)), ModelField("region", .string(region))],
      replaceOnChange: ["profile", "region"])
  }

  static func vpc(_ name: String, in account: String, cidr: String) -> Resource {
    Resource(
      address: address("ec2.vpc", name), placement: Placement(account: account),
      attributes: [
        ModelField("account", .string(account)), ModelField("cidr", .string(cidr)),
        ModelField("subnets", .list([.string(cidr)])),
      ],
      dependencies: [address("aws.account", account)], replaceOnChange: ["account", "cidr"])
  }

  static func cluster(_ name: String, in account: String, vpc: String, version: String = "1.31") -> Resource {
    Resource(
      address: address("eks.cluster", name), placement: Placement(account: account, cluster: name),
      attributes: [
        ModelField("account", .string(account)), ModelField("vpc", .string(vpc)), ModelField("version", .string(version)),
      ],
      dependencies: [address("ec2.vpc", vpc)], replaceOnChange: ["account", "vpc"])
  }

  static func nodegroup(_ cluster: String, in account: String, nodes: Int) -> Resource {
    Resource(
      address: address("eks.nodegroup", "\(cluster)/nodegroup"), placement: Placement(account: account, cluster: cluster),
      attributes: [
        ModelField("cluster", .string(cluster)), ModelField("nodes", .int(nodes)),
        ModelField("instance_type", .string("m5.large")),
      ],
      dependencies: [address("eks.cluster", cluster)], replaceOnChange: ["cluster", "instance_type"])
  }

  /// One account with a VPC, a cluster and its node group, for each name.
  static func topology(_ accounts: [String], nodes: Int = 2) -> [Resource] {
    accounts.enumerated().flatMap { index, name in
      [
        account(name),
        vpc(name, in: name, cidr: "10.\(index + 1).0.0/16"),
        cluster("eks-\(name)", in: name, vpc: name),
        nodegroup("eks-\(name)", in: name, nodes: nodes),
      ]
    }
  }

  static func temporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-engine-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  /// A golden file's text. With `STEEPLE_UPDATE_GOLDEN=1` in the environment, `actual` is written
  /// over the checked-in file first (review the diff before committing it).
  static func golden(_ name: String, updatingTo actual: String? = nil) throws -> String {
    if let actual, ProcessInfo.processInfo.environment["STEEPLE_UPDATE_GOLDEN"] == "1" {
      let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)")
      try Data(actual.utf8).write(to: source)
      return actual
    }
    guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Golden") else {
      throw MissingGolden(name: name)
    }
    return try String(contentsOf: url, encoding: .utf8)
  }

  struct MissingGolden: Error, CustomStringConvertible {
    var name: String
    var description: String { "missing Tests/SteepleEngineTests/Golden/\(name)" }
  }
}
