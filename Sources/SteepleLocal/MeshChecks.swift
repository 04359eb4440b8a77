import Foundation
import GRDB
import SteepleCatalog
import SteepleDataPlane
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `verify mtls`, `verify denied` and `verify all` against the data plane started from the applied
/// policy. Each failure names its first cause in the order the path is checked: the network between
/// the two workloads' pods, then each side's SVID chain as `verify svid` checks it (the agents serving
/// its node attest, an entry applies to its proxy container, the SVID is issued and current), then the
/// real handshake (the SVIDs presented, the SAN each side admits) and the request.
extension LocalProvider {
  /// `verify mtls A -> B`: a real mutual TLS handshake from A's upstream to B's listener, and one
  /// request answered behind it.
  func checkMTLS(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    let run: MeshCheckRun
    let from: MeshServiceRecord, to: MeshServiceRecord
    switch try await pairRun(check, in: session) {
    case .failure(let failure): return .failed(reason: failure.reason)
    case .success(let value): (run, from, to) = value
    }
    if let cause = try await run.firstCause(from: from, to: to) { return .failed(reason: cause) }
    let plane = try await run.start(only: [from.name, to.name])
    let outcome: CheckOutcome
    do {
      let report = try await plane.mtls(from: from.name, to: to.name)
      outcome = .passed(
        detail: "\(from.name) (\(report.clientID)) -> \(to.name) (\(report.serverID)): \(report.tlsVersion), "
          + "\(report.cipherSuite), answered\ncounters moved: \(MeshCheckRun.describe(report.countersMoved))")
    } catch {
      outcome = .failed(reason: "first cause: handshake: \(error)")
    }
    try await run.finish(plane)
    return outcome
  }

  /// `verify denied A -> B`: A's proxy, holding its SVID, dials B's listener directly; passes only when
  /// the handshake fails because B does not admit A's ID.
  func checkDenied(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    let run: MeshCheckRun
    let from: MeshServiceRecord, to: MeshServiceRecord
    switch try await pairRun(check, in: session) {
    case .failure(let failure): return .failed(reason: failure.reason)
    case .success(let value): (run, from, to) = value
    }
    if let cause = try await run.firstCause(from: from, to: to) {
      return .failed(reason: "the path broke before the policy could refuse \(from.name): \(cause)")
    }
    let plane = try await run.start(only: [from.name, to.name])
    let report = await plane.denied(from: from.name, to: to.name)
    try await run.finish(plane)
    let moved = MeshCheckRun.describe(report.countersMoved)
    if report.deniedByPolicy {
      return .passed(detail: "\(to.name) refused \(from.name) (\(from.identity)): its ID is not admitted\ncounters moved: \(moved)")
    }
    guard let failure = report.failure else {
      return .failed(reason: "\(from.name) -> \(to.name) went through: \(to.name) admits \(from.identity) (counters moved: \(moved))")
    }
    return .failed(reason: "\(to.name) did not refuse \(from.name) for the policy's reason: first cause: handshake: \(failure)")
  }

