/// The `aws` and `kubectl` command lines the driver and the runbook use, built in one place so the
/// driver runs exactly what `--print-commands` prints.
///
/// Every `aws` command names the account's `--profile` (when the script declares one) and
/// `--region`; every `kubectl` command names the runbook's own kubeconfig and the cluster's context,
/// so the user's `~/.kube/config` is left alone.
public enum AWSCommands {
  /// `--profile P --region R` for an account.
  static func access(_ access: AccountAccess) -> [ShellWord] {
    (access.profile.map { ["--profile", ShellWord($0)] } ?? []) + ["--region", ShellWord(access.region)]
  }

  static func aws(_ access: AccountAccess, _ arguments: [ShellWord]) -> ShellCommand {
    ShellCommand("aws", arguments + Self.access(access))
  }

  // MARK: - Preflight

  /// Who the account's profile is: `{"UserId", "Account", "Arn"}`.
  public static func callerIdentity(_ access: AccountAccess) -> ShellCommand {
    aws(access, ["sts", "get-caller-identity", "--output", "json"])
  }

  /// The account ID the profile reaches, as bare text.
  public static func callerAccount(_ access: AccountAccess) -> ShellCommand {
    aws(access, ["sts", "get-caller-identity", "--query", "Account", "--output", "text"])
  }

  // MARK: - CloudFormation

  /// Creates or updates a stack from its template; a template with nothing new is not an error.
  /// `parameters` are `Name=value` words (values from earlier stacks' outputs).
  public static func deploy(_ stack: RenderedStack, templateFile: ShellWord, parameters: [ShellWord]) -> ShellCommand {
    var arguments: [ShellWord] = ["cloudformation", "deploy", "--stack-name", ShellWord(stack.name), "--template-file", templateFile]
    if !parameters.isEmpty { arguments += ["--parameter-overrides"] + parameters }
    if stack.needsNamedIAM { arguments += ["--capabilities", "CAPABILITY_NAMED_IAM"] }
    arguments.append("--no-fail-on-empty-changeset")
    return aws(stack.access, arguments)
  }

  /// One output of a stack, as bare text.
  public static func stackOutput(stack: String, output: String, access: AccountAccess) -> ShellCommand {
    aws(
      access,
      [
        "cloudformation", "describe-stacks", "--stack-name", ShellWord(stack), "--query",
        ShellWord("Stacks[0].Outputs[?OutputKey=='\(output)'].OutputValue"), "--output", "text",
      ])
  }

  /// A stack's status and outputs, as JSON.
  public static func describeStack(_ stack: String, access: AccountAccess) -> ShellCommand {
    aws(access, ["cloudformation", "describe-stacks", "--stack-name", ShellWord(stack), "--output", "json"])
  }

  /// A stack's resources by logical ID, with their status, as JSON.
  public static func describeStackResources(_ stack: String, access: AccountAccess) -> ShellCommand {
    aws(access, ["cloudformation", "describe-stack-resources", "--stack-name", ShellWord(stack), "--output", "json"])
  }

  public static func deleteStack(_ stack: String, access: AccountAccess) -> ShellCommand {
    aws(access, ["cloudformation", "delete-stack", "--stack-name", ShellWord(stack)])
  }

  public static func waitStackDeleted(_ stack: String, access: AccountAccess) -> ShellCommand {
    aws(access, ["cloudformation", "wait", "stack-delete-complete", "--stack-name", ShellWord(stack)])
  }

  // MARK: - Outside CloudFormation

  /// The ARNs of the pending RAM invitations to a share, as text (none when the accounts share an
  /// organization with RAM sharing on: then no invitation is sent).
  public static func pendingInvitations(share: String, access: AccountAccess) -> ShellCommand {
    aws(
      access,
      [
        "ram", "get-resource-share-invitations", "--query",
        ShellWord("resourceShareInvitations[?resourceShareName=='\(share)' && status=='PENDING'].resourceShareInvitationArn"),
        "--output", "text",
      ])
  }

  public static func acceptInvitation(_ invitation: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(access, ["ram", "accept-resource-share-invitation", "--resource-share-invitation-arn", invitation])
  }

  /// The IDs of the attachments to the owner's transit gateways still waiting for acceptance, as text.
  public static func pendingAttachments(access: AccountAccess) -> ShellCommand {
    aws(
      access,
      [
        "ec2", "describe-transit-gateway-vpc-attachments", "--filters", "Name=state,Values=pendingAcceptance", "--query",
        "TransitGatewayVpcAttachments[].TransitGatewayAttachmentId", "--output", "text",
      ])
  }

