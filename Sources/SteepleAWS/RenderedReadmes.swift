import SteepleEngine

/// The README of the output folder and of each folder in it: what is there, what to apply in which
/// order, what is done by command, and what no file says by itself (the rendering's notes).
struct RenderedReadmes {
  let rendering: AWSRendering
  /// The other files, to list each folder's.
  let others: [Artifact]
  let input: RenderInput

  var files: [Artifact] {
    var readmes = [Artifact(path: "README.md", contents: top)]
    let folders = Set(others.compactMap { $0.path.split(separator: "/").first.map(String.init) }.filter { $0 != "README.md" })
    for folder in folders.sorted() { readmes.append(Artifact(path: "\(folder)/README.md", contents: folderReadme(folder))) }
    return readmes
  }

  static let header = "<!-- Rendered by steeple render; re-render instead of editing. -->\n"

  func deployCommand(_ stack: RenderedStack) -> String {
    var words = ["aws", "cloudformation", "deploy"] + profileWords(stack.access)
    words += ["--stack-name", stack.name, "--template-file", stack.templatePath]
    if stack.needsNamedIAM { words += ["--capabilities", "CAPABILITY_NAMED_IAM"] }
    if !stack.parameters.isEmpty {
      words.append("--parameter-overrides")
      words += stack.parameters.map { "\($0.name)=<output \($0.output) of \($0.fromStack)>" }
    }
    return words.joined(separator: " ")
  }

  func profileWords(_ access: AccountAccess) -> [String] { (access.profile.map { ["--profile", $0] } ?? []) + ["--region", access.region] }

  /// The commands, registration entries last and each after its parent entry (by depth, then address).
  var commands: [String] {
    func depth(_ address: ResourceAddress) -> Int {
      guard address.type == "spire.entry" else { return 0 }
      var level = 1
      var current = input[address]?.string("parent_id")
      var seen: Set<String> = [address.name]
      while let parent = current, let entry = input["spire.entry", parent], seen.insert(parent).inserted {
        level += 1
        current = entry.string("parent_id")
      }
      return level
    }
    return rendering.placements.sorted { (depth($0.key), $0.key) < (depth($1.key), $1.key) }.compactMap { address, placement in
      if case .command(let summary) = placement { return "`\(address)`: \(summary)" }
      return nil
    }
  }

  var top: String {
    var text = Self.header + "# What steeple render made\n\n"
    text += "Everything the aws provider sends for this script, rendered without network or credentials: "
    text += "\(rendering.stacks.count) CloudFormation stacks, \(rendering.manifests.count) Kubernetes manifests, SPIRE 1.15 and Envoy configs. "
    text += "`steeple apply FILE --provider aws` applies exactly these files, and `--print-commands` prints the commands instead of running them.\n\n"
    text += "## The order to apply\n\n"
    var step = 1
    text += "\(step). CloudFormation (`cloudformation/`), one stack per account and layer, each after the stacks it takes parameters from:\n\n"
    for stack in rendering.stacks {
      text += "   - layer \(stack.layer): `\(stack.name)` in \(stack.access.account) (\(stack.access.region)): `\(deployCommand(stack))`\n"
    }
    if others.contains(where: { $0.path.hasPrefix("images/") }) {
      step += 1
      text += "\n\(step). The SPIRE server's image (`images/spire-server-aws/`): build it and push it to the ECR repository the stacks made.\n"
    }
    step += 1
    text += "\n\(step). Kubernetes (`kubernetes/`), cluster by cluster, each file with `kubectl apply --server-side` after "
    text += "`aws eks update-kubeconfig --name <cluster>` in the cluster's account; `{{NAME}}` values are filled in first (`kubernetes/README.md`):\n\n"
    for manifest in rendering.manifests { text += "   - `\(manifest.path)`\n" }
    let commands = self.commands
    if !commands.isEmpty {
      step += 1
      text += "\n\(step). Commands, for what no template or manifest makes (registration entries after the server is ready, parents first):\n\n"
      for command in commands { text += "   - \(command)\n" }
    }
    text += "\n## Notes\n\n"
    for note in rendering.notes { text += "- \(note)\n" }
    text += "\n## Where each resource is made\n\n| resource | where |\n|---|---|\n"
    for resource in input.resources {
      let place: String
      switch rendering.placements[resource.address] {
      case .stack(let name, let logicalID)?: place = "stack `\(name)`, `\(logicalID)`"
      case .manifest(let path, let objects)?: place = "`\(path)`: " + objects.map { "`\($0)`" }.joined(separator: ", ")
      case .command?: place = "a command (above)"
      case nil: place = "not made (see the notes)"
      }
      text += "| `\(resource.address)` | \(place) |\n"
    }
    return text
  }

