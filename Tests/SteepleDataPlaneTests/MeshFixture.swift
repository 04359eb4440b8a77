import Foundation
import SteepleDataPlane
import SteepleSPIRE
import Synchronization

/// The tests' secret source: a trust domain's CA, the SVIDs it issued by SPIFFE ID, and the bundle,
/// changeable while a data plane runs (as SPIRE's agent rotates SVIDs behind SDS).
final class TestSecrets: SecretSource {
  static let trustDomain = try! TrustDomain("mesh.test")

  let authority: X509Authority
  private let state: Mutex<(svids: [SPIFFEID: X509SVID], bundle: TrustBundle)>

  /// A fresh CA made at `now`, issuing nothing yet.
  init(now: Date) throws {
    authority = try X509Authority.selfSigned(trustDomain: Self.trustDomain, keyType: .ecP256, ttl: 86_400, now: now)
    state = Mutex(([:], TrustBundle(trustDomain: Self.trustDomain, x509Authorities: [authority.certificate], sequence: 1)))
  }

  /// `spiffe://mesh.test/<path>`.
  static func id(_ path: String) -> SPIFFEID { try! SPIFFEID(parsing: "spiffe://mesh.test/\(path)") }

  /// Issues (or re-issues) the SVID of `id` with `issuer` (this CA by default) and returns it.
  @discardableResult
  func issue(_ id: SPIFFEID, by issuer: X509Authority? = nil, ttl: TimeInterval = 3600, now: Date) throws -> X509SVID {
    let svid = try (issuer ?? authority).issueSVID(for: id, ttl: ttl, now: now)
    state.withLock { $0.svids[id] = svid }
    return svid
  }

  /// Forgets the SVID of `id` (its entry was deleted).
  func revoke(_ id: SPIFFEID) { state.withLock { $0.svids[id] = nil } }

  func svid(named id: SPIFFEID) throws -> X509SVID {
    guard let svid = state.withLock({ $0.svids[id] }) else { throw NoEntry(id: id) }
    return svid
  }

  func bundle(for trustDomain: TrustDomain) throws -> TrustBundle { state.withLock { $0.bundle } }

  struct NoEntry: Error, CustomStringConvertible {
    let id: SPIFFEID
    var description: String { "no registration entry issues '\(id)'" }
  }
}

/// A settable clock for the data plane's certificate checks.
final class TestClock: Sendable {
  private let current: Mutex<Date>
  init(_ now: Date) { current = Mutex(now) }
  var now: Date { current.withLock { $0 } }
  func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }
  var reader: @Sendable () -> Date { { self.now } }
}

/// The tests' fixed time.
let meshNow = Date(timeIntervalSince1970: 1_796_000_000)