  public static func acceptAttachment(_ attachment: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(access, ["ec2", "accept-transit-gateway-vpc-attachment", "--transit-gateway-attachment-id", attachment])
  }

  // MARK: - Kubernetes

  /// Writes the cluster's context (named as the cluster in the script) into the runbook's kubeconfig.
  public static func updateKubeconfig(_ manifest: RenderedManifest, kubeconfig: ShellWord) -> ShellCommand {
    aws(
      manifest.access,
      ["eks", "update-kubeconfig", "--name", ShellWord(manifest.eksName), "--alias", ShellWord(manifest.cluster), "--kubeconfig", kubeconfig])
  }

  static func kubectl(cluster: String, kubeconfig: ShellWord, _ arguments: [ShellWord]) -> ShellCommand {
    ShellCommand("kubectl", ["--kubeconfig", kubeconfig, "--context", ShellWord(cluster)] + arguments)
  }

  /// Applies a manifest server-side, so a second apply changes only what differs.
  public static func applyManifest(cluster: String, file: ShellWord, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(cluster: cluster, kubeconfig: kubeconfig, ["apply", "--server-side", "--field-manager", "steeple", "-f", file])
  }

  public static func deleteManifest(cluster: String, file: ShellWord, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(cluster: cluster, kubeconfig: kubeconfig, ["delete", "--ignore-not-found", "--wait", "-f", file])
  }

  /// The object's name when it exists, nothing when it does not.
  public static func getObject(_ object: KubernetesObjectName, cluster: String, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(
      cluster: cluster, kubeconfig: kubeconfig,
      ["get", ShellWord(object.kind), ShellWord(object.name)] + (object.namespace.map { ["-n", ShellWord($0)] } ?? [])
        + ["--ignore-not-found", "-o", "name"])
  }

  /// One value of an object, by a JSONPath (`{.status.loadBalancer.ingress[0].hostname}`); empty until it is set.
  public static func getValue(_ object: KubernetesObjectName, jsonPath: String, cluster: String, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(
      cluster: cluster, kubeconfig: kubeconfig,
      ["get", ShellWord(object.kind), ShellWord(object.name)] + (object.namespace.map { ["-n", ShellWord($0)] } ?? [])
        + ["-o", ShellWord("jsonpath=" + jsonPath)])
  }

  /// Waits until the SPIRE server's workload has all its replicas ready.
  public static func waitRollout(_ object: KubernetesObjectName, cluster: String, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(
      cluster: cluster, kubeconfig: kubeconfig,
      ["rollout", "status", ShellWord("\(object.kind)/\(object.name)")] + (object.namespace.map { ["-n", ShellWord($0)] } ?? [])
        + ["--timeout=10m"])
  }

  /// `spire-server SUBCOMMAND ...` inside the server's pod.
  public static func spireServer(
    _ server: SPIREServerLocation, kubeconfig: ShellWord, _ arguments: [ShellWord]
  ) -> ShellCommand {
    kubectl(
      cluster: server.cluster, kubeconfig: kubeconfig,
      ["exec", "-n", ShellWord(server.namespace), ShellWord("\(server.workload.kind)/\(server.workload.name)"), "-c", "spire-server", "--",
        "/opt/spire/bin/spire-server"] + arguments)
  }
}

/// A Kubernetes object as a manifest placement names it: `kind/namespace/name`, or `kind/name`
/// (and `kind//name`) for a cluster-scoped one.
public struct KubernetesObjectName: Hashable, Sendable, CustomStringConvertible {
  public var kind: String
  public var namespace: String?
  public var name: String

  public init(kind: String, namespace: String?, name: String) {
    self.kind = kind
    self.namespace = namespace
    self.name = name
  }

  /// Reads `kind/namespace/name` or `kind/name`; `nil` for anything else.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    switch parts.count {
    case 2 where !parts[0].isEmpty && !parts[1].isEmpty: self.init(kind: parts[0], namespace: nil, name: parts[1])
    case 3 where !parts[0].isEmpty && !parts[2].isEmpty:
      self.init(kind: parts[0], namespace: parts[1].isEmpty ? nil : parts[1], name: parts[2])
    default: return nil
    }
  }

  public var description: String { "\(kind)/\(namespace ?? "")/\(name)" }
}

/// Where a trust domain's SPIRE server runs: the cluster (its kubeconfig context), the namespace
/// and the workload to `kubectl exec` into.
public struct SPIREServerLocation: Hashable, Sendable {
  public var trustDomain: String
  public var cluster: String
  public var namespace: String
  public var workload: KubernetesObjectName

