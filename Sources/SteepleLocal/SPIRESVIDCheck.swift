import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `verify svid TARGET`: the agent on the workload's node attests, an entry applies to the workload's
/// container (its k8s selectors, a mesh service's proxy included), and the agent holds a current SVID
/// for it, valid for at least `valid_for` seconds, with the expected `id` when one is given.
extension LocalProvider {
  /// What the check is about, read from the state.
  struct SVIDSubject {
    var label: String
    var pod: PodRecord
    var containers: [String]
    var expectedID: SPIFFEID?
    var agentSets: [SPIREAgentSetRecord]
    var now: Date
  }

  func checkSVID(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    guard check.arguments.count == 1, let target = check.arguments[0].string else {
      return .failed(reason: "verify svid takes one service (<trust domain>/<service>) or workload (<cluster>/<namespace>/<workload>)")
    }
    let container = check.fields[field: "container"]?.string
    var expectedID: SPIFFEID?
    if let text = check.fields[field: "id"]?.string {
      do {
        expectedID = try SPIFFEID(parsing: text)
      } catch {
        return .failed(reason: "id '\(text)' is not a SPIFFE ID: \(error)")
      }
    }
    let validFor = check.fields[field: "valid_for"]?.int ?? 0
    let found =
      if let session {
        try await session.meshRun().heldSVID(for: target, container: container, expectedID: expectedID, validFor: validFor)
      } else {
        try await heldSVID(for: target, container: container, expectedID: expectedID, validFor: validFor)
      }
    switch found {
    case .success(let found): return .passed(detail: found.detail)
    case .failure(let failure): return .failed(reason: failure.reason)
    }
  }

  /// The SVID an agent serving `target`'s node holds for it (its proxy `container` when given), after
  /// the chain held: the agent attests, an entry applies, the SVID is issued and current. The first
  /// broken link otherwise. Agents attest through `attestations` when given (once each per session).
  func heldSVID(
    for target: String, container: String?, expectedID: SPIFFEID?, validFor: Int, attestations: AgentAttestations? = nil
  ) async throws
    -> Result<(svid: X509SVID, detail: String), CheckFailure>
  {
    let wantedID = expectedID
    let clock = cloud.clock()
    let subject: SVIDSubject
    switch try cloud.read({ db in try Self.svidSubject(target, container: container, expectedID: wantedID, clock: clock, db) }) {
    case .failure(let failure): return .failure(failure)
    case .success(let found): subject = found
    }
    guard !subject.agentSets.isEmpty else {
      return .failure(CheckFailure("no SPIRE agents run in \(subject.pod.cluster): no spire.agents serves the node of \(subject.label)"))
    }
    var firstFailure: CheckFailure?
    for set in subject.agentSets {
      let outcome = try await heldSVID(subject, on: set, validFor: validFor, attestations: attestations)
      if case .success = outcome { return outcome }
      if case .failure(let failure) = outcome, firstFailure == nil { firstFailure = failure }
    }
    return .failure(firstFailure ?? CheckFailure("no agent set holds an SVID for \(subject.label)"))
  }

  /// The chain for one agent set: its agent on the pod's node attests, then the entries, then the SVID.
  func heldSVID(_ subject: SVIDSubject, on set: SPIREAgentSetRecord, validFor: Int, attestations: AgentAttestations?) async throws
    -> Result<(svid: X509SVID, detail: String), CheckFailure>
  {
    let clock = cloud.clock()
    let read = try cloud.read { db in try Self.agentSet(named: set.resourceName, clock: clock, db) }
    guard case .success(let (setup, pods, agents, _)) = read else { return .failure(CheckFailure("the agents \(set.resourceName) are gone")) }
    guard let agentPod = pods.first(where: { $0.node == subject.pod.node }) else {
      return .failure(CheckFailure("no agent of \(set.resourceName) runs on \(subject.pod.node), the node of \(subject.label)"))
    }
    // A stopped agent or server renews nothing, but the workload keeps the SVID it was given: what
    // is observable is its expiry. Running ones must attest now.
    let outage =
      set.stopped
      ? "the agents \(set.resourceName) are stopped" : setup.server.stopped ? "the SPIRE server of '\(set.trustDomain)' is stopped" : nil
    if outage == nil {
      do {
        _ = try await setup.attest(agentPod, cloud: cloud, remembering: attestations)
      } catch {
        return .failure(CheckFailure("first cause: \(error.cause): \(error.description); \(error.fix)"))
      }
    }
    let notRenewed = outage.map { ": it was not renewed, \($0)" } ?? ": it was not renewed"
    guard let agentRecord = agents.first(where: { $0.pod == agentPod.name }) else {
      return .failure(CheckFailure("the agent \(agentPod.cluster)/\(agentPod.namespace)/\(agentPod.name) was never attested: apply again"))
    }
    let trustDomain = setup.endpoint.trustDomain
    let agentID = try SPIFFEID(parsing: agentRecord.agentID)
    let (store, held, bundle) = try cloud.read { db in
      (
        try SPIREState.entries(trustDomain, in: db),
        try SPIREState.svids(trustDomain, heldBy: agentID, in: db),
        try SPIRERuntime.serverCA(trustDomain, db).bundle()
      )
    }
    let agentSelectors = Set(agentRecord.selectors)
    let authorized = store.authorizedEntries(agentID: agentID, agentSelectors: agentSelectors).filter {
      subject.expectedID == nil || $0.spiffeID == subject.expectedID
    }
    var applying: [(entry: RegistrationEntry, container: String)] = []
    var closest: (entry: RegistrationEntry, missing: [Selector], container: String)?
    for container in subject.containers {
      let selectors = Self.workloadSelectors(subject.pod, container: container)
      for entry in authorized {
        let missing = entry.missingSelectors(from: selectors)
        if missing.isEmpty { applying.append((entry, container)) }
        if closest == nil || missing.count < closest!.missing.count { closest = (entry, missing, container) }
      }
    }
    guard let match = applying.first else {
      let wanted = subject.expectedID.map { " for \($0)" } ?? ""
      guard let closest else {
        return .failure(CheckFailure(
          "first cause: no entry applies: no entry\(wanted) is authorized for the agent \(agentID) (parent its ID or a node entry whose selectors it has)"))
      }
      return .failure(CheckFailure(
        "first cause: no entry applies\(wanted) to \(subject.label): the closest, \(closest.entry.spiffeID) (entry \(closest.entry.id)), "
          + "lacks \(closest.missing.map(\.description).joined(separator: ", ")) for container \(closest.container)"))
    }
    guard let svid = held.first(where: { $0.entryID == match.entry.id })?.svid else {
      return .failure(CheckFailure("first cause: SVID not issued: the agent \(agentID) holds no SVID for \(match.entry.spiffeID) yet"))
    }
    let now = subject.now
    if svid.isExpired(at: now) {
      return .failure(CheckFailure(
        "first cause: SVID expired: \(svid.spiffeID) (serial \(svid.serialNumber)) expired at \(Self.time(svid.notAfter)) (now \(Self.time(now)))\(notRenewed)"))
    }
    guard bundle.x509Authorities.contains(svid.authority) else {
      return .failure(CheckFailure("first cause: SVID not current: \(svid.spiffeID) (serial \(svid.serialNumber)) was signed by a CA no longer in the bundle"))
    }
    let left = Int(svid.notAfter.timeIntervalSince(now))
    if validFor > 0, left < validFor {
      return .failure(CheckFailure(
        "first cause: SVID expires too soon: \(svid.spiffeID) (serial \(svid.serialNumber)) expires at \(Self.time(svid.notAfter)), in \(left)s, not valid for \(validFor)s"))
    }
    return .success((
      svid, "\(subject.label) (container \(match.container)) holds \(svid.spiffeID): serial \(svid.serialNumber), "
        + "expires \(Self.time(svid.notAfter)) (in \(left)s), chain of 2 to the CA in the bundle"))
  }

