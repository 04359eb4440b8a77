public import SteepleEngine
public import SteepleModel
import Foundation
import SteepleCatalog

/// Renders what the aws provider sends for a desired state, without network or credentials:
/// CloudFormation stacks, Kubernetes manifests, SPIRE and Envoy configs, the SPIRE server's image
/// recipe and a README per folder; and where each resource is made (`AWSRendering`).
///
/// It renders the whole desired state, not a diff, and needs no state. The same resources give
/// byte-identical files.
public struct AWSRenderer {
  /// The ECR repository (and image name) of the SPIRE server with the aws CLI.
  public static let serverImageName = "steeple/spire-server-aws"

  let input: RenderInput

  /// `resources` is the desired state (`DesiredState.resources(for:)`); `topology`, when given,
  /// supplies what the resources do not carry: each workload's image, ports and replicas.
  public init(resources: [Resource], topology: Topology? = nil) {
    self.input = RenderInput(resources: resources, topology: topology)
  }

  public func render() -> AWSRendering {
    let stacks = CloudFormationRenderer(input: input)
    let kubernetes = KubernetesRenderer(input: input, stacks: stacks)
    var placements = stacks.placements.merging(kubernetes.placements) { first, _ in first }
    var notes = input.all("mesh.service").isEmpty ? [] : [Self.appMeshNote]
    notes.append(contentsOf: accountNotes())
    for (address, placement) in commandPlacements() { placements[address] = placement }
    notes.append(contentsOf: acceptanceNotes())
    notes.append(contentsOf: kubernetes.notes)
    if stacks.items.contains(where: { $0.key == StackItems.serverImageRepository }) {
      notes.append(
        "The SPIRE server reaches the agent clusters with kubeconfigs that run 'aws eks get-token --role-arn', and the official image has neither a shell nor the aws CLI: build images/spire-server-aws/Dockerfile and push it to the ECR repository \(Self.serverImageName) (stack output \(StackItems.serverImageRepository)Uri) before applying the manifests."
      )
    }
    if !input.all("spire.server").isEmpty {
      notes.append(
        "The SPIRE server keeps its data on a PersistentVolumeClaim; EKS clusters have no default StorageClass until the Amazon EBS CSI driver add-on is installed, which these stacks do not do.")
    }
    let manifests = orderedManifests(kubernetes)
    var files = stacks.files + manifests.files + kubernetes.files
    if stacks.items.contains(where: { $0.key == StackItems.serverImageRepository }) {
      files.append(Artifact(path: "images/spire-server-aws/Dockerfile", contents: serverDockerfile()))
    }
    var rendering = AWSRendering(stacks: stacks.stacks, manifests: manifests.manifests, files: [], placements: placements, notes: notes)
    files.append(contentsOf: RenderedReadmes(rendering: rendering, others: files, input: input).files)
    rendering.files = files.sorted { $0.path < $1.path }
    return rendering
  }

  static let appMeshNote =
    "AWS App Mesh, which the tutorial used, no longer exists (AWS discontinued it on 2026-09-30): each mesh service runs an Envoy beside its workload, configured from envoy/ with certificates from the SPIRE agent's SDS, and its Service points at that Envoy."

  /// Accounts and organizations are not made: they must exist.
  func accountNotes() -> [String] {
    var notes: [String] = []
    for account in input.all("aws.account") {
      let access = input.access(account.address.name)
      notes.append(
        "Account \(access.account) is not created: it must exist and be reachable with the aws CLI profile \(access.profile ?? "(default)") in \(access.region)\(access.id.map { "; the preflight checks its ID is \($0)" } ?? "").")
    }
    for organization in input.all("aws.organization") {
      notes.append(
        "Organization \(organization.address.name) is not created: its accounts must be in one AWS Organization with RAM sharing enabled ('aws ram enable-sharing-with-aws-organization' in the management account), so shares inside it need no invitation.")
    }
    return notes
  }

  /// Shares inside one organization need no acceptance.
  func acceptanceNotes() -> [String] {
    input.all("ram.share_acceptance").compactMap { acceptance in
      let share = input["ram.resource_share", acceptance.string("share") ?? ""]
      guard share?.bool("allow_external_principals") == false else { return nil }
      return "\(acceptance.address): nothing to accept; RAM shares within the organization reach \(acceptance.string("account") ?? "the account") without an invitation."
    }
  }

  /// What no template or manifest makes: registration entries, invitations, attachment acceptances,
  /// aws-auth mappings.
  func commandPlacements() -> [(ResourceAddress, ResourcePlacement)] {
    var found: [(ResourceAddress, ResourcePlacement)] = []
    for entry in input.all("spire.entry") {
      let server = input.all("spire.server").first { entry.address.name.hasPrefix("spiffe://\($0.string("trust_domain") ?? "")/") }
      found.append((entry.address, .command(summary: Self.entryCommand(entry, server: server))))
    }
    for acceptance in input.all("ram.share_acceptance") {
      let shareName = acceptance.string("share") ?? ""
      guard input["ram.resource_share", shareName]?.bool("allow_external_principals") != false else { continue }
      found.append(
        (
          acceptance.address,
          .command(
            summary:
              "in \(acceptance.string("account") ?? ""): aws ram get-resource-share-invitations --query \"resourceShareInvitations[?resourceShareName=='\(shareName)'].resourceShareInvitationArn\", then aws ram accept-resource-share-invitation --resource-share-invitation-arn <arn>"
          )
        ))
    }
    for accepter in input.all("ec2.transit_gateway_attachment_accepter") {
      found.append(
        (
          accepter.address,
          .command(
            summary:
              "in \(accepter.string("account") ?? ""): aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id <the id of attachment \(accepter.string("attachment") ?? "")>"
          )
        ))
    }
    for access in input.all("eks.access") where access.string("mode") == "aws_auth" {
      found.append(
        (
          access.address,
          .command(
            summary:
              "in \(access.string("cluster") ?? ""): add to ConfigMap kube-system/aws-auth a mapRoles entry for role \(access.string("role") ?? "") as user \(access.string("username") ?? "") in groups \(access.strings("groups").joined(separator: ", "))"
          )
        ))
    }
    return found
  }