  public init(trustDomain: String, cluster: String, namespace: String, workload: KubernetesObjectName) {
    self.trustDomain = trustDomain
    self.cluster = cluster
    self.namespace = namespace
    self.workload = workload
  }
}

// MARK: - Checks

extension AWSCommands {
  /// How many replicas of a workload's Deployment are ready; empty when none is.
  static func readyReplicas(_ endpoint: MeshEndpoint, kubeconfig: ShellWord) -> ShellCommand {
    getValue(endpoint.deployment, jsonPath: "{.status.readyReplicas}", cluster: endpoint.cluster, kubeconfig: kubeconfig)
  }

  /// `curl` inside the service's Envoy container, as the tutorial ran it: the admin endpoint and the
  /// outbound listeners are on the pod's loopback, which every container of the pod shares.
  static func curlInProxy(_ endpoint: MeshEndpoint, kubeconfig: ShellWord, _ arguments: [ShellWord]) -> ShellCommand {
    kubectl(
      cluster: endpoint.cluster, kubeconfig: kubeconfig,
      ["exec", "-n", ShellWord(endpoint.namespace), ShellWord("deployment/\(endpoint.workload)"), "-c", ShellWord(endpoint.proxy), "--", "curl", "-s"]
        + arguments)
  }

  /// The Envoy admin endpoint's counters under a prefix (`/stats?filter=`).
  static func envoyStats(_ endpoint: MeshEndpoint, under prefix: String, kubeconfig: ShellWord) -> ShellCommand {
    curlInProxy(
      endpoint, kubeconfig: kubeconfig,
      [ShellWord("http://127.0.0.1:\(EnvoyConfig.adminPort)/stats?filter=" + EnvoyCounters.filter(under: prefix))])
  }

  /// One request from the caller's pod to the callee's name as its workload dials it: the outbound
  /// listener on `127.0.0.1:<callee port>`, then the upstream cluster; prints the HTTP status.
  static func requestThroughUpstream(_ caller: MeshEndpoint, to callee: MeshEndpoint, kubeconfig: ShellWord) -> ShellCommand {
    curlInProxy(
      caller, kubeconfig: kubeconfig,
      ["-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", ShellWord("http://127.0.0.1:\(callee.port)/")])
  }

  /// The address of a running pod of a workload, by its labels.
  static func podIP(cluster: String, namespace: String, selector: String, kubeconfig: ShellWord) -> ShellCommand {
    kubectl(
      cluster: cluster, kubeconfig: kubeconfig,
      ["get", "pods", "-n", ShellWord(namespace), "-l", ShellWord(selector), "--field-selector", "status.phase=Running",
        "-o", "jsonpath={.items[0].status.podIP}"])
  }

  /// The network interface that holds an address (with the VPC CNI, a pod's address is a secondary
  /// address of its node's interface).
  static func networkInterface(holding address: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(
      access,
      [
        "ec2", "describe-network-interfaces", "--filters", ShellWord(parts: [.text("Name=addresses.private-ip-address,Values=")] + address.parts),
        "--query", "NetworkInterfaces[0].NetworkInterfaceId", "--output", "text",
      ])
  }

  /// A Reachability Analyzer path from one interface to another (an ID, or an ARN in another account).
  static func createInsightsPath(source: ShellWord, destination: ShellWord, destinationIP: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(
      access,
      [
        "ec2", "create-network-insights-path", "--source", source, "--destination", destination, "--destination-ip", destinationIP,
        "--protocol", "tcp", "--query", "NetworkInsightsPath.NetworkInsightsPathId", "--output", "text",
      ])
  }

  static func startInsightsAnalysis(path: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(
      access,
      ["ec2", "start-network-insights-analysis", "--network-insights-path-id", path, "--query", "NetworkInsightsAnalysis.NetworkInsightsAnalysisId",
        "--output", "text"])
  }

  static func describeInsightsAnalysis(_ analysis: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(access, ["ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids", analysis, "--output", "json"])
  }

  static func deleteInsightsAnalysis(_ analysis: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(access, ["ec2", "delete-network-insights-analysis", "--network-insights-analysis-id", analysis])
  }

  static func deleteInsightsPath(_ path: ShellWord, access: AccountAccess) -> ShellCommand {
    aws(access, ["ec2", "delete-network-insights-path", "--network-insights-path-id", path])
  }
}
