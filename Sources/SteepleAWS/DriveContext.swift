import SteepleEngine
import SteepleModel

/// What the driver knows besides the rendering: the desired resources (for the commands no
/// template holds and for where they go), the accounts, and where each SPIRE server runs.
struct DriveContext: Sendable {
  let rendering: AWSRendering
  let resources: [ResourceAddress: Resource]
  /// Every account the rendering or the desired state names, by name.
  let accessByAccount: [String: AccountAccess]

  /// The stage of a command with no stack or manifest before it.
  static let beforeStacks = -1
  /// The stage of a command that needs what the manifests make.
  static let afterManifests = Int.max

  init(rendering: AWSRendering, resources: [Resource]) {
    self.rendering = rendering
    var byAddress: [ResourceAddress: Resource] = [:]
    for resource in resources { byAddress[resource.address] = resource }
    self.resources = byAddress
    var accounts: [String: AccountAccess] = [:]
    for resource in resources where resource.address.type == "aws.account" {
      guard let region = resource[attribute: "region"]?.string else { continue }
      accounts[resource.address.name] = AccountAccess(
        account: resource.address.name, id: resource[attribute: "id"]?.string, profile: resource[attribute: "profile"]?.string,
        region: region)
    }
    for access in rendering.stacks.map(\.access) + rendering.manifests.map(\.access) where accounts[access.account] == nil {
      accounts[access.account] = access
    }
    self.accessByAccount = accounts
  }

  /// The accounts, by name.
  var accounts: [AccountAccess] { accessByAccount.values.sorted { $0.account < $1.account } }

  func stack(named name: String) -> RenderedStack? { rendering.stacks.first { $0.name == name } }

  func manifest(at path: String) -> RenderedManifest? { rendering.manifests.first { $0.path == path } }

  /// One manifest per cluster that has any, in the order the manifests apply.
  var clusters: [RenderedManifest] {
    var seen: Set<String> = []
    return rendering.manifests.filter { seen.insert($0.cluster).inserted }
  }

  /// The desired resources done by a command, in address order.
  var commandResources: [Resource] {
    resources.values.filter {
      if case .command = rendering.placements[$0.address] { true } else { false }
    }.sorted { $0.address < $1.address }
  }

  // MARK: - Stages

  /// After which stage a resource's command can run: the latest layer of the stacks it needs,
  /// `afterManifests` when it needs what a manifest makes, `beforeStacks` when it needs nothing.
  func stage(of address: ResourceAddress) -> Int {
    var memo: [ResourceAddress: Int] = [:]
    return stage(of: address, memo: &memo, visiting: [])
  }

  private func stage(of address: ResourceAddress, memo: inout [ResourceAddress: Int], visiting: Set<ResourceAddress>) -> Int {
    if let known = memo[address] { return known }
    guard !visiting.contains(address), let resource = resources[address] else { return Self.beforeStacks }
    var latest = Self.beforeStacks
    for dependency in resource.dependencies {
      let stage: Int
      switch rendering.placements[dependency] {
      case .stack(let name, _)?: stage = self.stack(named: name)?.layer ?? Self.beforeStacks
      case .manifest?: stage = Self.afterManifests
      case .command?, nil: stage = self.stage(of: dependency, memo: &memo, visiting: visiting.union([address]))
      }
      latest = max(latest, stage)
    }
    memo[address] = latest
    return latest
  }

  // MARK: - Stacks

  /// `NAME=$(aws cloudformation describe-stacks ... --query ...)` for one parameter.
  func capture(_ parameter: StackParameter) -> RunbookCommand {
    let access = stack(named: parameter.fromStack)?.access ?? AccountAccess(account: "?", id: nil, profile: nil, region: "?")
    return .capture(
      variable: Runbook.outputVariable(stack: parameter.fromStack, output: parameter.output),
      AWSCommands.stackOutput(stack: parameter.fromStack, output: parameter.output, access: access))
  }

  /// The stack's deploy, its parameters read from the variables their captures set.
  func deploy(_ stack: RenderedStack) -> ShellCommand {
    AWSCommands.deploy(
      stack, templateFile: Runbook.file(stack.templatePath),
      parameters: stack.parameters.map { parameter in
        ShellWord(parts: [
          .text(parameter.name + "="), .variable(Runbook.outputVariable(stack: parameter.fromStack, output: parameter.output)),
        ])
      })
  }

  // MARK: - SPIRE servers

  /// Where each trust domain's SPIRE server runs, from the `spire.server` resources and the
  /// manifest objects they are placed in.
  var spireServers: [SPIREServerLocation] {
    resources.values.filter { $0.address.type == "spire.server" }.sorted { $0.address < $1.address }.compactMap(location(of:))
  }

  /// The server a `spire.entry` (or another resource of a trust domain) is registered with.
  func server(for resource: Resource) -> SPIREServerLocation? {
    if let server = resource.dependencies.first(where: { $0.type == "spire.server" }).flatMap({ resources[$0] }) {
      return location(of: server)
    }
    let trustDomain = resource[attribute: "trust_domain"]?.string
      ?? resource[attribute: "spiffe_id"]?.string.flatMap { Self.trustDomain(of: $0) }
    return spireServers.first { $0.trustDomain == trustDomain }
  }