  /// `spire-server entry create` for one entry, as the server's container runs it.
  static func entryCommand(_ entry: Resource, server: Resource?) -> String {
    var arguments = ["entry", "create", "-socketPath", SPIREConfigs.serverSocket, "-spiffeID", entry.address.name]
    if let parent = entry.string("parent_id") { arguments += ["-parentID", parent] }
    for selector in entry.strings("selectors") { arguments += ["-selector", selector] }
    if let ttl = entry.int("x509_svid_ttl") { arguments += ["-x509SVIDTTL", String(ttl)] }
    if let ttl = entry.int("jwt_svid_ttl") { arguments += ["-jwtSVIDTTL", String(ttl)] }
    for name in entry.strings("dns_names") { arguments += ["-dns", name] }
    if entry.bool("admin") == true { arguments.append("-admin") }
    if entry.bool("downstream") == true { arguments.append("-downstream") }
    if let hint = entry.string("hint") { arguments += ["-hint", hint] }
    let namespace = server?.string("namespace") ?? SPIRE.defaultNamespace
    let cluster = server?.string("cluster") ?? ""
    return "in \(cluster): kubectl exec -n \(namespace) spire-server-0 -c spire-server -- /opt/spire/bin/spire-server "
      + arguments.map(shellQuoted).joined(separator: " ")
  }

  /// A word for a POSIX shell: as is when it is safe, else single-quoted.
  static func shellQuoted(_ word: String) -> String {
    let safe = !word.isEmpty && word.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || "-_./:=@%+,".unicodeScalars.contains($0) }
    return safe ? word : "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }

  /// The manifests, cluster by cluster so that a cluster follows those whose objects it reads
  /// (agents after their server's load balancer, callers after their callees'), then by name.
  func orderedManifests(_ kubernetes: KubernetesRenderer) -> (manifests: [RenderedManifest], files: [Artifact]) {
    var byCluster: [String: [(RenderedManifest, Artifact)]] = [:]
    var reads: [String: Set<String>] = [:]
    for (cluster, objects) in kubernetes.objects.sorted(by: { $0.key < $1.key }) {
      let eks = input["eks.cluster", cluster]
      let account = eks?.string("account") ?? ""
      for file in KubernetesRenderer.File.allCases {
        let list =
          switch file {
          case .namespaces: objects.namespaces
          case .spire: objects.spire
          case .workloads: objects.workloads
          }
        guard !list.isEmpty else { continue }
        let text = "# Rendered by steeple render; {{NAME}} values are filled in at apply (see ../README.md).\n"
          + YAMLNode.stream(list.map(\.node))
        var parameters: [StackParameter] = []
        var values: [ObjectValue] = []
        for name in Self.placeholderNames(in: text) {
          switch kubernetes.placeholders[name] {
          case .stack(let parameter)?: parameters.append(parameter)
          case .object(let value)?:
            values.append(value)
            if value.cluster != cluster { reads[cluster, default: []].insert(value.cluster) }
          case nil: break
          }
        }
        let path = KubernetesRenderer.path(cluster, file)
        byCluster[cluster, default: []].append(
          (
            RenderedManifest(
              cluster: cluster, eksName: EKS.eksName(cluster), access: input.access(account), path: path,
              kubernetesVersion: eks?.string("version") ?? EKS.defaultVersion, parameters: parameters, objectValues: values),
            Artifact(path: path, contents: text)
          ))
      }
    }
    var ordered: [String] = []
    var remaining = byCluster.keys.sorted()
    while !remaining.isEmpty {
      // The first cluster whose reads are all placed; on a cycle, the first by name.
      let next = remaining.first { (reads[$0] ?? []).allSatisfy { ordered.contains($0) || byCluster[$0] == nil } } ?? remaining[0]
      ordered.append(next)
      remaining.removeAll { $0 == next }
    }
    let pairs = ordered.flatMap { byCluster[$0] ?? [] }
    return (pairs.map(\.0), pairs.map(\.1))
  }

  /// The `{{name}}` placeholders of a text, each once, in order of first use.
  static func placeholderNames(in text: String) -> [String] {
    var names: [String] = []
    var rest = Substring(text)
    while let open = rest.range(of: "{{") {
      rest = rest[open.upperBound...]
      guard let close = rest.range(of: "}}") else { break }
      let name = String(rest[..<close.lowerBound])
      if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber }), !names.contains(name) { names.append(name) }
      rest = rest[close.upperBound...]
    }
    return names
  }

  func serverDockerfile() -> String {
    let version = input.all("spire.server").first?.string("version") ?? SPIRE.defaultVersion
    return """
      # The SPIRE server with the aws CLI: its kubeconfigs run 'aws eks get-token --role-arn' to reach
      # the agent clusters, and the official image has neither a shell nor the CLI.
      # Build and push (the repository is the output \(StackItems.serverImageRepository)Uri of the server's stack):
      #   docker build -t <uri>:\(version) . && docker push <uri>:\(version)
      FROM ghcr.io/spiffe/spire-server:\(version) AS spire
      FROM public.ecr.aws/aws-cli/aws-cli:2.15.0
      COPY --from=spire /opt/spire/bin/spire-server /opt/spire/bin/spire-server
      ENTRYPOINT ["/opt/spire/bin/spire-server", "run"]

      """
  }
}
