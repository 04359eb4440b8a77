import Foundation
import SteepleEngine
import SteepleModel
import SteepleSyntax

/// `verify reachable X -> Y` through the VPC Reachability Analyzer: each endpoint resolved to the
/// network interface that holds its address (a pod's address, with the VPC CNI, is a secondary
/// address of its node's interface), a network insights path from one to the other created with the
/// source's account's profile, an analysis started and read until it finishes, then the analysis and
/// the path deleted. It reports `NetworkPathFound` and, when false, the explanation codes AWS gives.
struct ReachabilityCheck {
  let provider: AWSProvider
  /// The reads of an analysis before giving up (a pause between two: ten minutes).
  static let analysisTries = 60

  /// One end of the path: what the script named, its address, the interface holding it, and the
  /// account that interface is in.
  struct End {
    let name: String
    let address: String
    let interface: String
    let access: AccountAccess
  }

  struct Stop: Error {
    let reason: String
  }

  func run(_ check: Check) async throws -> CheckOutcome {
    let names = check.arguments.compactMap(\.string)
    guard names.count == 2 else {
      return .failed(reason: "verify reachable takes two endpoints (pods as <cluster>/<namespace>/<pod>, or addresses), not \(check.arguments.count)")
    }
    try await provider.prepare()
    let source: End, destination: End
    do {
      source = try await end(names[0])
      destination = try await end(names[1])
    } catch let stop as Stop {
      return .failed(reason: stop.reason)
    }
    return try await analyse(from: source, to: destination)
  }

  // MARK: - Endpoints

  /// Resolves what the script named to an address and the interface that holds it.
  func end(_ name: String) async throws -> End {
    let (address, access): (String, AccountAccess)
    if CIDRBlock(name + "/32") != nil {
      guard let owner = account(holding: name) else {
        throw Stop(reason: "no VPC of the script holds \(name), so no account's profile can look up its network interface")
      }
      (address, access) = (name, owner)
    } else {
      (address, access) = try await podAddress(name)
    }
    let lookup = AWSCommands.networkInterface(holding: ShellWord(address), access: access)
    let found = try await provider.runner.result(of: lookup, values: provider.values)
    let interface = found.output.trimmingCharacters(in: .whitespacesAndNewlines)
    guard found.succeeded else {
      throw Stop(reason: "first cause: the network interface of \(name) could not be looked up: \(CommandFailure.error(for: lookup, found).message)")
    }
    guard !interface.isEmpty, interface != "None" else {
      throw Stop(reason: "first cause: no network interface in account \(access.account) (\(access.region)) holds \(address), the address of \(name)")
    }
    return End(name: name, address: address, interface: interface, access: access)
  }

  /// The account whose declared VPC holds an address.
  func account(holding address: String) -> AccountAccess? {
    guard let host = CIDRBlock(address + "/32") else { return nil }
    let vpcs = provider.context.resources.values.filter { $0.address.type == "ec2.vpc" }.sorted { $0.address < $1.address }
    for vpc in vpcs {
      guard let cidr = vpc[attribute: "cidr"]?.string.flatMap(CIDRBlock.init), cidr.contains(host),
        let account = vpc[attribute: "account"]?.string ?? vpc.placement.account
      else { continue }
      return provider.context.accessByAccount[account]
    }
    return nil
  }

  /// A pod's address, read from its cluster by its workload's labels, and its cluster's account.
  func podAddress(_ name: String) async throws -> (String, AccountAccess) {
    let pods = provider.context.resources.values.filter { $0.address.type == "k8s.pod" }
    let matching = pods.filter { $0.address.name == name || $0.address.name.hasSuffix("/" + name) }.sorted { $0.address < $1.address }
    guard let pod = matching.first else {
      let close = Spelling.nearest(to: name, in: pods.map(\.address.name).sorted()).map { "; did you mean '\($0)'?" } ?? ""
      throw Stop(reason: "no address or pod named \(name) in the script\(close)")
    }
    guard matching.count == 1 else {
      throw Stop(reason: "\(name) names \(matching.count) pods (\(matching.map(\.address.name).joined(separator: ", "))): write <cluster>/<namespace>/<pod>")
    }
    guard let cluster = pod[attribute: "cluster"]?.string, let manifest = provider.rendering.manifests.first(where: { $0.cluster == cluster }) else {
      throw Stop(reason: "pod \(pod.address.name) is in no cluster the rendering applies manifests to")
    }
    let namespace = pod[attribute: "namespace"]?.string ?? "default"
    try await provider.kubeconfig(for: manifest)
    let command = AWSCommands.podIP(cluster: cluster, namespace: namespace, selector: Self.selector(of: pod), kubeconfig: Runbook.kubeconfig)
    let result = try await provider.runner.result(of: command, values: provider.values)
    let address = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    guard result.succeeded else {
      throw Stop(reason: "first cause: the pods of \(pod.address.name) could not be listed: \(CommandFailure.error(for: command, result).message)")
    }
    guard !address.isEmpty else {
      throw Stop(reason: "first cause: \(pod.address.name) has no running pod, so it has no address (kubectl get pods -n \(namespace) shows why)")
    }
    return (address, manifest.access)
  }

