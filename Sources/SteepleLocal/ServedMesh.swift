import Foundation
public import SteepleDataPlane

/// The data plane of the applied policy kept up (`steeple serve`): every `mesh.service` of the state
/// gets its listener, presenting the SVID its agents hold, on the embedded SPIRE's modelled clock.
/// Applies nothing; its counters go into the state when it stops.
public final class ServedMesh: Sendable {
  /// One service's listener, or why it has none.
  public struct Listener: Sendable, Hashable {
    /// The `mesh.service` resource name, `<td>/<service>`.
    public var service: String
    /// The SPIFFE ID its proxy presents.
    public var identity: String
    /// `strict`, `permissive` or `none`.
    public var tls: String
    /// Where it listens, `host:port`; nil when it has no listener.
    public var address: String?
    /// The first broken link of its SVID chain when it has no listener.
    public var problem: String?
  }

  /// The running data plane.
  public let plane: MeshDataPlane
  /// Every service's listener, by name.
  public let listeners: [Listener]
  /// The state it serves from: the workloads' sockets read their SVIDs and sign JWT-SVIDs through it.
  let provider: LocalProvider
  /// What the listeners present and trust, renewed by ``renewSecrets(from:)``.
  let secrets: ServedSecrets
  private var cloud: LocalCloud { provider.cloud }

  private init(plane: MeshDataPlane, listeners: [Listener], provider: LocalProvider, secrets: ServedSecrets) {
    self.plane = plane
    self.listeners = listeners
    self.provider = provider
    self.secrets = secrets
  }

  /// Starts the data plane of `provider`'s applied services. The clock runs on from the modelled now.
  public static func start(_ provider: LocalProvider) async throws -> ServedMesh {
    let run = try await MeshCheckRun.load(provider: provider)
    // The data plane's clock is the embedded SPIRE's, which `runSPIRE(advancingBy:)` may run ahead.
    let offset = run.now.timeIntervalSince(provider.cloud.clock())
    let cloud = provider.cloud
    let secrets = ServedSecrets()
    let plane = try await run.start(clock: { (try? cloud.spireNow()) ?? Date() + offset }, secrets: secrets)
    var listeners: [Listener] = []
    for service in run.services.values.sorted(by: { $0.name < $1.name }) {
      var listener = Listener(service: service.name, identity: service.identity, tls: service.tls)
      if let port = plane.port(of: service.name) {
        listener.address = "\(plane.listenerHost):\(port)"
      } else if case .failure(let failure) = try await run.chain(of: service) {
        listener.problem = failure.reason
      } else {
        listener.problem = plane.listenerProblem(of: service.name).map(\.description) ?? "it did not start"
      }
      listeners.append(listener)
    }
    return ServedMesh(plane: plane, listeners: listeners, provider: provider, secrets: secrets)
  }

  /// Closes every listener and keeps the counters in the state for `steeple stats`.
  public func stop() async throws {
    let snapshot = plane.stats()
    try await plane.stop()
    try await cloud.recordMeshStats(snapshot)
  }
}
