public import SteepleEngine
import Foundation
public import SteepleModel

/// The aws provider: makes what an `AWSRendering` describes with the `aws` CLI and `kubectl`, each
/// account through its declared profile (Steeple never reads credentials).
///
/// Each resource is made where the rendering places it. A stack's resource deploys its whole stack
/// (once per run, however many of its resources the plan touches; later resources of the stack read
/// the deployed stack's outputs); a manifest's object applies its manifest server-side; a command's
/// resource runs its command (accepting a RAM invitation, registering a SPIRE entry). Everything
/// can be done twice, so the journal's resume works as it does locally. Deleting the last resource
/// of a stack deletes the stack; of a manifest, the manifest's objects.
///
/// Before anything else, the rendered files are written to `renderedFolder` and each account's
/// profile is checked against its declared ID (`Preflight`).
public struct AWSProvider: Provider {
  public var name: String { "aws" }
  public let resourceTypes: Set<String>
  let context: DriveContext
  let runner: any CommandRunner
  /// Where the rendered files (and the runbook's kubeconfig) are written.
  public let renderedFolder: String
  /// The endpoint the aws CLI is pointed at instead of AWS (`AWS_ENDPOINT_URL`, moto in the tests),
  /// named when a stack comes back without a resource that such an endpoint skips.
  public let endpointURL: String?
  /// Waits between two reads of a value that appears some time after an apply (a load balancer's
  /// host name); tests pass one that returns at once.
  let pause: @Sendable () async throws -> Void
  let session = DriveSession()

  /// A provider for `resources` as `rendering` renders them; `resourceTypes` are the types the
  /// renderer knows (placed or deliberately not made).
  public init(
    rendering: AWSRendering, resources: [Resource], resourceTypes: Set<String>, renderedFolder: String,
    runner: any CommandRunner = SubprocessCommandRunner(),
    endpointURL: String? = AWSProvider.environmentEndpointURL,
    pause: @escaping @Sendable () async throws -> Void = { try await Task.sleep(for: .seconds(RunbookScript.pauseSeconds)) }
  ) {
    self.pause = pause
    self.context = DriveContext(rendering: rendering, resources: resources)
    self.resourceTypes = resourceTypes
    self.renderedFolder = renderedFolder
    self.runner = runner
    self.endpointURL = endpointURL
  }

  /// `AWS_ENDPOINT_URL` of this process's environment, which the aws CLI honours.
  public static var environmentEndpointURL: String? { ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"] }

  /// The same provider with nothing remembered (no preflight, deploy or apply done yet), as the
  /// next `steeple` command opens it.
  public func reopened() -> AWSProvider {
    AWSProvider(
      rendering: rendering, resources: Array(context.resources.values), resourceTypes: resourceTypes, renderedFolder: renderedFolder,
      runner: runner, endpointURL: endpointURL, pause: pause)
  }

  public var rendering: AWSRendering { context.rendering }

  /// The values of the runbook's own variables.
  var values: [String: String] { [Runbook.renderedFolder: renderedFolder] }

  /// Writes the rendered files and runs the preflight, once.
  func prepare() async throws {
    let folder = renderedFolder
    let files = rendering.files
    let accounts = context.accounts
    let runner = self.runner
    try await session.prepare {
      try Self.write(files, into: folder)
      _ = try await Preflight.run(accounts, runner: runner)
    }
  }

  /// Writes `files` under `folder`, making the folders they need.
  public static func write(_ files: [Artifact], into folder: String) throws {
    let manager = FileManager.default
    for file in files {
      let url = URL(fileURLWithPath: folder).appendingPathComponent(file.path)
      try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(file.contents.utf8).write(to: url, options: .atomic)
    }
  }

  public func render(_ plan: Plan) async throws -> [Artifact] { rendering.files }

  // MARK: - Observe

  public func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] {
    guard !resources.isEmpty else { return [] }
    try await prepare()
    var stacks: [String: StackObservation?] = [:]
    var found: [ObservedResource] = []
    for resource in resources {
      switch rendering.placements[resource.address] {
      case nil:
        found.append(resource)
      case .stack(let name, let logicalID)?:
        if stacks.index(forKey: name) == nil { stacks[name] = try await observe(stack: name) }
        guard let stack = stacks[name] ?? nil, stack.holds(logicalID) else { continue }
        var observed = resource
        observed.outputs = stack.outputs(of: logicalID).map { ModelField($0.name, .string($0.value)) }
        found.append(observed)
        await session.add(resource.address, to: "stack:" + name)
      case .manifest(let path, let objects)?:
        guard let manifest = context.manifest(at: path), try await exists(objects, on: manifest) else { continue }
        found.append(resource)
        await session.add(resource.address, to: "manifest:" + path)
      case .command?:
        // A command left in flight is run again: every command can be run twice.
        if !unsettled.contains(resource.address) { found.append(resource) }
      }
    }
    return found
  }

