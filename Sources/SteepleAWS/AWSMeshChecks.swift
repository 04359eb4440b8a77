import Foundation
import SteepleCatalog
import SteepleEngine
import SteepleSyntax

/// `verify mtls`, `denied` and `all` through the rendered Envoy proxies, with `kubectl exec` into
/// each service's Envoy container (the caller's in the caller's cluster's context, the callee's in
/// the callee's): read the callee's inbound listener counters and the caller's upstream cluster
/// counters from the admin endpoint, send one request to the caller's outbound listener for the
/// callee, read the counters again.
///
/// A caller's Envoy holds its SVID only in memory (SDS) and has an upstream only for the services it
/// calls, so a pair whose caller does not call the callee cannot be tried: `denied` answers
/// unsupported for it, and `all` leaves it untried.
struct AWSMeshChecks {
  let provider: AWSProvider

  /// Every `mesh.service` the script declares, by name.
  var endpoints: [String: MeshEndpoint] {
    let allows = provider.context.resources.values.filter { $0.address.type == "mesh.allow" }
    var found: [String: MeshEndpoint] = [:]
    for resource in provider.context.resources.values {
      if let endpoint = MeshEndpoint(resource, allows: allows) { found[endpoint.name] = endpoint }
    }
    return found
  }

  /// Why a check stops before its request, as its reason says it.
  struct Stop: Error {
    let reason: String
  }

  // MARK: - The checks

  func mtls(_ check: Check) async throws -> CheckOutcome {
    let (caller, callee): (MeshEndpoint, MeshEndpoint)
    switch pair(check) {
    case .failure(let stop): return .failed(reason: stop.reason)
    case .success(let pair): (caller, callee) = pair
    }
    guard caller.calls(callee) else {
      return .failed(
        reason: "\(caller.name) does not call \(callee.name): its Envoy has no upstream for it; add \(callee.name) to its calls")
    }
    var ready: [String: String?] = [:]
    let probe: MeshProbe
    do { probe = try await self.probe(caller, callee, ready: &ready) } catch let stop as Stop { return .failed(reason: stop.reason) }
    switch probe.verdict {
    case .answered:
      return .passed(
        detail: "\(caller.name) (\(caller.identity)) -> \(callee.name) (\(callee.identity)): answered \(probe.status ?? "")\n"
          + "counters moved: \(probe.moved)")
    default:
      return .failed(reason: "first cause: \(probe.cause)\ncounters moved: \(probe.moved)")
    }
  }

  func denied(_ check: Check) async throws -> CheckOutcome {
    let (caller, callee): (MeshEndpoint, MeshEndpoint)
    switch pair(check) {
    case .failure(let stop): return .failed(reason: stop.reason)
    case .success(let pair): (caller, callee) = pair
    }
    guard caller.calls(callee) else {
      let admitted = callee.admits.isEmpty ? "no ID" : callee.admits.joined(separator: ", ")
      return .unsupported(
        reason: "\(caller.name) does not call \(callee.name), so its Envoy has no upstream to dial it, and its SVID lives only in that "
          + "Envoy's memory (SDS): the aws provider cannot present \(caller.identity) to \(callee.name). The rendered listener of "
          + "\(callee.name) admits \(admitted)")
    }
    var ready: [String: String?] = [:]
    let probe: MeshProbe
    do {
      probe = try await self.probe(caller, callee, ready: &ready)
    } catch let stop as Stop {
      return .failed(reason: "the path broke before the policy could refuse \(caller.name): \(stop.reason)")
    }
    switch probe.verdict {
    case .refusedByCallee:
      return .passed(detail: "\(callee.name) refused \(caller.name) (\(caller.identity)): its ID is not admitted\ncounters moved: \(probe.moved)")
    case .answered, .answeredInPlainText:
      return .failed(
        reason: "\(caller.name) -> \(callee.name) went through (\(probe.status ?? "")): \(callee.name) admits \(caller.identity) (counters moved: \(probe.moved))")
    default:
      return .failed(reason: "\(callee.name) did not refuse \(caller.name) for the policy's reason: first cause: \(probe.cause)\ncounters moved: \(probe.moved)")
    }
  }

