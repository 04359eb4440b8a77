import Foundation
import Testing

@testable import SteepleDataPlane
import NIOCore
import NIOPosix
import SteepleSPIRE

/// The data plane end to end over loopback: real TLS 1.3 handshakes between our proxies, a request
/// answered behind the listener, and each failure named by its first cause and counted as Envoy does.
@Suite struct MeshDataPlaneTests {
  let frontend = TestSecrets.id("frontend")
  let backend = TestSecrets.id("backend")
  let intruder = TestSecrets.id("intruder")

  /// frontend -> backend (admitted), intruder (issued, not admitted), backend admits only frontend.
  func makeMesh(
    clock: TestClock = TestClock(meshNow), backendTLS: TLSMode = .strict, issue: Bool = true
  ) async throws -> (MeshDataPlane, TestSecrets) {
    let secrets = try TestSecrets(now: meshNow)
    if issue { for id in [frontend, backend, intruder] { try secrets.issue(id, now: meshNow) } }
    let plane = try await MeshDataPlane.start(
      services: [
        MeshServiceConfiguration(name: "mesh.test/frontend", identity: frontend, calls: ["mesh.test/backend"]),
        MeshServiceConfiguration(name: "mesh.test/backend", identity: backend, tls: backendTLS, admitted: [frontend]),
        MeshServiceConfiguration(name: "mesh.test/intruder", identity: intruder),
      ], source: secrets, clock: clock.reader)
    return (plane, secrets)
  }