  private func location(of server: Resource) -> SPIREServerLocation? {
    guard let cluster = server[attribute: "cluster"]?.string else { return nil }
    let namespace = server[attribute: "namespace"]?.string ?? "spire"
    var workload = KubernetesObjectName(kind: "statefulset", namespace: namespace, name: "spire-server")
    if case .manifest(_, let objects)? = rendering.placements[server.address],
      let found = objects.compactMap(KubernetesObjectName.init).first(where: { ["statefulset", "deployment"].contains($0.kind.lowercased()) })
    {
      workload = found
    }
    return SPIREServerLocation(
      trustDomain: server[attribute: "trust_domain"]?.string ?? server.address.name, cluster: cluster,
      namespace: workload.namespace ?? namespace, workload: workload)
  }

  /// `example.org` of `spiffe://example.org/ns/a/sa/b`.
  static func trustDomain(of spiffeID: String) -> String? {
    guard spiffeID.hasPrefix("spiffe://") else { return nil }
    return spiffeID.dropFirst("spiffe://".count).split(separator: "/").first.map(String.init)
  }

  // MARK: - Commands no template holds

  /// The commands that make a command-placed resource, each safe to run twice.
  func createCommands(for resource: Resource) throws(ProviderError) -> [RunbookCommand] {
    let variable = RunbookCommand.variableName(resource.address.type.replacingOccurrences(of: ".", with: "_"), resource.address.name)
    switch resource.address.type {
    case "ram.share_acceptance":
      let access = try self.access(for: resource)
      let share = resource[attribute: "share"]?.string ?? String(resource.address.name.split(separator: "/").first ?? "")
      return [
        .capture(variable: variable, AWSCommands.pendingInvitations(share: share, access: access)),
        .forEach(item: "invitation", in: variable, AWSCommands.acceptInvitation(.variable("invitation"), access: access)),
      ]
    case "ec2.transit_gateway_attachment_accepter":
      let access = try self.access(for: resource)
      return [
        .capture(variable: variable, AWSCommands.pendingAttachments(access: access)),
        .forEach(item: "attachment", in: variable, AWSCommands.acceptAttachment(.variable("attachment"), access: access)),
      ]
    case "spire.entry":
      let server = try self.server(of: resource)
      guard let spiffeID = resource[attribute: "spiffe_id"]?.string else {
        throw ProviderError(code: "InvalidEntry", message: "\(resource.address) has no spiffe_id", address: resource.address)
      }
      return [
        .unless(
          probe: AWSCommands.spireServer(server, kubeconfig: Runbook.kubeconfig, ["entry", "show", "-spiffeID", ShellWord(spiffeID)]),
          contains: spiffeID,
          then: AWSCommands.spireServer(server, kubeconfig: Runbook.kubeconfig, Self.entryCreateArguments(resource, spiffeID: spiffeID)))
      ]
    default:
      var summary = ""
      if case .command(let said)? = rendering.placements[resource.address] { summary = ": " + said }
      throw ProviderError(
        code: "NoCommand",
        message: "the aws provider has no command for a \(resource.address.type)\(summary); do it by hand, then apply again",
        address: resource.address)
    }
  }

  private func access(for resource: Resource) throws(ProviderError) -> AccountAccess {
    let account = resource[attribute: "account"]?.string ?? resource.placement.account
    guard let account, let access = accessByAccount[account] else {
      throw ProviderError(
        code: "UnknownAccount", message: "\(resource.address) names no account the script declares", address: resource.address)
    }
    return access
  }

  func server(of resource: Resource) throws(ProviderError) -> SPIREServerLocation {
    guard let server = server(for: resource) else {
      throw ProviderError(
        code: "NoSPIREServer", message: "\(resource.address) has no SPIRE server to register with: declare the mesh's server",
        address: resource.address)
    }
    return server
  }

  /// `entry create` with the entry's fields, in SPIRE 1.15's flag spelling.
  static func entryCreateArguments(_ entry: Resource, spiffeID: String) -> [ShellWord] {
    var arguments: [ShellWord] = ["entry", "create", "-spiffeID", ShellWord(spiffeID)]
    if let parent = entry[attribute: "parent_id"]?.string {
      arguments += ["-parentID", ShellWord(parent)]
    } else {
      arguments.append("-node")
    }
    for selector in entry[attribute: "selectors"]?.list?.compactMap(\.string) ?? [] { arguments += ["-selector", ShellWord(selector)] }
    if let ttl = entry[attribute: "x509_svid_ttl"]?.int { arguments += ["-x509SVIDTTL", ShellWord(String(ttl))] }
    if let ttl = entry[attribute: "jwt_svid_ttl"]?.int { arguments += ["-jwtSVIDTTL", ShellWord(String(ttl))] }
    for name in entry[attribute: "dns_names"]?.list?.compactMap(\.string) ?? [] { arguments += ["-dns", ShellWord(name)] }
    if entry[attribute: "admin"]?.bool == true { arguments.append("-admin") }
    if entry[attribute: "downstream"]?.bool == true { arguments.append("-downstream") }
    if let hint = entry[attribute: "hint"]?.string { arguments += ["-hint", ShellWord(hint)] }
    return arguments
  }
}