  /// The label selector of a workload's pods, as the renderer labels them (its labels, else `app=<name>`).
  static func selector(of pod: Resource) -> String {
    var pairs: [String] = []
    if case .record(let fields)? = pod[attribute: "labels"] {
      pairs = fields.compactMap { field in field.value.string.map { "\(field.name)=\($0)" } }
    }
    return pairs.isEmpty ? "app=\(pod.address.name.split(separator: "/").last ?? "")" : pairs.joined(separator: ",")
  }

  // MARK: - The analysis

  /// The destination as the source's account names it: its interface ID in the same account, its ARN in another.
  static func destinationWord(_ destination: End, from source: End) -> String {
    guard destination.access.account != source.access.account, let id = destination.access.id else { return destination.interface }
    return "arn:aws:ec2:\(destination.access.region):\(id):network-interface/\(destination.interface)"
  }

  func analyse(from source: End, to destination: End) async throws -> CheckOutcome {
    let access = source.access
    let runner = provider.runner
    let create = AWSCommands.createInsightsPath(
      source: ShellWord(source.interface), destination: ShellWord(Self.destinationWord(destination, from: source)),
      destinationIP: ShellWord(destination.address), access: access)
    let path: String
    do {
      path = try await runner.output(of: create).trimmingCharacters(in: .whitespacesAndNewlines)
    } catch let error as ProviderError {
      return .failed(reason: "first cause: the Reachability Analyzer path could not be created: \(error.message)")
    }
    var analysis: String?
    let outcome: CheckOutcome
    do {
      let started = try await runner.output(of: AWSCommands.startInsightsAnalysis(path: ShellWord(path), access: access))
      analysis = started.trimmingCharacters(in: .whitespacesAndNewlines)
      outcome = try await finish(analysis ?? "", from: source, to: destination)
    } catch let error as ProviderError {
      outcome = .failed(reason: "first cause: the Reachability Analyzer could not be run: \(error.message)")
    }
    // The path is left behind only when its deletion fails, which the outcome then says.
    var leftovers: [String] = []
    if let analysis, !analysis.isEmpty,
      !(try await runner.result(of: AWSCommands.deleteInsightsAnalysis(ShellWord(analysis), access: access))).succeeded
    {
      leftovers.append("analysis \(analysis)")
    }
    if !(try await runner.result(of: AWSCommands.deleteInsightsPath(ShellWord(path), access: access))).succeeded {
      leftovers.append("path \(path)")
    }
    guard !leftovers.isEmpty else { return outcome }
    let note = "\n(could not delete the \(leftovers.joined(separator: " and ")); delete it with aws ec2 delete-network-insights-*)"
    switch outcome {
    case .passed(let detail): return .passed(detail: detail + note)
    case .failed(let reason): return .failed(reason: reason + note)
    case .unsupported(let reason): return .unsupported(reason: reason + note)
    }
  }

  /// Reads the analysis until it is no longer running, and says what it found.
  func finish(_ analysis: String, from source: End, to destination: End) async throws -> CheckOutcome {
    let describe = AWSCommands.describeInsightsAnalysis(ShellWord(analysis), access: source.access)
    for attempt in 1...Self.analysisTries {
      let report = InsightsAnalysis(json: try await provider.runner.output(of: describe))
      if report.status != "running" {
        return report.outcome(
          from: "\(source.name) (\(source.address), \(source.interface))",
          to: "\(destination.name) (\(destination.address), \(destination.interface))", analysis: analysis)
      }
      if attempt < Self.analysisTries { try await provider.pause() }
    }
    return .failed(
      reason: "the Reachability Analyzer's analysis \(analysis) was still running after \(Self.analysisTries) reads; read it later with "
        + describe.shellText)
  }
}

/// What `describe-network-insights-analyses` says of one analysis.
struct InsightsAnalysis: Hashable, Sendable {
  var status: String
  var statusMessage: String?
  var pathFound: Bool?
  /// Each explanation as `CODE` or `CODE (component)`.
  var explanations: [String]

  init(status: String, statusMessage: String? = nil, pathFound: Bool?, explanations: [String]) {
    self.status = status
    self.statusMessage = statusMessage
    self.pathFound = pathFound
    self.explanations = explanations
  }

  init(json: String) {
    let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
    let analysis = (object?["NetworkInsightsAnalyses"] as? [[String: Any]])?.first ?? [:]
    status = analysis["Status"] as? String ?? "unknown"
    statusMessage = analysis["StatusMessage"] as? String
    pathFound = analysis["NetworkPathFound"] as? Bool
    explanations = ((analysis["Explanations"] as? [[String: Any]]) ?? []).compactMap { explanation in
      guard let code = explanation["ExplanationCode"] as? String else { return nil }
      let component = (explanation["Component"] as? [String: Any])?["Id"] as? String
      return component.map { "\(code) (\($0))" } ?? code
    }
  }

  func outcome(from source: String, to destination: String, analysis: String) -> CheckOutcome {
    guard status == "succeeded" else {
      return .failed(reason: "the Reachability Analyzer's analysis \(analysis) \(status)\(statusMessage.map { ": \($0)" } ?? "")")
    }
    if pathFound == true { return .passed(detail: "\(source) reaches \(destination): NetworkPathFound true (analysis \(analysis))") }
    let why = explanations.isEmpty ? "AWS gave no explanation code" : "AWS explains: " + explanations.joined(separator: ", ")
    return .failed(reason: "\(source) cannot reach \(destination): NetworkPathFound false; \(why) (analysis \(analysis))")
  }
}