  /// The stack as it is, `nil` when it does not exist (or is gone).
  func observe(stack name: String) async throws -> StackObservation? {
    guard let stack = context.stack(named: name) else { return nil }
    let described = try await runner.result(of: AWSCommands.describeStack(name, access: stack.access))
    guard described.succeeded else {
      if (described.errorOutput + described.output).contains("does not exist") { return nil }
      throw CommandFailure.error(for: AWSCommands.describeStack(name, access: stack.access), described)
    }
    let resources = try await runner.output(of: AWSCommands.describeStackResources(name, access: stack.access))
    guard let observation = StackObservation(describeStacks: described.output, describeResources: resources) else {
      throw ProviderError(code: "UnreadableStack", message: "describe-stacks for \(name) printed no stack")
    }
    return observation.isGone ? nil : observation
  }

  /// Whether every object exists in the manifest's cluster; false when the cluster cannot be reached
  /// because it does not exist yet.
  func exists(_ objects: [String], on manifest: RenderedManifest) async throws -> Bool {
    do {
      try await kubeconfig(for: manifest)
    } catch let error as ProviderError where ["ResourceNotFoundException", "CommandFailed"].contains(error.code) {
      return false
    }
    for object in objects {
      guard let name = KubernetesObjectName(object) else { continue }
      let command = AWSCommands.getObject(name, cluster: manifest.cluster, kubeconfig: Runbook.kubeconfig)
      if try await runner.output(of: command, values: values).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return false }
    }
    return true
  }

  /// Writes the cluster's context into the runbook's kubeconfig, once.
  func kubeconfig(for manifest: RenderedManifest) async throws {
    let runner = self.runner
    let values = self.values
    try await session.once("kubeconfig:" + manifest.cluster) {
      _ = try await runner.output(of: AWSCommands.updateKubeconfig(manifest, kubeconfig: Runbook.kubeconfig), values: values)
    }
  }

  // MARK: - Change

  public func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource? {
    try await prepare()
    switch action {
    case .create(let resource), .update(let resource, _):
      return ObservedResource(resource, outputs: try await make(resource))
    case .delete(let observed):
      try await remove(observed)
      return nil
    }
  }

  /// Makes one resource where the rendering places it and returns its outputs.
  func make(_ resource: Resource) async throws -> [ModelField] {
    switch rendering.placements[resource.address] {
    case nil:
      return []
    case .stack(let name, let logicalID)?:
      try await deploy(stack: name)
      guard let stack = try await observe(stack: name) else {
        throw ProviderError(code: "StackMissing", message: "stack \(name) was deployed but describe-stacks does not find it", address: resource.address)
      }
      guard stack.holds(logicalID) else { throw notMade(logicalID, in: stack, resource: resource) }
      await session.add(resource.address, to: "stack:" + name)
      return stack.outputs(of: logicalID).map { ModelField($0.name, .string($0.value)) }
    case .manifest(let path, _)?:
      guard let manifest = context.manifest(at: path) else {
        throw ProviderError(code: "NoManifest", message: "the rendering places \(resource.address) in \(path), which it does not render")
      }
      try await kubeconfig(for: manifest)
      // The clusters whose objects the manifest reads values from need their context too.
      for value in manifest.objectValues {
        if let other = rendering.manifests.first(where: { $0.cluster == value.cluster }) { try await kubeconfig(for: other) }
      }
      let executor = RunbookExecutor(runner: runner, renderedFolder: renderedFolder, pause: pause)
      let commands = context.manifestCommands(manifest)
      let known = self.values
      try await session.once("manifest:" + path) {
        var values = known
        try await executor.run(commands, values: &values)
      }
      await session.add(resource.address, to: "manifest:" + path)
      return []
    case .command?:
      if let server = context.server(for: resource), resource.address.type == "spire.entry",
        let manifest = rendering.manifests.first(where: { $0.cluster == server.cluster })
      {
        // An entry needs its server up: wait for its rollout once.
        try await kubeconfig(for: manifest)
        let runner = self.runner
        let values = self.values
        try await session.once("server:" + server.trustDomain) {
          _ = try await runner.output(
            of: AWSCommands.waitRollout(server.workload, cluster: server.cluster, kubeconfig: Runbook.kubeconfig), values: values)
        }
      }
      var values = self.values
      try await RunbookExecutor(runner: runner, renderedFolder: renderedFolder, pause: pause)
        .run(try context.createCommands(for: resource), values: &values)
      return []
    }
  }

  /// Deploys a stack once per run, after the stacks it follows, with its parameters read from their outputs.
  func deploy(stack name: String) async throws {
    guard let stack = context.stack(named: name) else {
      throw ProviderError(code: "NoStack", message: "the rendering places a resource in stack \(name), which it does not render")
    }
    for earlier in stack.dependsOn { await session.awaitIfStarted("stack:" + earlier) }
    let runner = self.runner
    let context = self.context
    let known = self.values
    try await session.once("stack:" + name) {
      var values = known
      for parameter in stack.parameters {
        let variable = Runbook.outputVariable(stack: parameter.fromStack, output: parameter.output)
        try await RunbookExecutor(runner: runner).run([context.capture(parameter)], values: &values)
        if (values[variable] ?? "").isEmpty || values[variable] == "None" {
          throw ProviderError(
            code: "MissingOutput",
            message: "stack \(name) takes \(parameter.name) from the output \(parameter.output) of stack \(parameter.fromStack), "
              + "which has no such output; deploy \(parameter.fromStack) first (apply makes it before \(name))")
        }
      }
      _ = try await runner.output(of: context.deploy(stack), values: values)
    }
  }

  /// Why a stack that deployed holds no resource of a logical ID: the endpoint does not make its
  /// type (moto lacks EKS, transit gateway attachments and RAM shares in CloudFormation).
  func notMade(_ logicalID: String, in stack: StackObservation, resource: Resource) -> ProviderError {
    let why = endpointURL.map {
      "the endpoint \($0) (AWS_ENDPOINT_URL) skipped it: it does not make this type of resource in CloudFormation "
        + "(moto makes no EKS cluster, node group or access entry, no transit gateway attachment or route table, no RAM share)"
    } ?? "look at the stack's events (aws cloudformation describe-stack-events --stack-name \(stack.name)) for why"
    return ProviderError(
      code: "NotMade",
      message: "stack \(stack.name) is \(stack.status) but holds no \(logicalID) for \(resource.address): \(why)",
      address: resource.address)
  }

  /// Deletes one resource: the last of a stack deletes the stack, the last of a manifest its objects.
  func remove(_ observed: ObservedResource) async throws {
    switch rendering.placements[observed.address] {
    case nil:
      return
    case .stack(let name, _)?:
      guard await session.remove(observed.address, from: "stack:" + name), let stack = context.stack(named: name) else { return }
      _ = try await runner.output(of: AWSCommands.deleteStack(name, access: stack.access))
      _ = try await runner.output(of: AWSCommands.waitStackDeleted(name, access: stack.access))
    case .manifest(let path, _)?:
      guard await session.remove(observed.address, from: "manifest:" + path), let manifest = context.manifest(at: path) else { return }
      try await kubeconfig(for: manifest)
      // The file as apply filled it in, when it was; the rendered one otherwise (its objects' names hold no placeholder).
      let filled = DriveContext.filledPath(manifest)
      let file = FileManager.default.fileExists(atPath: renderedFolder + "/" + filled) ? filled : path
      _ = try await runner.output(
        of: AWSCommands.deleteManifest(cluster: manifest.cluster, file: Runbook.file(file), kubeconfig: Runbook.kubeconfig), values: values)
    case .command?:
      guard observed.address.type == "spire.entry" else { return }
      try await deleteEntry(observed)
    }
  }

  /// Deletes a SPIRE entry by the IDs `entry show` lists for its SPIFFE ID.
  func deleteEntry(_ observed: ObservedResource) async throws {
    let entry = Resource(
      address: observed.address, placement: observed.placement, attributes: observed.attributes, dependencies: observed.dependencies)
    guard let spiffeID = entry[attribute: "spiffe_id"]?.string else { return }
    let server = try context.server(of: entry)
    if let manifest = rendering.manifests.first(where: { $0.cluster == server.cluster }) { try await kubeconfig(for: manifest) }
    let shown = try await runner.result(
      of: AWSCommands.spireServer(server, kubeconfig: Runbook.kubeconfig, ["entry", "show", "-spiffeID", ShellWord(spiffeID)]),
      values: values)
    // The server is gone already (its manifest was deleted first): its entries went with it.
    guard shown.succeeded else { return }
    for id in SPIREOutput.entryIDs(in: shown.output) {
      _ = try await runner.output(
        of: AWSCommands.spireServer(server, kubeconfig: Runbook.kubeconfig, ["entry", "delete", "-entryID", ShellWord(id)]), values: values)
    }
  }

  // MARK: - Checks

  public func check(_ check: Check) async throws -> CheckOutcome {
    try await AWSChecks(provider: self).run(check)
  }
}