  func folderReadme(_ folder: String) -> String {
    let inFolder = others.filter { $0.path.hasPrefix(folder + "/") }.map(\.path).sorted()
    var text = Self.header
    switch folder {
    case CloudFormationRenderer.folder:
      text += "# CloudFormation\n\nOne template per account and dependency layer. Deploy in this order, each in its account; "
      text += "a parameter is the named output of an earlier stack (values that cross accounts cannot be exports).\n\n"
      text += "| layer | stack | account | template | parameters | capabilities |\n|---|---|---|---|---|---|\n"
      for stack in rendering.stacks {
        let parameters = stack.parameters.map { "`\($0.name)` ← `\($0.fromStack)`" }.joined(separator: ", ")
        text += "| \(stack.layer) | `\(stack.name)` | \(stack.access.account) | `\(stack.templatePath.dropFirst(folder.count + 1))` | \(parameters.isEmpty ? "none" : parameters) | \(stack.needsNamedIAM ? "CAPABILITY_NAMED_IAM" : "none") |\n"
      }
      text += "\nOutputs are named `<LogicalID><Value>` (`VpcEksClusterSharedId`), and every stack outputs `AccountId`.\n"
    case KubernetesRenderer.folder:
      text += "# Kubernetes manifests\n\nPer cluster: `1-namespaces.yaml`, `2-spire.yaml` (SPIRE and its RBAC), `3-workloads.yaml` "
      text += "(the workloads, each mesh workload with its Envoy). Apply with `kubectl apply --server-side`, in this order:\n\n"
      for manifest in rendering.manifests {
        text += "- `\(manifest.path.dropFirst(folder.count + 1))` (Kubernetes \(manifest.kubernetesVersion))\n"
        for parameter in manifest.parameters {
          text += "  - `{{\(parameter.name)}}`: output `\(parameter.output)` of stack `\(parameter.fromStack)`\n"
        }
        for value in manifest.objectValues {
          text += "  - `{{\(value.name)}}`: `kubectl get \(value.object.split(separator: "/").count == 3 ? Self.kubectlObject(value.object) : value.object) -o jsonpath='\(value.jsonPath)'` in \(value.cluster)\n"
        }
      }
    case SPIREConfigs.folder:
      text += "# SPIRE 1.15 configs\n\nThe same text as the ConfigMaps of `kubernetes/` (`spire-server`, `spire-agent`), for reading: "
      text += "SPIRE 1.15's keys (`service_account_allow_list`, `default_x509_svid_ttl`, the BundlePublisher `k8s_configmap`), not the tutorial's 0.10 ones.\n\n"
      for path in inFolder where !path.hasSuffix("README.md") { text += "- `\(path.dropFirst(folder.count + 1))`\n" }
    case EnvoyConfig.folder:
      text += "# Envoy bootstraps\n\nOne per mesh service, the same text as its `<service>-envoy` ConfigMap: an inbound listener on "
      text += "\(EnvoyConfig.inboundPort) presenting the service's SVID and admitting only its policy's SPIFFE IDs (typed URI SAN matchers), "
      text += "and an outbound listener on 127.0.0.1 for each call. Certificates and the bundle come by SDS from the SPIRE agent's socket "
      text += "(`\(SPIREConfigs.agentSocket)`): the certificate named by the service's SPIFFE ID, the validation context by `spiffe://<trust domain>`.\n\n"
      for path in inFolder where !path.hasSuffix("README.md") { text += "- `\(path.dropFirst(folder.count + 1))`\n" }
    default:
      text += "# \(folder)\n\n"
      for path in inFolder where !path.hasSuffix("README.md") { text += "- `\(path.dropFirst(folder.count + 1))`\n" }
    }
    return text
  }

  /// `kind/namespace/name` as kubectl takes it: `-n namespace kind/name`.
  static func kubectlObject(_ reference: String) -> String {
    let parts = reference.split(separator: "/")
    return "-n \(parts[1]) \(parts[0])/\(parts[2])"
  }
}
