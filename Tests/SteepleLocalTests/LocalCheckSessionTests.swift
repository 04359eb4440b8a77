import Foundation
import Synchronization
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleTestSupport
import Testing

/// The checks of one `verify` run share a session: what it finds once (chains, attestations, paths)
/// serves the checks after, until a check moves the modelled clock.
@Suite("the local provider's check session")
struct LocalCheckSessionTests {
  @Test("a session's outcomes are each check's outcome on its own: hello.spire's checks and more of each kind")
  func sameOutcomes() async throws {
    let fixture = try await MeshChecksFixture.make()
    let (ui, app, db) = (MeshChecksFixture.ui, MeshChecksFixture.app, MeshChecksFixture.db)
    let checks =
      fixture.checks + [
        Check(kind: "attested", arguments: [.string(MeshChecksFixture.agents)]),
        Check(kind: "svid", arguments: [.string(ui)]), Check(kind: "svid", arguments: [.string(app)]),
        Check(kind: "svid", arguments: [.string(db)], fields: [ModelField("valid_for", .int(60))]),
        Check(kind: "mtls", arguments: [.string(ui), .string(app)]), Check(kind: "mtls", arguments: [.string(app), .string(db)]),
        Check(kind: "denied", arguments: [.string(ui), .string(db)]), Check(kind: "mtls", arguments: [.string(ui), .string(db)]),
      ]
    let session = try await fixture.provider.checkSession()
    var shared: [CheckOutcome] = []
    for check in checks { shared.append(try await session.check(check)) }
    try await session.close()
    var alone: [CheckOutcome] = []
    for check in checks { alone.append(try await fixture.provider.check(check)) }
    #expect(shared == alone)
    // Every check passes but the last, `mtls` where the policy denies: its failure is shared too.
    #expect(shared.dropLast().allSatisfy { if case .passed = $0 { true } else { false } }, "\(shared)")
    #expect(SPIRERuntimeFixture.reason(shared.last!).hasPrefix("first cause: handshake: "), "\(shared.last!)")
  }

  @Test("after a check moves the modelled clock, the session's checks see the new state, not what it found before")
  func clockMovesForget() async throws {
    let fixture = try await MeshChecksFixture.make()
    let session = try await fixture.provider.checkSession()
    let svid = Check(kind: "svid", arguments: [.string(MeshChecksFixture.ui)])
    let mtls = Check(kind: "mtls", arguments: [.string(MeshChecksFixture.ui), .string(MeshChecksFixture.app)])
    let attested = Check(kind: "attested", arguments: [.string(MeshChecksFixture.agents)])
    for check in [svid, mtls, attested] {
      let outcome = try await session.check(check)
      #expect(SPIRERuntimeFixture.detail(outcome) != "", "\(outcome)")
    }
    // The frontend's agents stop and the clock runs past the SVIDs' lifetime: a check that moves it.
    var stopping = attested
    stopping.fields = [ModelField("stop", .list([.string(MeshChecksFixture.agents)])), ModelField("after", .int(4000))]
    let stopped = SPIRERuntimeFixture.reason(try await session.check(stopping))
    #expect(stopped.contains("are stopped"), "\(stopped)")
    // The same questions as before the clock moved get the new answers.
    let expired = SPIRERuntimeFixture.reason(try await session.check(svid))
    #expect(expired.contains("first cause: SVID expired: spiffe://am-multi-account-mesh/frontend"), "\(expired)")
    let broken = SPIRERuntimeFixture.reason(try await session.check(mtls))
    #expect(broken.hasPrefix("\(MeshChecksFixture.ui)'s proxy envoy: first cause: SVID expired: "), "\(broken)")
    try await session.close()
  }

  @Test("the engine runs a script's checks through one session and times each")
  func engineUsesSession() async throws {
    let fixture = try await MeshChecksFixture.make()
    let recording = RecordingSessions(inner: fixture.provider)
    let engine = try Engine(provider: recording, stateDirectory: try TemporaryDirectory.make("steeple-session-").path)
    let results = await engine.verify(fixture.checks)
    #expect(results.count == fixture.checks.count)
    #expect(results.allSatisfy { $0.duration != nil })
    #expect(recording.log.withLock { $0 } == ["open"] + fixture.checks.map { "check \($0.kind)" } + ["close"])
  }
}

/// A provider that records how the engine used its check session.
final class RecordingSessions: Provider {
  let inner: LocalProvider
  let log = Mutex<[String]>([])

  init(inner: LocalProvider) { self.inner = inner }

  var name: String { inner.name }
  var resourceTypes: Set<String> { inner.resourceTypes }

  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] {
    try await inner.refresh(resources, unsettled: unsettled)
  }

  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource? {
    try await inner.apply(action, inputs: inputs)
  }

  func check(_ check: Check) async throws -> CheckOutcome {
    log.withLock { $0.append("alone \(check.kind)") }
    return try await inner.check(check)
  }

  func checkSession() async throws -> any CheckSession {
    log.withLock { $0.append("open") }
    return Session(inner: try await inner.checkSession(), log: self)
  }

  struct Session: CheckSession {
    let inner: any CheckSession
    let log: RecordingSessions

    func check(_ check: Check) async throws -> CheckOutcome {
      log.log.withLock { $0.append("check \(check.kind)") }
      return try await inner.check(check)
    }

    func close() async throws {
      log.log.withLock { $0.append("close") }
      try await inner.close()
    }
  }
}