  @Test func mtlsReportsBothIDsTheVersionTheSuiteAndTheCountersThatMoved() async throws {
    let (plane, secrets) = try await makeMesh()
    let report = try await plane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    try await plane.stop()
    #expect(report.clientID == frontend)
    #expect(report.serverID == backend)
    #expect(report.serverSerial == (try secrets.svid(named: backend)).serialNumber)
    #expect(report.tlsVersion == "TLSv1.3")
    #expect(["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].contains(report.cipherSuite))
    #expect(report.answer == "mesh.test/backend answered 'spiffe://mesh.test/frontend'\n")
    #expect(
      report.countersMoved == [
        .listener("mesh.test/backend"): [.handshake: 1], .upstream(from: "mesh.test/frontend", to: "mesh.test/backend"): [.handshake: 1],
      ])
  }

  @Test func deniedNamesThePolicysReasonAndCountsASANFailure() async throws {
    let (plane, _) = try await makeMesh()
    let report = await plane.denied(from: "mesh.test/intruder", to: "mesh.test/backend")
    await #expect(throws: PathFailure.refusedByListener(service: "mesh.test/backend", .notAdmitted(intruder, admitted: [frontend]))) {
      try await plane.mtls(from: "mesh.test/intruder", to: "mesh.test/backend")
    }
    let admitted = await plane.denied(from: "mesh.test/frontend", to: "mesh.test/backend")
    let stats = plane.stats()
    let scopes: [StatsScope] = [
      .listener("mesh.test/backend"), .upstream(from: "mesh.test/intruder", to: "mesh.test/backend"), .listener("mesh.test/nobody"),
    ]
    let some = plane.stats(of: scopes)
    try await plane.stop()
    // A probe reads only the scopes it moves; they hold what the whole snapshot holds for them.
    #expect(some.counters == stats.counters.filter { scopes.contains($0.key) })
    #expect(some.counters.count == 2, "a scope the plane does not have is left out")
    #expect(report.deniedByPolicy)
    #expect(
      report.failure?.description
        == "mesh.test/backend's listener refused the caller: 'spiffe://mesh.test/intruder' is not admitted: the policy admits 'spiffe://mesh.test/frontend'"
    )
    #expect(report.countersMoved[.listener("mesh.test/backend")] == [.failVerifySAN: 1])
    #expect(stats[.listener("mesh.test/backend"), .failVerifySAN] == 2)
    #expect(stats[.listener("mesh.test/backend"), .connectionError] == 0, "a SAN failure is not also a connection error")
    #expect(admitted.failure == nil && !admitted.deniedByPolicy, "the admitted caller got through, so `denied` fails")
  }

  @Test func aCertificateFromAnotherCAIsUntrustedNotASANFailure() async throws {
    let clock = TestClock(meshNow)
    let (plane, secrets) = try await makeMesh(clock: clock)
    let stranger = try X509Authority.selfSigned(trustDomain: TestSecrets.trustDomain, keyType: .ecP256, ttl: 86_400, now: meshNow)
    try secrets.issue(frontend, by: stranger, now: meshNow)
    try await plane.reloadSecrets()
    let report = await plane.denied(from: "mesh.test/frontend", to: "mesh.test/backend")
    try await plane.stop()
    guard case .refusedByListener(_, .untrusted(let reason))? = report.failure else {
      Issue.record("expected an untrusted certificate, got \(String(describing: report.failure))")
      return
    }
    #expect(reason == "it is not signed by a CA of the bundle of 'mesh.test'")
    #expect(!report.deniedByPolicy, "the ID is admitted: the chain broke first")
    #expect(report.countersMoved[.listener("mesh.test/backend")] == [.failVerifyError: 1])
  }

  @Test func anExpiredServerSVIDIsTheFirstCauseOnTheCallersSide() async throws {
    let clock = TestClock(meshNow)
    let (plane, secrets) = try await makeMesh(clock: clock)
    try secrets.issue(frontend, ttl: 7200, now: meshNow)
    try await plane.reloadSecrets()
    clock.advance(by: 3601)
    let error = await #expect(throws: PathFailure.self) {
      try await plane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    }
    guard case .refusedListener("mesh.test/backend", .untrusted(let reason))? = error else {
      Issue.record("expected the caller to refuse the expired server SVID, got \(String(describing: error))")
      return
    }
    #expect(reason.hasPrefix("the leaf expired at "))
    let stats = plane.stats()
    try await plane.stop()
    #expect(stats[.upstream(from: "mesh.test/frontend", to: "mesh.test/backend"), .failVerifyError] == 1)
    #expect(stats[.listener("mesh.test/backend"), .handshake] == 0)
  }

  @Test func noSVIDAndNoListenerAreNamedBeforeAnyHandshake() async throws {
    let secrets = try TestSecrets(now: meshNow)
    try secrets.issue(backend, now: meshNow)
    let plane = try await MeshDataPlane.start(
      services: [
        MeshServiceConfiguration(name: "frontend", identity: frontend, calls: ["backend"]),
        MeshServiceConfiguration(name: "backend", identity: backend, admitted: [frontend]),
        MeshServiceConfiguration(name: "db", identity: TestSecrets.id("db"), admitted: [backend]),
      ], source: secrets, clock: { meshNow })
    let noSVID = await plane.denied(from: "frontend", to: "backend")
    let noListener = await plane.denied(from: "backend", to: "db")
    let unknown = await plane.denied(from: "backend", to: "bakend")
    #expect(plane.port(of: "db") == nil && plane.port(of: "backend") != nil)
    try secrets.issue(TestSecrets.id("db"), now: meshNow)
    let problems = try await plane.reloadSecrets()
    let afterIssue = try await plane.mtls(from: "backend", to: "db")
    try await plane.stop()
    #expect(noSVID.failure?.description == "frontend's proxy has no SVID to present: no SVID for 'spiffe://mesh.test/frontend': no registration entry issues 'spiffe://mesh.test/frontend'")
    #expect(noListener.failure?.description == "db's listener is not up: no SVID for 'spiffe://mesh.test/db': no registration entry issues 'spiffe://mesh.test/db'")
    #expect(unknown.failure == .unknownService("bakend", didYouMean: "backend"))
    #expect(problems.map(\.id) == [frontend])
    #expect(afterIssue.serverID == TestSecrets.id("db"))
  }

  @Test func aRotatedSVIDIsPresentedWithoutDroppingTheListener() async throws {
    let (plane, secrets) = try await makeMesh()
    let port = plane.port(of: "mesh.test/backend")
    let first = try await plane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    let rotated = try secrets.issue(backend, now: meshNow)
    try await plane.reloadSecrets()
    let second = try await plane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    try await plane.stop()
    #expect(plane.port(of: "mesh.test/backend") == nil, "stopped")
    #expect(port != nil)
    #expect(first.serverSerial != second.serverSerial)
    #expect(second.serverSerial == rotated.serialNumber)
  }

  @Test func permissiveTakesPlainTextAndTLSStrictOnlyTLSAndNoneIsPlain() async throws {
    let (plane, _) = try await makeMesh(backendTLS: .permissive)
    let tls = try await plane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    let plain = try await plainRequest(plane, to: "mesh.test/backend")
    let strictPlain = try await plainRequest(plane, to: "mesh.test/intruder")
    try await plane.stop()
    #expect(tls.clientID == frontend)
    #expect(plain == "mesh.test/backend answered a plain-text caller\n")
    #expect(strictPlain == nil, "a strict listener answers no plain-text request")

    let (plainPlane, _) = try await makeMesh(backendTLS: .none)
    await #expect(throws: PathFailure.plaintextListener(service: "mesh.test/backend")) {
      try await plainPlane.mtls(from: "mesh.test/frontend", to: "mesh.test/backend")
    }
    let open = await plainPlane.denied(from: "mesh.test/intruder", to: "mesh.test/backend")
    try await plainPlane.stop()
    #expect(open.failure == nil, "a plain-text listener admits anyone")
  }

  @Test func startRefusesACallToAnUnknownService() async throws {
    let secrets = try TestSecrets(now: meshNow)
    await #expect(throws: DataPlaneConfigurationError.unknownCall(service: "a", call: "b")) {
      _ = try await MeshDataPlane.start(
        services: [MeshServiceConfiguration(name: "a", identity: frontend, calls: ["b"])], source: secrets)
    }
  }

  /// One plain-text request to `service`'s listener: the answer's body, or nil without one.
  func plainRequest(_ plane: MeshDataPlane, to service: String) async throws -> String? {
    let port = try #require(plane.port(of: service))
    let outcome = try await ProxyDialer.dial(
      on: MultiThreadedEventLoopGroup.singleton.next(), to: try SocketAddress(ipAddress: plane.listenerHost, port: port),
      host: service, tls: nil, counters: CounterSet(), clock: { meshNow }
    ).get()
    return try? outcome.answer.get().body
  }
}