  /// `verify all`: every ordered pair of the services, observed through the data plane beside what the
  /// policy declares (the check's `declared` field); any disagreement fails with its first cause.
  func checkAll(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    let names = check.arguments.compactMap(\.string)
    let declared = Set(check.fields[field: "declared"]?.list?.compactMap(\.string) ?? [])
    guard !names.isEmpty else { return .passed(detail: "no mesh service was applied: no ordered pair to check") }
    let run = try await meshRun(in: session)
    var services: [MeshServiceRecord] = []
    for name in names {
      guard let service = run.services[name] else { return .failed(reason: run.unknown(name)) }
      services.append(service)
    }
    let plane = try await run.start()
    var observed: [[MeshCell]] = []
    var disagreements: [String] = []
    for from in services {
      var row: [MeshCell] = []
      for to in services {
        guard from.name != to.name else {
          row.append(.noCall)
          continue
        }
        let edge = "\(from.name) -> \(to.name)"
        let shouldTalk = declared.contains(edge)
        let cell: MeshCell
        var cause: String?
        if let broken = try await run.firstCause(from: from, to: to) {
          cell = .noCall
          cause = broken
        } else {
          let report = await plane.denied(from: from.name, to: to.name)
          if let failure = report.failure {
            cell = failure.isPolicyDenial ? .refused : .noCall
            cause = "first cause: handshake: \(failure)"
          } else {
            cell = .talks
          }
        }
        row.append(cell)
        if shouldTalk && cell != .talks {
          disagreements.append("\(edge) is declared but does not talk: \(cause ?? "it was refused")")
        } else if !shouldTalk && cell == .talks {
          disagreements.append("\(edge) talks, but the policy declares no such edge: \(to.name) admits \(from.identity) on the data plane")
        } else if !shouldTalk && cell == .noCall, let cause {
          disagreements.append("\(edge) could not be tried, so its refusal is not the policy's: \(cause)")
        }
      }
      observed.append(row)
    }
    try await run.finish(plane)
    let matrix = MeshMatrix.text(services.map(\.name), observed: observed, declared: declared)
    guard disagreements.isEmpty else {
      return .failed(
        reason: "\(disagreements.count) of \(services.count * (services.count - 1)) ordered pairs disagree with the policy; "
          + disagreements.joined(separator: "; ") + "\n" + matrix)
    }
    return .passed(detail: "\(services.count * (services.count - 1)) ordered pairs of \(services.count) services agree with the policy\n\(matrix)")
  }

  /// The run and the two services of a two-service check.
  private func pairRun(_ check: Check, in session: LocalCheckSession?) async throws
    -> Result<(MeshCheckRun, MeshServiceRecord, MeshServiceRecord), CheckFailure>
  {
    let names = check.arguments.compactMap(\.string)
    guard names.count == 2 else {
      return .failure(CheckFailure("verify \(check.kind) takes two services (<trust domain>/<service>), not \(check.arguments.count)"))
    }
    let run = try await meshRun(in: session)
    guard let from = run.services[names[0]] else { return .failure(CheckFailure(run.unknown(names[0]))) }
    guard let to = run.services[names[1]] else { return .failure(CheckFailure(run.unknown(names[1]))) }
    return .success((run, from, to))
  }
}

