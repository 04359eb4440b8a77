public import Foundation
public import SteepleSPIRE

/// One workload `steeple serve` opens a Workload API socket for: the pod of an applied `mesh.service`,
/// attested as its proxy container is, so that its socket hands out exactly the SVID that service's
/// proxy presents.
public struct ServedWorkload: Sendable {
  /// The `mesh.service` resource name, `<td>/<service>`.
  public var service: String
  /// The file name of its socket: the service's name and `.sock` (`<td>-<service>.sock` when two
  /// trust domains have a service of that name).
  public var socketName: String
  /// The SPIFFE ID its entries give it.
  public var identity: SPIFFEID
  /// The SVIDs it holds now, the default one first; empty when the chain to them is broken.
  public var svids: [X509SVID]
  /// The bundles it trusts: its trust domain's, as its SPIRE server hands it out now.
  public var bundles: [TrustBundle]
  /// The first broken link of its SVID chain when it holds none.
  public var problem: String?
}

extension ServedMesh {
  /// The workloads of the applied services, with the SVIDs their agents hold and their trust
  /// domain's bundle at the modelled now. A service whose SPIFFE ID is not valid has none.
  public func workloads() async throws -> [ServedWorkload] {
    let run = try await MeshCheckRun.load(provider: provider)
    let services = run.services.values.sorted { $0.name < $1.name }
    let names = services.map { $0.name.split(separator: "/").last.map(String.init) ?? $0.name }
    var workloads: [ServedWorkload] = []
    for (index, service) in services.enumerated() {
      guard let identity = try? SPIFFEID(parsing: service.identity) else { continue }
      let shared = names.filter { $0 == names[index] }.count > 1
      let socketName = (shared ? "\(identity.trustDomain.name)-" : "") + names[index] + ".sock"
      var workload = ServedWorkload(service: service.name, socketName: socketName, identity: identity, svids: [], bundles: [])
      switch try await run.chain(of: service) {
      case .success(let svid): workload.svids = [svid]
      case .failure(let failure): workload.problem = failure.reason
      }
      if let ca = try provider.cloud.server(identity.trustDomain) { workload.bundles = [ca.bundle()] }
      workloads.append(workload)
    }
    return workloads
  }

  /// Runs the embedded SPIRE on to now, moving its modelled clock `seconds` further ahead (the
  /// faster time of `steeple serve --time-scale`): CAs rotate, agents renew the SVIDs past half their
  /// lifetime. Returns the modelled time.
  @discardableResult
  public func runSPIRE(advancingBy seconds: Int = 0) throws -> Date {
    try provider.cloud.runSPIRE(advancingBy: seconds)
  }

  /// Hands the listeners the renewed SVIDs and bundles of `workloads`, as SDS pushes them to Envoy:
  /// new connections get them while the listeners stay up. Says whether anything changed.
  @discardableResult
  public func renewSecrets(from workloads: [ServedWorkload]) async throws -> Bool {
    var changed = false
    for workload in workloads {
      guard let svid = workload.svids.first else { continue }
      if secrets.update(svid: svid, bundle: workload.bundles.first) { changed = true }
    }
    if changed { _ = try await plane.reloadSecrets() }
    return changed
  }

  /// The embedded SPIRE's modelled now.
  public func spireNow() throws -> Date { try provider.cloud.spireNow() }

  /// A JWT-SVID for `id` and `audience`, signed now by its trust domain's current JWT key, living for
  /// its entry's `jwt_svid_ttl` (SPIRE's 5 minutes by default).
  public func issueJWTSVID(for id: SPIFFEID, audience: [String]) throws -> JWTSVID {
    guard let ca = try provider.cloud.server(id.trustDomain) else {
      throw ServedWorkloadError.noServer(id.trustDomain)
    }
    let seconds = try provider.cloud.entries(id.trustDomain).entries.filter { $0.spiffeID == id }.map(\.jwtSVIDTTL).max() ?? 0
    return try ca.issueJWTSVID(
      for: id, audience: audience, ttl: seconds > 0 ? TimeInterval(seconds) : ServerCA.defaultJWTSVIDTTL, now: try spireNow())
  }
}

/// Why a served workload's SPIRE cannot answer.
public enum ServedWorkloadError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The trust domain has no SPIRE server in the state.
  case noServer(TrustDomain)

  public var description: String {
    switch self {
    case .noServer(let trustDomain): "the SPIRE server of '\(trustDomain)' is gone from the state"
    }
  }
}