  func all(_ check: Check) async throws -> CheckOutcome {
    let names = check.arguments.compactMap(\.string)
    let declared = Set(check.fields[field: "declared"]?.list?.compactMap(\.string) ?? [])
    guard !names.isEmpty else { return .passed(detail: "no mesh service was applied: no ordered pair to check") }
    let known = endpoints
    var services: [MeshEndpoint] = []
    for name in names {
      guard let endpoint = known[name] else { return .failed(reason: unknown(name, among: known)) }
      services.append(endpoint)
    }
    var ready: [String: String?] = [:]
    var observed: [[MeshCell]] = []
    var disagreements: [String] = []
    var untried: [String] = []
    for caller in services {
      var row: [MeshCell] = []
      for callee in services {
        guard caller.name != callee.name else {
          row.append(.noCall)
          continue
        }
        let edge = "\(caller.name) -> \(callee.name)"
        guard caller.calls(callee) else {
          row.append(.noCall)
          if declared.contains(edge) { untried.append(edge) }
          continue
        }
        let cell: MeshCell
        var cause: String?
        do {
          let probe = try await self.probe(caller, callee, ready: &ready)
          switch probe.verdict {
          case .answered, .answeredInPlainText: cell = .talks
          case .refusedByCallee: cell = .refused
          default: cell = .noCall
          }
          if cell != .talks { cause = "first cause: \(probe.cause)" }
        } catch let stop as Stop {
          cell = .noCall
          cause = stop.reason
        }
        row.append(cell)
        if declared.contains(edge) && cell != .talks {
          disagreements.append("\(edge) is declared but does not talk: \(cause ?? "it was refused")")
        } else if !declared.contains(edge) && cell == .talks {
          disagreements.append("\(edge) talks, but the policy declares no such edge: \(callee.name) admits \(caller.identity)")
        } else if !declared.contains(edge) && cell == .noCall, let cause {
          disagreements.append("\(edge) could not be tried, so its refusal is not the policy's: \(cause)")
        }
      }
      observed.append(row)
    }
    let matrix = MeshMatrix.text(services.map(\.name), observed: observed, declared: declared)
    let pairs = services.count * (services.count - 1)
    let tried = services.reduce(0) { sum, caller in sum + services.filter { $0.name != caller.name && caller.calls($0) }.count }
    let notTried =
      untried.isEmpty
      ? ""
      : "; not tried, for the caller's Envoy has no upstream for a service it does not call: \(untried.joined(separator: ", "))"
    guard disagreements.isEmpty else {
      return .failed(
        reason: "\(disagreements.count) of \(tried) ordered pairs tried disagree with the policy; " + disagreements.joined(separator: "; ")
          + notTried + "\n" + matrix)
    }
    return .passed(
      detail: "\(tried) of \(pairs) ordered pairs of \(services.count) services tried (those whose caller calls the callee) agree with the policy"
        + notTried + "\n" + matrix)
  }

  // MARK: - Probing

  /// The two services of a two-service check.
  func pair(_ check: Check) -> Result<(MeshEndpoint, MeshEndpoint), Stop> {
    let names = check.arguments.compactMap(\.string)
    guard names.count == 2 else {
      return .failure(Stop(reason: "verify \(check.kind) takes two services (<trust domain>/<service>), not \(check.arguments.count)"))
    }
    let known = endpoints
    guard let caller = known[names[0]] else { return .failure(Stop(reason: unknown(names[0], among: known))) }
    guard let callee = known[names[1]] else { return .failure(Stop(reason: unknown(names[1], among: known))) }
    return .success((caller, callee))
  }

  func unknown(_ name: String, among known: [String: MeshEndpoint]) -> String {
    let close = Spelling.nearest(to: name, in: known.keys.sorted()).map { "; did you mean '\($0)'?" } ?? ""
    return "no mesh service named \(name) in the script (with a workload and a proxy)\(close)"
  }

