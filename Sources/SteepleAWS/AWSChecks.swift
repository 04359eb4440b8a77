import SteepleEngine
import SteepleModel

/// The checks the tutorial ran by hand, run through `kubectl exec` into the SPIRE server:
/// `attested` reads `spire-server agent list`, `svid` reads `spire-server entry show`. The mesh's
/// checks (`mtls`, `denied`, `all`) go through the rendered Envoy proxies (``AWSMeshChecks``), and
/// `reachable` through the VPC Reachability Analyzer (``ReachabilityCheck``).
struct AWSChecks {
  let provider: AWSProvider

  func run(_ check: Check) async throws -> CheckOutcome {
    switch check.kind {
    case "attested": return try await attested(check)
    case "svid": return try await svid(check)
    case "mtls": return try await AWSMeshChecks(provider: provider).mtls(check)
    case "denied": return try await AWSMeshChecks(provider: provider).denied(check)
    case "all": return try await AWSMeshChecks(provider: provider).all(check)
    case "reachable": return try await ReachabilityCheck(provider: provider).run(check)
    default:
      return .unsupported(reason: "the aws provider has no check '\(check.kind)'")
    }
  }

  /// `verify attested("<td>/<agents>")`: the server lists at least one agent attested from that cluster.
  func attested(_ check: Check) async throws -> CheckOutcome {
    guard check.arguments.count == 1, let name = check.arguments[0].string else {
      return .failed(reason: "verify attested takes one spire.agents resource name, <trust domain>/<name>")
    }
    let address = ResourceAddress(type: "spire.agents", name: name)
    guard let agents = provider.context.resources[address], let trustDomain = agents[attribute: "trust_domain"]?.string else {
      return .failed(reason: "no spire.agents \(name) in the script")
    }
    let clusterName = agents[attribute: "cluster_name"]?.string ?? String(name.split(separator: "/").last ?? "")
    guard let server = provider.context.server(for: agents) else {
      return .failed(reason: "the trust domain \(trustDomain) has no SPIRE server to ask")
    }
    let listed: CommandResult
    do {
      listed = try await spireServer(server, ["agent", "list"])
    } catch let error as ProviderError {
      return .failed(reason: "first cause: the SPIRE server of \(trustDomain) could not be asked: \(error.message)")
    }
    guard listed.succeeded else {
      return .failed(reason: "first cause: spire-server agent list failed on \(server.cluster): \(listed.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
    let prefix = "spiffe://\(trustDomain)/spire/agent/k8s_psat/\(clusterName)/"
    let attested = SPIREOutput.agentIDs(in: listed.output).filter { $0.hasPrefix(prefix) }
    guard !attested.isEmpty else {
      return .failed(
        reason: "first cause: no agent of \(name) is attested (no \(prefix)… in agent list); look at the agents' logs in "
          + "\(agents[attribute: "cluster"]?.string ?? "their cluster") and at the server's k8s_psat cluster '\(clusterName)'")
    }
    return .passed(detail: "\(attested.count) agent\(attested.count == 1 ? "" : "s") of \(name) attested: \(attested.joined(separator: ", "))")
  }

  /// `verify svid("<td>/<service>")`: the service's SPIFFE ID has an entry on the server.
  func svid(_ check: Check) async throws -> CheckOutcome {
    guard check.arguments.count == 1, let target = check.arguments[0].string else {
      return .failed(reason: "verify svid takes one service (<trust domain>/<service>)")
    }
    let service = provider.context.resources[ResourceAddress(type: "mesh.service", name: target)]
    guard let service, let spiffeID = check.fields[field: "id"]?.string ?? service[attribute: "identity"]?.string else {
      return .unsupported(
        reason: "the aws provider checks a service's entry (<trust domain>/<service>); '\(target)' names no mesh service with an identity")
    }
    guard let server = provider.context.server(for: service) else {
      return .failed(reason: "no SPIRE server serves \(spiffeID)")
    }
    let shown: CommandResult
    do {
      shown = try await spireServer(server, ["entry", "show", "-spiffeID", ShellWord(spiffeID)])
    } catch let error as ProviderError {
      return .failed(reason: "first cause: the SPIRE server could not be asked: \(error.message)")
    }
    let entries = SPIREOutput.entryIDs(in: shown.output)
    guard shown.succeeded, !entries.isEmpty else {
      return .failed(reason: "first cause: \(spiffeID) has no registration entry on the server; apply again to register it")
    }
    return .passed(detail: "\(spiffeID) is registered (entry \(entries.joined(separator: ", ")))")
  }

  private func spireServer(_ server: SPIREServerLocation, _ arguments: [ShellWord]) async throws -> CommandResult {
    try await provider.prepare()
    if let manifest = provider.rendering.manifests.first(where: { $0.cluster == server.cluster }) {
      try await provider.kubeconfig(for: manifest)
    }
    return try await provider.runner.result(
      of: AWSCommands.spireServer(server, kubeconfig: Runbook.kubeconfig, arguments), values: provider.values)
  }
}
