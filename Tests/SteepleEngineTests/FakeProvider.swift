import Foundation
import SteepleEngine
import SteepleModel
import SteepleTestSupport

/// An in-memory cloud for engine tests. It enforces what a real one would about order (a resource
/// cannot be created before what it depends on, nor deleted while something depends on it), counts
/// calls and concurrency, and can be told to fail.
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

/// Gates that hold each provider call until the test lets it through, as swift-nio's
/// EmbeddedChannel lets a test drive I/O one step at a time: the test awaits "this step started"
/// and decides when it ends, so no test waits on wall time.
actor StepGates {
  /// Steps that started and that the test has not taken with `nextStarted()` yet, in order.
  private var arrived: [ResourceAddress] = []
  private var arrivalWaiter: CheckedContinuation<ResourceAddress, Never>?
  /// Steps waiting at their gate.
  private var held: [ResourceAddress: CheckedContinuation<Void, Never>] = [:]
  private var allOpen = false

  /// How many steps are waiting at their gate now.
  var waiting: Int { held.count }

  /// Called by the provider when a step starts: announces it, then waits until its gate opens.
  /// Cancelling the caller does not open it (a call in flight ends when the cloud says so).
  func pass(_ address: ResourceAddress) async {
    if let waiter = arrivalWaiter {
      arrivalWaiter = nil
      waiter.resume(returning: address)
    } else {
      arrived.append(address)
    }
    guard !allOpen else { return }
    await withCheckedContinuation { held[address] = $0 }
  }

  /// The next step to start (at once when one started already and was not taken yet).
  func nextStarted() async -> ResourceAddress {
    if !arrived.isEmpty { return arrived.removeFirst() }
    precondition(arrivalWaiter == nil, "one test task at a time awaits the next step")
    return await withCheckedContinuation { arrivalWaiter = $0 }
  }

  /// Lets the step at `address`, which must be waiting, finish.
  func open(_ address: ResourceAddress) {
    guard let gate = held.removeValue(forKey: address) else {
      preconditionFailure("\(address) is not waiting at its gate")
    }
    gate.resume()
  }

  /// Lets every step, waiting now or starting later, through.
  func openAll() {
    allOpen = true
    for gate in held.values { gate.resume() }
    held = [:]
  }
}

struct FakeProvider: Provider {
  let cloud = FakeCloud()
  /// The types the fake makes: those of `Fixtures`.
  var resourceTypes: Set<String> = ["aws.account", "ec2.vpc", "eks.cluster", "eks.nodegroup"]
  /// Whether `render` writes a manifest per created resource (otherwise the protocol's default: none).
  var renders = false
  /// When set, every call waits at its gate until the test opens it; when `nil`, calls end at once.
  var gates: StepGates?

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
    if let gates { await gates.pass(action.address) }
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

  /// A new state directory.
  static func temporaryDirectory() throws -> String { try TemporaryDirectory.make("steeple-engine-").path }

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
