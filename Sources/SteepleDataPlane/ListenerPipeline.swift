import Foundation
import NIOCore
import NIOSSL
import SteepleSPIRE
import X509

/// How a listener's accepted connection is set up, by the service's TLS mode.
enum ListenerPipeline {
  /// Installs the connection's handlers: the workload stand-in alone (`none`), behind mutual TLS
  /// (`strict`), or behind a sniffer that picks one of the two by the first byte (`permissive`).
  static func install(on channel: any Channel, runtime: ServiceRuntime, clock: @escaping @Sendable () -> Date) throws {
    switch runtime.configuration.tls {
    case .none: try installPlain(on: channel.pipeline, after: nil, runtime: runtime)
    case .strict: try installTLS(on: channel, after: nil, runtime: runtime, clock: clock)
    case .permissive:
      try channel.pipeline.syncOperations.addHandler(
        TLSSniffer { channel, sniffer, isTLS in
          if isTLS {
            try installTLS(on: channel, after: sniffer, runtime: runtime, clock: clock)
          } else {
            try installPlain(on: channel.pipeline, after: sniffer, runtime: runtime)
          }
        })
    }
  }

  private static func installPlain(on pipeline: ChannelPipeline, after: (any ChannelHandler)?, runtime: ServiceRuntime) throws {
    let standIn = WorkloadStandIn(service: runtime.configuration.name) { "a plain-text caller" }
    if let after {
      try pipeline.syncOperations.addHandler(standIn, position: .after(after))
    } else {
      try pipeline.syncOperations.addHandler(standIn)
    }
  }

  private static func installTLS(
    on channel: any Channel, after: (any ChannelHandler)?, runtime: ServiceRuntime, clock: @escaping @Sendable () -> Date
  ) throws {
    let identity = try runtime.identity.get()
    let record = ConnectionRecord()
    let counters = runtime.listenerCounters
    let ledger = runtime.ledger
    let clientPort = channel.remoteAddress?.port ?? 0
    let validator = identity.validator(role: .client, admitted: runtime.configuration.admitted)
    let tls = NIOSSLServerHandler(context: identity.serverContext, customVerificationCallback: { presented, promise in
      let verdict = verify(presented, with: validator, cache: identity.analyses, at: clock()).verdict
      switch verdict {
      case .success(let id):
        record.peer = id
        promise.succeed(.certificateVerified)
      case .failure(let rejection):
        record.decided = true
        counters.bump(rejection.stat)
        ledger.record(.rejected(rejection), clientPort: clientPort)
        promise.succeed(.failed)
      }
    })
    let monitor = ListenerMonitor(record: record, counters: counters, ledger: ledger, clientPort: clientPort)
    let standIn = WorkloadStandIn(service: runtime.configuration.name) { record.peer.map { "'\($0)'" } ?? "an unverified caller" }
    let handlers: [any ChannelHandler] = [tls, monitor, standIn]
    if let after {
      try channel.pipeline.syncOperations.addHandlers(handlers, position: .after(after))
    } else {
      try channel.pipeline.syncOperations.addHandlers(handlers)
    }
  }

  /// Validates the presented chain at `now` (parsed and analysed once per distinct chain, through
  /// `cache`); the verdict, and the leaf's serial when it parses.
  static func verify(
    _ presented: [NIOSSLCertificate], with validator: SVIDValidator, cache: ChainAnalysisCache, at now: Date
  ) -> (verdict: Result<SPIFFEID, PeerRejection>, serial: String?) {
    do {
      let analysis = try cache.analysis(of: presented, by: validator)
      return (validator.judge(analysis, at: now), analysis.serial)
    } catch {
      return (.failure(.untrusted("the presented certificate does not parse: \(error)")), nil)
    }
  }
}