  /// The pod, its containers and the agent sets of its cluster, for a service or a workload.
  static func svidSubject(_ target: String, container: String?, expectedID: SPIFFEID?, clock: Date, _ db: Database) throws
    -> Result<SVIDSubject, CheckFailure>
  {
    let parts = target.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    var cluster: String, namespace: String, workload: String
    var expected = expectedID
    var proxies: [String] = []
    var trustDomain: String?
    if parts.count == 2 {
      guard let service = try StoredResource.find(ResourceAddress(type: "mesh.service", name: target), in: db) else {
        return .failure(CheckFailure("no mesh service named \(target) was applied"))
      }
      (cluster, namespace, workload) = (service.string("cluster"), service.string("namespace"), service.string("workload"))
      if expected == nil, let identity = service.optionalString("identity") { expected = try? SPIFFEID(parsing: identity) }
      trustDomain = parts[0]
    } else if parts.count == 3 {
      (cluster, namespace, workload) = (parts[0], parts[1], parts[2])
    } else {
      return .failure(CheckFailure("verify svid names a service (<trust domain>/<service>) or a workload (<cluster>/<namespace>/<workload>), not \(target)"))
    }
    for service in try StoredResource.filter(Column("type") == "mesh.service").fetchAll(db)
    where service.string("cluster") == cluster && service.string("namespace") == namespace && service.string("workload") == workload {
      if let proxy = service.optionalString("proxy") { proxies.append(proxy) }
    }
    guard let pod = try PodRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": workload]) else {
      return .failure(CheckFailure("no pod \(cluster)/\(namespace)/\(workload) runs"))
    }
    guard !pod.node.isEmpty else { return .failure(CheckFailure("the pod \(cluster)/\(namespace)/\(workload) is Pending: it has no node")) }
    var containers = pod.containers + proxies.filter { !pod.containers.contains($0) }
    if let container {
      guard containers.contains(container) else {
        return .failure(
          CheckFailure("the pod \(cluster)/\(namespace)/\(workload) has no container \(container) (it has \(containers.joined(separator: ", ")))"))
      }
      containers = [container]
    }
    if trustDomain == nil { trustDomain = expected?.trustDomain.name }
    var sets = try SPIREAgentSetRecord.filter(Column("cluster") == cluster).order(Column("trustDomain"), Column("name")).fetchAll(db)
    if let trustDomain { sets = sets.filter { $0.trustDomain == trustDomain } }
    return .success(
      SVIDSubject(
        label: target, pod: pod, containers: containers, expectedID: expected, agentSets: sets, now: try SPIRERuntime.now(clock, db)))
  }

  /// The selectors SPIRE's k8s workload attestor reports for one container of a pod.
  static func workloadSelectors(_ pod: PodRecord, container: String) -> Set<Selector> {
    var selectors = [
      ("ns", pod.namespace), ("sa", pod.serviceAccount), ("pod-name", pod.name), ("pod-uid", pod.uid), ("node-name", pod.node),
      ("container-name", container),
    ]
    for (key, value) in pod.labels { selectors.append(("pod-label", "\(key):\(value)")) }
    return Set(selectors.map { Selector(type: "k8s", value: "\($0):\($1)") })
  }
}
