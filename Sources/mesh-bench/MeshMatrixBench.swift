import Foundation
import SteepleDataPlane
import SteepleSPIRE

/// The handshakes of `verify all` alone: `services` services on one data plane started as the local
/// provider starts it (an event loop thread of its own), the first admitted by every other, and for
/// each ordered pair the probe `verify all` makes (`denied`: the caller's proxy dials the callee's
/// listener with its SVID, a handshake and a request), one pair after another. What it leaves out
/// is what the check reads and works out before: the state, the SVID chains and the network paths.
enum MeshMatrixBench {
  /// Runs it and returns the result as one JSON object: services, pairs, seconds.
  static func run(services count: Int) async throws -> String {
    let trustDomain = try TrustDomain("bench.example")
    let now = Date()
    let authority = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: now)
    let names = (1...max(count, 2)).map { String(format: "service-%02d", $0) }
    var svids: [SPIFFEID: X509SVID] = [:]
    var ids: [String: SPIFFEID] = [:]
    for name in names {
      let id = try SPIFFEID(parsing: "spiffe://bench.example/ns/bench/sa/\(name)")
      ids[name] = id
      svids[id] = try authority.issueSVID(for: id, ttl: 3600, now: now)
    }
    let first = ids[names[0]]!
    let configurations = names.map { name in
      MeshServiceConfiguration(name: name, identity: ids[name]!, admitted: name == names[0] ? [] : [first])
    }
    let bundle = TrustBundle(trustDomain: trustDomain, x509Authorities: [authority.certificate], sequence: 1)
    let held = svids
    let plane = try await MeshDataPlane.start(
      services: configurations, source: ClosureSecretSource(svid: { held[$0]! }, bundle: { _ in bundle }), clock: { now })
    let clock = ContinuousClock()
    let start = clock.now
    var talked = 0
    for from in names {
      for to in names where to != from {
        if await plane.denied(from: from, to: to).failure == nil { talked += 1 }
      }
    }
    let elapsed = clock.now - start
    try await plane.stop()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let pairs = names.count * (names.count - 1)
    return "{\"services\": \(names.count), \"pairs\": \(pairs), \"talked\": \(talked), \"seconds\": \(seconds)}"
  }
}