/// What the mesh checks of one run read and found: the applied policy, the modelled now, each
/// service's SVID chain and each path between two services' pods (each worked out once), and the
/// data planes it starts, whose counters are kept when they stop. One check's on its own; in a
/// ``LocalCheckSession``, every check's of the run.
actor MeshCheckRun {
  let provider: LocalProvider
  let services: [String: MeshServiceRecord]
  let allows: [MeshAllowRecord]
  let now: Date
  /// The session's attestations, which the chains share; nil for a check on its own.
  let attestations: AgentAttestations?
  private var held: [HeldSVIDQuestion: Result<(svid: X509SVID, detail: String), CheckFailure>] = [:]
  private var networks: [String: String?] = [:]
  private var endpoints: [String: Result<(ip: String, vpc: String?), ProviderError>] = [:]
  private var network: Reachability.Network?

  private init(
    provider: LocalProvider, services: [MeshServiceRecord], allows: [MeshAllowRecord], now: Date, attestations: AgentAttestations?
  ) {
    self.provider = provider
    self.attestations = attestations
    self.services = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
    self.allows = allows
    self.now = now
  }

  /// The policy as the state holds it; the chains attest through `attestations` when given.
  static func load(provider: LocalProvider, attestations: AgentAttestations? = nil) async throws -> MeshCheckRun {
    let (services, allows) = try provider.cloud.read { db in
      (try MeshServiceRecord.order(Column("name")).fetchAll(db), try MeshAllowRecord.order(Column("name")).fetchAll(db))
    }
    return MeshCheckRun(
      provider: provider, services: services, allows: allows, now: try provider.cloud.spireNow(), attestations: attestations)
  }

  /// A service name that names nothing, with the closest one.
  nonisolated func unknown(_ name: String) -> String {
    let close = NameSuggestion.closest(to: name, in: services.keys.sorted()).map { "; did you mean '\($0)'?" } ?? ""
    return "no mesh service named \(name) was applied\(close)"
  }

  /// The first broken link before the handshake, from `from` to `to`: the network between their pods,
  /// then `from`'s SVID chain, then `to`'s (a `tls: none` listener needs none).
  func firstCause(from: MeshServiceRecord, to: MeshServiceRecord) async throws -> String? {
    if let cause = try await network(from: from, to: to) { return cause }
    if case .failure(let failure) = try await chain(of: from) { return "\(from.name)'s proxy \(from.proxy): \(failure.reason)" }
    if to.tls != TLSMode.none.rawValue, case .failure(let failure) = try await chain(of: to) {
      return "\(to.name)'s proxy \(to.proxy): \(failure.reason)"
    }
    return nil
  }

  private func network(from: MeshServiceRecord, to: MeshServiceRecord) async throws -> String? {
    let key = "\(from.name) -> \(to.name)"
    if let known = networks[key] { return known }
    let source = "\(from.cluster)/\(from.namespace)/\(from.workload)"
    let destination = "\(to.cluster)/\(to.namespace)/\(to.workload)"
    var cause: String?
    do {
      let start = try await endpoint(source)
      let end = try await endpoint(destination)
      let report = try routes().report(from: start.ip, sourceVPC: start.vpc, to: end.ip)
      if !report.reachable {
        cause = "first cause: network: \(source) cannot reach \(destination): \(report.explanation) (after \(report.hops.joined(separator: " -> ")))"
      }
    } catch let error as ProviderError {
      cause = "first cause: network: \(error.message)"
    }
    networks[key] = cause
    return cause
  }

  /// The network the run traces its paths through, read at the first path.
  private func routes() throws -> Reachability.Network {
    if let network { return network }
    let read = try provider.cloud.reachabilityNetwork()
    network = read
    return read
  }

  /// A workload's pod address and VPC, read once per workload in the run.
  private func endpoint(_ workload: String) async throws -> (ip: String, vpc: String?) {
    if let known = endpoints[workload] { return try known.get() }
    let found: Result<(ip: String, vpc: String?), ProviderError>
    do { found = .success(try await provider.endpoint(workload)) } catch let error as ProviderError { found = .failure(error) }
    endpoints[workload] = found
    return try found.get()
  }

  /// The SVID the agents hold for `service`'s proxy container, or the first broken link of its chain.
  func chain(of service: MeshServiceRecord) async throws -> Result<X509SVID, CheckFailure> {
    let expected = try? SPIFFEID(parsing: service.identity)
    return try await heldSVID(for: service.name, container: service.proxy, expectedID: expected, validFor: 0).map { $0.svid }
  }

  /// What `verify svid` finds for `target` (``LocalProvider/heldSVID(for:container:expectedID:validFor:)``),
  /// worked out once per question in the run.
  func heldSVID(for target: String, container: String?, expectedID: SPIFFEID?, validFor: Int) async throws
    -> Result<(svid: X509SVID, detail: String), CheckFailure>
  {
    let question = HeldSVIDQuestion(target: target, container: container, expectedID: expectedID, validFor: validFor)
    if let known = held[question] { return known }
    let result = try await provider.heldSVID(
      for: target, container: container, expectedID: expectedID, validFor: validFor, attestations: attestations)
    held[question] = result
    return result
  }

  /// The data plane's configuration: one service per applied `mesh.service`, admitting its own
  /// `allow` list and every `mesh.allow` naming it.
  nonisolated func configurations(of names: Set<String>? = nil) -> [MeshServiceConfiguration] {
    let serving = names.map { names in services.values.filter { names.contains($0.name) } } ?? Array(services.values)
    let present = Set(serving.map(\.name))
    return serving.sorted { $0.name < $1.name }.compactMap { service in
      guard let identity = try? SPIFFEID(parsing: service.identity) else { return nil }
      let ids = service.allow + allows.filter { $0.to == service.name }.map(\.from)
      return MeshServiceConfiguration(
        name: service.name, identity: identity, tls: TLSMode(rawValue: service.tls) ?? .strict,
        admitted: Set(ids.compactMap { try? SPIFFEID(parsing: $0) }), calls: service.calls.filter { present.contains($0) })
    }
  }

  /// Starts the data plane with every service's held SVID (those whose chain held) and its trust
  /// domain's bundle, on `clock` (the modelled now of the check when not given). With `names`, only
  /// those services: a check of one edge starts its two proxies, not the whole mesh's. With
  /// `secrets`, the plane reads them from there (seeded with the same), so that they can be renewed
  /// as it runs.
  func start(
    only names: Set<String>? = nil, clock: (@Sendable () -> Date)? = nil, secrets: ServedSecrets? = nil
  ) async throws -> MeshDataPlane {
    var svids: [SPIFFEID: X509SVID] = [:]
    var bundles: [TrustDomain: TrustBundle] = [:]
    for service in services.values.sorted(by: { $0.name < $1.name }) where names?.contains(service.name) ?? true {
      guard let identity = try? SPIFFEID(parsing: service.identity) else { continue }
      if case .success(let svid) = try await chain(of: service), svids[identity] == nil { svids[identity] = svid }
      if bundles[identity.trustDomain] == nil {
        bundles[identity.trustDomain] = try? provider.cloud.read { db in
          try SPIRERuntime.serverCA(identity.trustDomain, db).bundle()
        }
      }
    }
    let now = self.now
    let tick: @Sendable () -> Date = clock ?? { now }
    if let secrets {
      secrets.replace(svids: svids, bundles: bundles)
      return try await MeshDataPlane.start(services: configurations(of: names), source: secrets, clock: tick)
    }
    let held = svids
    let trusted = bundles
    let source = ClosureSecretSource(
      svid: { id in
        guard let svid = held[id] else { throw MeshSecretMissing(what: "the agents hold no current SVID for it") }
        return svid
      },
      bundle: { trustDomain in
        guard let bundle = trusted[trustDomain] else { throw MeshSecretMissing(what: "no SPIRE server of \(trustDomain) was applied") }
        return bundle
      })
    return try await MeshDataPlane.start(services: configurations(of: names), source: source, clock: tick)
  }

  /// Stops the data plane and keeps its counters in the state for `steeple stats`.
  func finish(_ plane: MeshDataPlane) async throws {
    let snapshot = plane.stats()
    try await plane.stop()
    try await provider.cloud.recordMeshStats(snapshot)
  }

  /// Counters that moved, as `scope.stat +n`.
  static func describe(_ moved: [StatsScope: [EnvoyStat: UInt64]]) -> String {
    let parts = moved.keys.sorted().flatMap { scope in
      (moved[scope] ?? [:]).sorted { $0.key < $1.key }.map { "\(scope).\($0.key.rawValue) +\($0.value)" }
    }
    return parts.isEmpty ? "none" : parts.joined(separator: ", ")
  }
}

/// One question `verify svid` asks of the agents, as a run remembers its answer.
struct HeldSVIDQuestion: Hashable {
  var target: String
  var container: String?
  var expectedID: SPIFFEID?
  var validFor: Int
}

/// The SPIRE state has no secret for a proxy: why, as the data plane reports it.
struct MeshSecretMissing: Error, CustomStringConvertible {
  let what: String
  var description: String { what }
}