  /// Both pods ready, the counters read, one request, the counters read again.
  func probe(_ caller: MeshEndpoint, _ callee: MeshEndpoint, ready: inout [String: String?]) async throws -> MeshProbe {
    try await provider.prepare()
    for endpoint in [caller, callee] {
      if ready.index(forKey: endpoint.name) == nil { ready[endpoint.name] = try await notReady(endpoint) }
      if let cause = ready[endpoint.name] ?? nil { throw Stop(reason: cause) }
    }
    let listener = EnvoyConfig.inboundListenerStats
    let upstream = EnvoyConfig.upstreamClusterStats(callee.service)
    let listenerBefore = try await counters(of: callee, under: listener)
    let upstreamBefore = try await counters(of: caller, under: upstream)
    let request = try await run(AWSCommands.requestThroughUpstream(caller, to: callee, kubeconfig: Runbook.kubeconfig), in: caller.cluster)
    let listenerAfter = try await counters(of: callee, under: listener)
    let upstreamAfter = try await counters(of: caller, under: upstream)
    let status = request.output.trimmingCharacters(in: .whitespacesAndNewlines)
    let said = lastWords(request)
    return MeshProbe(
      caller: caller, callee: callee, status: request.succeeded && !status.isEmpty ? status : nil,
      requestError: request.succeeded ? "" : "curl exited \(request.status)\(said.isEmpty ? "" : ": " + said)",
      listenerMoved: listenerAfter.moved(since: listenerBefore), upstreamMoved: upstreamAfter.moved(since: upstreamBefore))
  }

  /// Why a service's pod cannot be probed (not running), or `nil`.
  func notReady(_ endpoint: MeshEndpoint) async throws -> String? {
    let result = try await run(AWSCommands.readyReplicas(endpoint, kubeconfig: Runbook.kubeconfig), in: endpoint.cluster)
    guard result.succeeded else {
      return "first cause: \(endpoint.name)'s pod is not running: deployment/\(endpoint.workload) in \(endpoint.namespace) on "
        + "\(endpoint.cluster) could not be read: \(lastWords(result))"
    }
    let count = Int(result.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    guard count > 0 else {
      return "first cause: \(endpoint.name)'s pod is not running: deployment/\(endpoint.workload) in \(endpoint.namespace) on "
        + "\(endpoint.cluster) has no ready replica (kubectl get pods -n \(endpoint.namespace) shows why)"
    }
    return nil
  }

  /// The counters of a service's Envoy under a prefix.
  func counters(of endpoint: MeshEndpoint, under prefix: String) async throws -> EnvoyCounters {
    let result = try await run(AWSCommands.envoyStats(endpoint, under: prefix, kubeconfig: Runbook.kubeconfig), in: endpoint.cluster)
    guard result.succeeded else {
      let said = lastWords(result)
      if said.contains("container not found") || said.contains("not valid for pod") {
        throw Stop(reason: "first cause: \(endpoint.name)'s pod has no \(endpoint.proxy) container (\(said)); apply the workloads' manifest again")
      }
      throw Stop(reason: "first cause: \(endpoint.name)'s Envoy admin endpoint (127.0.0.1:\(EnvoyConfig.adminPort)) could not be read: \(said)")
    }
    return EnvoyCounters(parsing: result.output)
  }

  /// Runs a command in a cluster's context, writing the context into the runbook's kubeconfig first.
  func run(_ command: ShellCommand, in cluster: String) async throws -> CommandResult {
    if let manifest = provider.rendering.manifests.first(where: { $0.cluster == cluster }) {
      try await provider.kubeconfig(for: manifest)
    }
    return try await provider.runner.result(of: command, values: provider.values)
  }

  /// A command's last line of error (or output), trimmed.
  func lastWords(_ result: CommandResult) -> String {
    let said = (result.errorOutput.isEmpty ? result.output : result.errorOutput)
      .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    return said.last ?? ""
  }
}
