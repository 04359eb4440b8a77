public import Foundation
public import NIOCore
import NIOConcurrencyHelpers
import NIOPosix
import NIOSSL
import SteepleSPIRE

/// A mesh's data plane on loopback: per service a listener on an ephemeral port that presents the
/// service's current X.509-SVID and admits only the SPIFFE IDs of its policy (`strict`; `permissive`
/// also takes plain text; `none` is plain), with a workload stand-in behind it that answers one
/// HTTP/1.1 request; per `calls` entry an upstream that presents the caller's SVID and accepts only the
/// backend's identity; Envoy-named `ssl.*` counters for both; and the checks `verify` runs.
///
/// Certificates are validated at the time `clock` gives (the local provider's modelled clock), never
/// by BoringSSL against the wall clock. Secrets come from a ``SecretSource`` by SPIFFE ID and are read
/// again by ``reloadSecrets()``, which rotates them without dropping any listener.
///
/// Driving it from the contract's checks: `mtls [A, B]` passes when ``mtls(from:to:)`` returns (its
/// ``MTLSReport`` has both IDs, the version, the suite and the counters that moved) and fails with the
/// thrown ``PathFailure``; `denied [A, B]` passes when ``denied(from:to:)``'s report is
/// ``DenialReport/deniedByPolicy`` and otherwise fails with its ``DenialReport/failure`` (an earlier
/// broken link) or, when nil, because the request went through; `all` is either of the two for each
/// ordered pair; `steeple stats` prints ``stats()``'s ``StatsSnapshot/lines``.
public final class MeshDataPlane: Sendable {
  /// The services, by name.
  private let runtimes: [String: ServiceRuntime]
  private let order: [String]
  private let source: any SecretSource
  private let group: any EventLoopGroup
  private let ownsGroup: Bool
  private let host: String
  private let clock: @Sendable () -> Date
  private let listeners = NIOLockedValueBox([String: any Channel]())
  private let upstreamCounters = NIOLockedValueBox([StatsScope: CounterSet]())

  private init(
    services: [MeshServiceConfiguration], source: any SecretSource, group: (any EventLoopGroup)?, host: String,
    clock: @escaping @Sendable () -> Date
  ) throws(DataPlaneConfigurationError) {
    var runtimes: [String: ServiceRuntime] = [:]
    for service in services {
      guard runtimes[service.name] == nil else { throw .duplicateService(service.name) }
      runtimes[service.name] = ServiceRuntime(configuration: service, source: source)
    }
    var upstreams: [StatsScope: CounterSet] = [:]
    for service in services {
      for call in service.calls {
        guard runtimes[call] != nil else { throw .unknownCall(service: service.name, call: call) }
        upstreams[.upstream(from: service.name, to: call)] = CounterSet()
      }
    }
    self.runtimes = runtimes
    order = services.map(\.name)
    self.source = source
    self.group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
    ownsGroup = group == nil
    self.host = host
    self.clock = clock
    upstreamCounters.withLockedValue { $0 = upstreams }
  }

  /// Starts the listeners of `services` on `host` (loopback), each on an ephemeral port. A service
  /// whose SVID the source does not have gets no listener (``listenerProblem(of:)`` says why) and its
  /// upstreams fail their checks with that first cause; the others start. Runs on `group`, or on an
  /// event loop thread of its own that ``stop()`` shuts down.
  public static func start(
    services: [MeshServiceConfiguration], source: any SecretSource, group: (any EventLoopGroup)? = nil,
    host: String = "127.0.0.1", clock: @escaping @Sendable () -> Date = { Date() }
  ) async throws -> MeshDataPlane {
    let plane = try MeshDataPlane(services: services, source: source, group: group, host: host, clock: clock)
    do {
      for name in plane.order { try await plane.bind(name) }
    } catch {
      try? await plane.stop()
      throw error
    }
    return plane
  }

