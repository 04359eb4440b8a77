import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SteepleDataPlane
import SteepleSPIRE

#if canImport(Glibc)
  import Glibc
#endif

/// The benchmark: both sides on the same two event loop threads, `inFlight` connections at a time,
/// alternating in batches.
enum MeshBench {
  static let inFlight = 16
  static let batch = 200

  /// Runs it and returns the result as one JSON object.
  static func run(count: Int, repetitions: Int) async throws -> String {
    let trustDomain = try TrustDomain("bench.example")
    let now = Date()
    let authority = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: now)
    let clientID = try SPIFFEID(parsing: "spiffe://bench.example/ns/bench/sa/client")
    let serverID = try SPIFFEID(parsing: "spiffe://bench.example/ns/bench/sa/server")
    let clientSVID = try authority.issueSVID(for: clientID, ttl: 3600, now: now)
    let serverSVID = try authority.issueSVID(for: serverID, ttl: 3600, now: now)
    let bundle = TrustBundle(trustDomain: trustDomain, x509Authorities: [authority.certificate], sequence: 1)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    // Ours: the data plane's upstream of `client` to the listener of `server`.
    let plane = try await MeshDataPlane.start(
      services: [
        MeshServiceConfiguration(name: "client", identity: clientID, calls: ["server"]),
        MeshServiceConfiguration(name: "server", identity: serverID, admitted: [clientID]),
      ],
      source: ClosureSecretSource(
        svid: { $0 == clientID ? clientSVID : serverSVID }, bundle: { _ in bundle }),
      group: group)

    // Raw: swift-nio-ssl with the same SVIDs, BoringSSL verifying the chain against the same CA.
    let caDER = authority.certificateDER
    let serverContext = try NIOSSLContext(configuration: try configuration(server: true, serverSVID, caDER: caDER))
    let clientContext = try NIOSSLContext(configuration: try configuration(server: false, clientSVID, caDER: caDER))
    let body = "server answered 'spiffe://bench.example/ns/bench/sa/client'\n"
    let answer =
      "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)"
    let rawServer = try await ServerBootstrap(group: group)
      .serverChannelOption(.backlog, value: 256)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandlers([
            NIOSSLServerHandler(context: serverContext), RawResponder(answer: answer),
          ])
        }
      }
      .bind(host: "127.0.0.2", port: 0).get()
    guard let rawAddress = rawServer.localAddress else { throw ChannelError.inappropriateOperationForState }

    let raw: @Sendable () async throws -> Void = {
      let loop = group.next()
      let promise = loop.makePromise(of: Int.self)
      _ = try await ClientBootstrap(group: loop).channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandlers([
            try NIOSSLClientHandler(context: clientContext, serverHostname: nil), RawRequester(promise: promise),
          ])
        }
      }.connect(to: rawAddress).get()
      _ = try await promise.futureResult.get()
    }
    let proxied: @Sendable () async throws -> Void = { _ = try await plane.mtls(from: "client", to: "server") }

    var rawRates: [Double] = []
    var proxiedRates: [Double] = []
    var rawCPU: [Double] = []
    var proxiedCPU: [Double] = []
    for _ in 0..<repetitions {
      var rawTotals = (wall: 0.0, cpu: 0.0)
      var proxiedTotals = (wall: 0.0, cpu: 0.0)
      for start in stride(from: 0, to: count, by: batch) {
        let size = min(batch, count - start)
        let r = try await timed(size, raw)
        let p = try await timed(size, proxied)
        rawTotals = (rawTotals.wall + r.wall, rawTotals.cpu + r.cpu)
        proxiedTotals = (proxiedTotals.wall + p.wall, proxiedTotals.cpu + p.cpu)
      }
      rawRates.append(Double(count) / rawTotals.wall)
      proxiedRates.append(Double(count) / proxiedTotals.wall)
      rawCPU.append(rawTotals.cpu / Double(count) * 1000)
      proxiedCPU.append(proxiedTotals.cpu / Double(count) * 1000)
    }
    let stats = plane.stats()
    try await plane.stop()
    try await rawServer.close()
    try await group.shutdownGracefully()

    let result: [String: Any] = [
      "count": count, "repetitions": repetitions, "in_flight": inFlight, "event_loop_threads": 2,
      "raw_handshakes_per_s": Int(median(rawRates)), "proxied_handshakes_per_s": Int(median(proxiedRates)),
      "ratio": (median(proxiedRates) / median(rawRates) * 100).rounded() / 100,
      "raw_cpu_ms_per_handshake": (median(rawCPU) * 1000).rounded() / 1000,
      "proxied_cpu_ms_per_handshake": (median(proxiedCPU) * 1000).rounded() / 1000,
      "listener_handshakes": stats[.listener("server"), .handshake],
      "listener_failures": stats[.listener("server"), .connectionError] + stats[.listener("server"), .failVerifySAN]
        + stats[.listener("server"), .failVerifyError] + stats[.listener("server"), .noCertificate],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self)
  }

  /// A TLS 1.3 configuration presenting `svid` and trusting the CA for the raw side.
  static func configuration(server: Bool, _ svid: X509SVID, caDER: [UInt8]) throws -> TLSConfiguration {
    let chain = [NIOSSLCertificateSource.certificate(try NIOSSLCertificate(bytes: svid.certificateDER, format: .der))]
    let key = NIOSSLPrivateKeySource.privateKey(
      try NIOSSLPrivateKey(bytes: Array(svid.exportPrivateKeyPKCS8DER()), format: .der))
    var configuration =
      server ? TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key) : .makeClientConfiguration()
    configuration.certificateChain = chain
    configuration.privateKey = key
    configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: caDER, format: .der)])
    configuration.certificateVerification = .noHostnameVerification
    configuration.minimumTLSVersion = .tlsv13
    configuration.maximumTLSVersion = .tlsv13
    return configuration
  }

  /// Runs `total` operations, ``inFlight`` at a time; returns the wall and process CPU seconds.
  static func timed(_ total: Int, _ operation: @escaping @Sendable () async throws -> Void) async throws -> (
    wall: Double, cpu: Double
  ) {
    let cpu = processCPUSeconds()
    let start = DispatchTime.now().uptimeNanoseconds
    try await withThrowingTaskGroup(of: Void.self) { tasks in
      var started = 0
      while started < min(inFlight, total) {
        tasks.addTask(operation: operation)
        started += 1
      }
      while try await tasks.next() != nil {
        guard started < total else { continue }
        tasks.addTask(operation: operation)
        started += 1
      }
    }
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, processCPUSeconds() - cpu)
  }

  /// CPU seconds of the whole process (both event loop threads and the tasks).
  static func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
}
