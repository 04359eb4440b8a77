public import SteepleEngine

/// The exact commands that make (or remove) what an `AWSRendering` describes, in order: what
/// `--print-commands` prints as a shell script, for teams whose change process has a person run it.
///
/// An apply's runbook: the preflight (who each profile is), then each layer of stacks (their
/// parameters read from the earlier stacks' outputs, the stacks of one layer deployed in parallel),
/// each command that no template can hold after the stacks it needs (accepting a RAM invitation, a
/// transit gateway attachment), the clusters' kubeconfig, the manifests in order, and the SPIRE
/// entries once the servers are up. Every command can be run twice.
public struct Runbook: Hashable, Sendable {
  /// A group of steps; the steps of a parallel stage do not depend on one another.
  public struct Stage: Hashable, Sendable {
    public var title: String
    public var steps: [Step]
    public var parallel: Bool

    public init(title: String, steps: [Step], parallel: Bool = false) {
      self.title = title
      self.steps = steps
      self.parallel = parallel
    }
  }

  /// What one thing takes: a stack's deploy, a manifest's apply, an entry's creation.
  public struct Step: Hashable, Sendable {
    public var title: String
    public var commands: [RunbookCommand]

    public init(title: String, commands: [RunbookCommand]) {
      self.title = title
      self.commands = commands
    }
  }

  public var stages: [Stage]

  public init(stages: [Stage]) { self.stages = stages.filter { !$0.steps.isEmpty } }

  /// Every command in order.
  public var commands: [RunbookCommand] { stages.flatMap { $0.steps.flatMap(\.commands) } }

  /// The variable that holds the folder of the rendered files.
  public static let renderedFolder = "RENDERED"

  /// A rendered file's path, under the rendered folder.
  public static func file(_ path: String) -> ShellWord { ShellWord(parts: [.variable(renderedFolder), .text("/" + path)]) }

  /// The kubeconfig the runbook writes the clusters' contexts into, beside the rendered files.
  public static let kubeconfig = file("kubeconfig")

  /// The variable that holds one output of one stack.
  public static func outputVariable(stack: String, output: String) -> String {
    RunbookCommand.variableName(stack, output)
  }
}

extension Runbook {
  /// The runbook of an apply of everything `rendering` holds; `resources` are the desired state the
  /// rendering was made from (for the commands no template holds, and where they go).
  public static func apply(_ rendering: AWSRendering, resources: [Resource]) throws(ProviderError) -> Runbook {
    let context = DriveContext(rendering: rendering, resources: resources)
    var stages = [preflight(context)]
    let commandResources = context.commandResources
    var after: [Int: [Resource]] = [:]
    for resource in commandResources { after[context.stage(of: resource.address), default: []].append(resource) }
    func commandStage(_ stage: Int, _ title: String) throws(ProviderError) -> Stage {
      var steps: [Step] = []
      for resource in after[stage] ?? [] {
        steps.append(Step(title: "\(resource.address)", commands: try context.createCommands(for: resource)))
      }
      return Stage(title: title, steps: steps)
    }
    stages.append(try commandStage(DriveContext.beforeStacks, "commands that need no stack"))
    for layer in Set(rendering.stacks.map(\.layer)).sorted() {
      let stacks = rendering.stacks.filter { $0.layer == layer }
      let parameters = stacks.flatMap { stack in
        stack.parameters.map { parameter in
          Step(
            title: "\(stack.name) takes \(parameter.name) from \(parameter.fromStack)'s \(parameter.output)",
            commands: [context.capture(parameter)])
        }
      }
      stages.append(Stage(title: "outputs that layer \(layer) takes", steps: parameters))
      stages.append(
        Stage(
          title: "stacks of layer \(layer)" + (stacks.count > 1 ? ", independent of one another: deployed in parallel" : ""),
          steps: stacks.map { Step(title: "stack \($0.name)", commands: [.run(context.deploy($0))]) }, parallel: stacks.count > 1))
      stages.append(try commandStage(layer, "after the stacks of layer \(layer)"))
    }
    let clusters = context.clusters
    stages.append(
      Stage(
        title: "kubeconfig contexts, one per cluster",
        steps: clusters.map { Step(title: "cluster \($0.cluster)", commands: [.run(AWSCommands.updateKubeconfig($0, kubeconfig: kubeconfig))]) }
      ))
    stages.append(
      Stage(
        title: "manifests, server-side, in order",
        steps: rendering.manifests.map { manifest in
          Step(title: "\(manifest.path) on \(manifest.cluster)", commands: context.manifestCommands(manifest))
        }))
    let afterManifests = after[DriveContext.afterManifests] ?? []
    let servers = context.spireServers.filter { server in afterManifests.contains { context.server(for: $0) == server } }
    stages.append(
      Stage(
        title: "SPIRE servers ready",
        steps: servers.map { server in
          Step(
            title: "the SPIRE server of \(server.trustDomain)",
            commands: [.run(AWSCommands.waitRollout(server.workload, cluster: server.cluster, kubeconfig: kubeconfig))])
        }))
    stages.append(try commandStage(DriveContext.afterManifests, "after the manifests: SPIRE entries"))
    return Runbook(stages: stages)
  }

  /// The runbook of a destroy: the manifests in reverse order, then the stacks, last layer first.
  public static func destroy(_ rendering: AWSRendering, resources: [Resource]) -> Runbook {
    let context = DriveContext(rendering: rendering, resources: resources)
    var stages = [preflight(context)]
    stages.append(
      Stage(
        title: "manifests, last first",
        steps: rendering.manifests.reversed().map { manifest in
          Step(
            title: "\(manifest.path) on \(manifest.cluster)",
            commands: [
              .run(AWSCommands.updateKubeconfig(manifest, kubeconfig: kubeconfig)),
              // The file as apply filled it in: a placeholder is not a value Kubernetes can read.
              .run(
                AWSCommands.deleteManifest(
                  cluster: manifest.cluster, file: file(DriveContext.filledPath(manifest)), kubeconfig: kubeconfig)),
            ])
        }))
    for layer in Set(rendering.stacks.map(\.layer)).sorted(by: >) {
      let stacks = rendering.stacks.filter { $0.layer == layer }
      stages.append(
        Stage(
          title: "stacks of layer \(layer)" + (stacks.count > 1 ? ", deleted in parallel" : ""),
          steps: stacks.map { stack in
            Step(
              title: "stack \(stack.name)",
              commands: [
                .run(AWSCommands.deleteStack(stack.name, access: stack.access)),
                .run(AWSCommands.waitStackDeleted(stack.name, access: stack.access)),
              ])
          }, parallel: stacks.count > 1))
    }
    return Runbook(stages: stages)
  }

  /// Who each account's profile is, refused when it is not the declared account.
  static func preflight(_ context: DriveContext) -> Stage {
    Stage(
      title: "preflight: each profile is the account the script declares",
      steps: context.accounts.map { access in
        Step(title: "account \(access.account)", commands: [Preflight.command(for: access)])
      })
  }
}