  private func bind(_ name: String) async throws {
    guard let runtime = runtimes[name] else { return }
    if runtime.configuration.tls != .none, case .failure = runtime.identity { return }
    let clock = self.clock
    let channel = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try ListenerPipeline.install(on: channel, runtime: runtime, clock: clock) }
      }
      .bind(host: host, port: 0).get()
    listeners.withLockedValue { $0[name] = channel }
  }

  /// The names of the services, in the order given.
  public var services: [String] { order }

  /// The port of `service`'s listener, or nil when it has none.
  public func port(of service: String) -> Int? { listeners.withLockedValue { $0[service]?.localAddress?.port } }

  /// The host every listener is bound to.
  public var listenerHost: String { host }

  /// Why `service` has no listener (its SVID is unavailable), or nil.
  public func listenerProblem(of service: String) -> SecretUnavailable? {
    guard let runtime = runtimes[service], runtime.configuration.tls != .none, case .failure(let problem) = runtime.identity
    else { return nil }
    return problem
  }

  /// Reads every service's SVID and bundle again from the source (SDS's push): connections from now on
  /// present the new SVID and validate against the new bundle; listeners stay bound. A service that
  /// had no listener for want of an SVID gets one. Returns what the source could not give (those keep
  /// their last good secrets).
  @discardableResult
  public func reloadSecrets() async throws -> [SecretUnavailable] {
    var problems: [SecretUnavailable] = []
    for name in order {
      guard let runtime = runtimes[name] else { continue }
      if let problem = runtime.reload(from: source) { problems.append(problem) }
      if listeners.withLockedValue({ $0[name] }) == nil { try await bind(name) }
    }
    return problems
  }

  /// The serial number (hex) of the SVID `service`'s proxy presents now, or nil without one.
  public func presentedSerial(of service: String) -> String? {
    guard case .success(let identity)? = runtimes[service]?.identity else { return nil }
    return identity.svid.serialNumber
  }

  /// Every listener's and upstream's counters now.
  public func stats() -> StatsSnapshot {
    var counters: [StatsScope: [EnvoyStat: UInt64]] = [:]
    for (name, runtime) in runtimes { counters[.listener(name)] = runtime.listenerCounters.snapshot }
    for (scope, set) in upstreamCounters.withLockedValue({ $0 }) { counters[scope] = set.snapshot }
    return StatsSnapshot(counters: counters)
  }

  /// The counters of `scopes` now, those a probe of one edge can move. A probe reads only these
  /// before and after: ``stats()`` grows with every pair ever probed (each gets its upstream scope),
  /// so reading all of it at each of `verify all`'s N(N-1) probes made the check grow as N⁴.
  public func stats(of scopes: [StatsScope]) -> StatsSnapshot {
    var counters: [StatsScope: [EnvoyStat: UInt64]] = [:]
    for scope in scopes {
      switch scope {
      case .listener(let name): counters[scope] = runtimes[name]?.listenerCounters.snapshot
      case .upstream: counters[scope] = upstreamCounters.withLockedValue { $0[scope] }?.snapshot
      }
    }
    return StatsSnapshot(counters: counters)
  }

  /// Closes every listener, and shuts down the event loop thread when the data plane made it.
  public func stop() async throws {
    let channels = listeners.withLockedValue { current in
      defer { current = [:] }
      return Array(current.values)
    }
    for channel in channels { try? await channel.close() }
    if ownsGroup { try await group.shutdownGracefully() }
  }

  // MARK: Checks

  /// A real mutual TLS handshake from `from`'s upstream to `to`'s listener and one request answered by
  /// `to`'s workload stand-in. Throws the first broken link as a ``PathFailure``.
  public func mtls(from: String, to: String) async throws(PathFailure) -> MTLSReport {
    let scopes = Self.scopes(from: from, to: to)
    let before = stats(of: scopes)
    let (outcome, verdict) = try await probe(from: from, to: to, requireTLS: true)
    guard case .admitted(let clientID?) = verdict, let serverID = outcome.serverID, case .success(let answer) = outcome.answer
    else { throw .noAnswer(service: to, "the listener recorded \(verdict)") }
    return MTLSReport(
      from: from, to: to, clientID: clientID, serverID: serverID, serverSerial: outcome.serverSerial ?? "",
      tlsVersion: Self.name(of: outcome.tlsVersion),
      cipherSuite: outcome.cipherSuite.map(ServerHelloObserver.name(of:)) ?? "unknown", answer: answer.body,
      countersMoved: stats(of: scopes).moved(since: before))
  }

  /// The counters a probe from `from` to `to` moves: `from`'s upstream to `to`, and `to`'s listener.
  private static func scopes(from: String, to: String) -> [StatsScope] {
    [.upstream(from: from, to: to), .listener(to)]
  }

  /// `from`'s proxy, holding its SVID, dials `to`'s listener directly and makes one request. The report
  /// says why it failed (``DenialReport/deniedByPolicy`` when the listener refused the ID), or that it
  /// went through.
  public func denied(from: String, to: String) async -> DenialReport {
    let scopes = Self.scopes(from: from, to: to)
    let before = stats(of: scopes)
    var failure: PathFailure?
    do { _ = try await probe(from: from, to: to, requireTLS: false) } catch { failure = error }
    return DenialReport(from: from, to: to, failure: failure, countersMoved: stats(of: scopes).moved(since: before))
  }

  /// Dials `to` from `from` and returns the client's outcome with the listener's verdict, or the first
  /// broken link.
  private func probe(from: String, to: String, requireTLS: Bool) async throws(PathFailure) -> (DialOutcome, ListenerVerdict) {
    guard let caller = runtimes[from] else { throw .unknownService(from, didYouMean: suggestion(for: from)) }
    guard let callee = runtimes[to] else { throw .unknownService(to, didYouMean: suggestion(for: to)) }
    let overTLS = callee.configuration.tls != .none
    if requireTLS && !overTLS { throw .plaintextListener(service: to) }
    var side: ProxyDialer.TLSSide?
    if overTLS {
      switch caller.identity {
      case .failure(let problem): throw .noSVID(service: from, problem)
      case .success(let identity): side = ProxyDialer.TLSSide(identity: identity, expected: callee.configuration.identity)
      }
    }
    if let problem = listenerProblem(of: to) { throw .noListener(service: to, problem) }
    guard let port = port(of: to), let address = try? SocketAddress.makeAddressResolvingHost(host, port: port) else {
      throw .unreachable("\(to) has no listener")
    }
    let counters = upstreamCounters.withLockedValue { sets in
      let scope = StatsScope.upstream(from: from, to: to)
      if let set = sets[scope] { return set }
      let set = CounterSet()
      sets[scope] = set
      return set
    }
    let eventLoop = group.next()
    let outcome: DialOutcome
    do {
      outcome = try await ProxyDialer.dial(
        on: eventLoop, to: address, host: to, tls: side, counters: counters, clock: clock
      ).get()
    } catch {
      throw .unreachable("\(error)")
    }
    if let rejection = outcome.serverRejection { throw .refusedListener(service: to, rejection) }
    guard let localPort = outcome.localPort else {
      if case .failure(let error) = outcome.answer { throw .unreachable(HandshakeErrorText.describe(error)) }
      throw .unreachable("the connection did not open")
    }
    let verdict: ListenerVerdict
    if overTLS {
      do { verdict = try await callee.ledger.verdict(clientPort: localPort, on: eventLoop).get() } catch {
        throw .listenerFailed(service: to, "\(error)")
      }
    } else {
      verdict = .admitted(nil)
    }
    switch (verdict, outcome.answer) {
    case (.rejected(let rejection), _): throw .refusedByListener(service: to, rejection)
    case (.failed(let reason), _): throw .listenerFailed(service: to, reason)
    case (.admitted, .failure(let error)): throw .noAnswer(service: to, HandshakeErrorText.describe(error))
    case (.admitted, .success(let answer)):
      guard answer.status == 200 else { throw .noAnswer(service: to, "it answered \(answer.status)") }
      return (outcome, verdict)
    }
  }

  /// The known service nearest to `name`, when it is close.
  private func suggestion(for name: String) -> String? {
    NameSuggestion.closest(to: name, in: order)
  }

  private static func name(of version: TLSVersion?) -> String {
    switch version {
    case .tlsv13: "TLSv1.3"
    case .tlsv12: "TLSv1.2"
    case .tlsv11: "TLSv1.1"
    case .tlsv1: "TLSv1"
    case nil: "unknown"
    }
  }
}

/// A data plane's services do not fit together.
public enum DataPlaneConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
  case duplicateService(String)
  case unknownCall(service: String, call: String)

  public var description: String {
    switch self {
    case .duplicateService(let name): "the service '\(name)' is given twice"
    case .unknownCall(let service, let call): "'\(service)' calls '\(call)', which is not a service of the data plane"
    }
  }
}
