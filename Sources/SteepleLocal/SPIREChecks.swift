import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `verify attested` and `verify svid` against the embedded SPIRE. Each failure names its first cause
/// in the order the chain is checked: network (where the packet drops), then node attestation
/// (cluster name, TokenReview, allow list), trust domain and bootstrap bundle (missing or stale);
/// for an SVID, then the entries (none applies: the closest and the selectors it lacks), then the
/// SVID itself (expired, signed by a CA no longer in the bundle, or not valid for `valid_for`).
extension LocalProvider {
  /// Applies a check's `stop:` and then its `after:` to the modelled clock.
  func applyClockFields(of check: Check) async throws {
    let stop = check.fields[field: "stop"]?.list?.compactMap(\.string) ?? []
    let after = check.fields[field: "after"]?.int ?? 0
    guard !stop.isEmpty || after != 0 else { return }
    try cloud.advanceSPIREClock(by: after, stopping: stop)
  }

  /// `verify attested "<td>/<agents>"`: every agent of the set attests now, and holds a current SVID.
  func checkAttested(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    guard check.arguments.count == 1, let name = check.arguments[0].string else {
      return .failed(reason: "verify attested takes one spire.agents resource name, <trust domain>/<name>")
    }
    let clock = cloud.clock()
    let read = try await cloud.pool.read { db in try Self.agentSet(named: name, clock: clock, db) }
    let found: (SPIREAttestationSetup, [AgentPod], [SPIREAgentRecord], Date)
    switch read {
    case .failure(let failure): return .failed(reason: failure.reason)
    case .success(let value): found = value
    }
    let (setup, pods, agents, now) = found
    guard !setup.set.stopped else { return .failed(reason: "the agents \(name) are stopped: they attest nothing and renew nothing") }
    guard !pods.isEmpty else { return .failed(reason: "no agent of \(name) runs: \(setup.set.cluster) has no node") }
    for pod in pods {
      do {
        _ = try await setup.attest(pod, cloud: cloud, remembering: await session?.agentAttestations())
      } catch {
        return .failed(reason: "first cause: \(error.cause): \(error.description); \(error.fix)")
      }
    }
    var ids: [String] = []
    for pod in pods {
      guard let agent = agents.first(where: { $0.pod == pod.name }) else {
        return .failed(reason: "the agent \(pod.cluster)/\(pod.namespace)/\(pod.name) was never attested: apply again")
      }
      let notAfter = Date(timeIntervalSince1970: try await cloud.pool.read { db in try Self.agentNotAfter(agent, db) })
      guard now <= notAfter else {
        return .failed(
          reason: "first cause: SVID expired: the agent \(agent.agentID)'s SVID expired at \(Self.time(notAfter)) (now \(Self.time(now))): it was not renewed")
      }
      ids.append(agent.agentID)
    }
    return .passed(detail: "\(ids.count) agent\(ids.count == 1 ? "" : "s") of \(name) attested: \(ids.joined(separator: ", "))")
  }

  static func agentSet(named name: String, clock: Date, _ db: Database) throws
    -> Result<(SPIREAttestationSetup, [AgentPod], [SPIREAgentRecord], Date), CheckFailure>
  {
    let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
    guard parts.count == 2, let trustDomain = try? TrustDomain(parts[0]),
      let setup = try SPIREAttestationSetup.read(trustDomain: trustDomain, name: parts[1], db)
    else {
      let known = try SPIREAgentSetRecord.fetchAll(db).map(\.resourceName)
      let close = NameSuggestion.closest(to: name, in: known).map { ": did you mean '\($0)'?" } ?? ""
      return .failure(CheckFailure("no agents named \(name) were applied\(close)"))
    }
    let cluster = try ClusterRecord.named(setup.set.cluster, in: db)
    let pods = try AgentDaemonSet.agents(of: AgentDaemonSet.daemonSetName, cluster: cluster, namespace: setup.set.namespace, db)
    return .success((setup, pods, try SPIRERuntime.agentRecords(of: setup.set, db), try SPIRERuntime.now(clock, db)))
  }

  static func agentNotAfter(_ agent: SPIREAgentRecord, _ db: Database) throws -> Double {
    try SPIREState.restore(
      certificate: agent.certificate, authority: agent.authority, serial: agent.serial, trustDomain: agent.trustDomain, in: db
    ).notAfter.timeIntervalSince1970
  }

  static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

/// A check's failure reason, as an error a `Result` can carry.
struct CheckFailure: Error {
  let reason: String
  init(_ reason: String) { self.reason = reason }
}
