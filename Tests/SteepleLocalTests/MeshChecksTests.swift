import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleSPIRE
import SteepleTestSupport
import Testing

/// hello.spire's three services applied on the local provider, on an injected clock, and its
/// `verify` checks as the commands lower them.
struct MeshChecksFixture {
  static let script = "stdlib/examples/hello.spire"
  static let ui = "am-multi-account-mesh/yelb-ui"
  static let app = "am-multi-account-mesh/yelb-appserver"
  static let db = "am-multi-account-mesh/yelb-db"
  static let agents = "am-multi-account-mesh/frontend-k8s-cluster"

  let provider: LocalProvider
  let resources: [Resource]
  let checks: [Check]

  static func make() async throws -> MeshChecksFixture {
    let clock = TestClock()
    let directory = try TemporaryDirectory.make("steeple-mesh-").path + "/state"
    let provider = try LocalProvider(stateDirectory: directory, clock: { clock.now })
    let resources = Lowering.resources(file: script)
    for resource in resources { _ = try await provider.apply(.create(resource)) }
    return MeshChecksFixture(provider: provider, resources: resources, checks: Lowering.checks(file: script))
  }

  func check(_ kind: String, _ from: String, _ to: String, _ fields: [ModelField] = []) async throws -> CheckOutcome {
    try await provider.check(Check(kind: kind, arguments: [.string(from), .string(to)], fields: fields))
  }

  /// hello.spire's own `verify all`.
  func all(_ fields: [ModelField] = []) async throws -> CheckOutcome {
    var check = try #require(checks.first { $0.kind == "all" })
    check.fields += fields
    return try await provider.check(check)
  }

  /// Applies `service` again with its own `allow` list emptied: the admission is gone from the state
  /// while the script still declares it.
  func removeAdmissions(of service: String) async throws {
    let observed = try #require(try await provider.observe().first { $0.address == ResourceAddress(type: "mesh.service", name: service) })
    var resource = try #require(resources.first { $0.address == observed.address })
    resource.attributes = resource.attributes.filter { $0.name != "allow" } + [ModelField("allow", .list([]))]
    _ = try await provider.apply(.update(resource, from: observed))
  }
}

@Suite("verify mtls, denied and all through the data plane of the local provider")
struct MeshChecksTests {
  @Test("verify mtls passes with a real handshake: both SPIFFE IDs, TLS 1.3, its cipher suite and the counters it moved")
  func mtlsPasses() async throws {
    let fixture = try await MeshChecksFixture.make()
    let outcome = try await fixture.check("mtls", MeshChecksFixture.ui, MeshChecksFixture.app)
    let detail = SPIRERuntimeFixture.detail(outcome)
    #expect(
      detail.hasPrefix(
        "\(MeshChecksFixture.ui) (spiffe://am-multi-account-mesh/frontend) -> \(MeshChecksFixture.app) "
          + "(spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver): TLSv1.3, TLS_"), "\(outcome)")
    #expect(detail.contains("listener.\(MeshChecksFixture.app).ssl.handshake +1"), "\(outcome)")
    #expect(detail.contains("cluster.\(MeshChecksFixture.ui) -> \(MeshChecksFixture.app).ssl.handshake +1"), "\(outcome)")
    // The counters are kept in the state for `steeple stats`.
    let kept = try fixture.provider.cloud.meshStats(service: MeshChecksFixture.app)
    #expect(kept.contains { $0.scope == "listener.\(MeshChecksFixture.app)" && $0.stat == "ssl.handshake" && $0.value == 1 }, "\(kept)")
  }

  @Test("verify denied passes when the listener refuses the caller's ID; it fails when the call goes through")
  func denied() async throws {
    let fixture = try await MeshChecksFixture.make()
    let refused = try await fixture.check("denied", MeshChecksFixture.ui, MeshChecksFixture.db)
    #expect(
      SPIRERuntimeFixture.detail(refused).hasPrefix(
        "\(MeshChecksFixture.db) refused \(MeshChecksFixture.ui) (spiffe://am-multi-account-mesh/frontend): its ID is not admitted"),
      "\(refused)")
    #expect(SPIRERuntimeFixture.detail(refused).contains("listener.\(MeshChecksFixture.db).ssl.fail_verify_san +1"), "\(refused)")
    let through = try await fixture.check("denied", MeshChecksFixture.ui, MeshChecksFixture.app)
    #expect(
      SPIRERuntimeFixture.reason(through).hasPrefix(
        "\(MeshChecksFixture.ui) -> \(MeshChecksFixture.app) went through: \(MeshChecksFixture.app) admits spiffe://am-multi-account-mesh/frontend"),
      "\(through)")
  }

  @Test("verify all observes every ordered pair beside the declared ones, and they agree")
  func allAgrees() async throws {
    let fixture = try await MeshChecksFixture.make()
    let outcome = try await fixture.all()
    let detail = SPIRERuntimeFixture.detail(outcome)
    // Rows and columns in declaration order (db, appserver, ui): the appserver calls the db, the ui the appserver.
    #expect(
      detail
        == """
          6 ordered pairs of 3 services agree with the policy
          row calls column (✓ talks, ✗ refused, · no call):
                           1 2 3   declared: 1 2 3
          1 yelb-db        · ✗ ✗             · ✗ ✗
          2 yelb-appserver ✓ · ✗             ✓ · ✗
          3 yelb-ui        ✗ ✓ ·             ✗ ✓ ·
          """, "\(outcome)")
  }

  @Test("unknown services are named with the closest applied one")
  func unknownService() async throws {
    let fixture = try await MeshChecksFixture.make()
    let outcome = try await fixture.check("mtls", "am-multi-account-mesh/yelb-uii", MeshChecksFixture.app)
    #expect(
      SPIRERuntimeFixture.reason(outcome)
        == "no mesh service named am-multi-account-mesh/yelb-uii was applied; did you mean '\(MeshChecksFixture.ui)'?")
  }

  @Test("stopped agents and after: past the SVIDs' expiry: mtls, denied and all fail at the expired SVID")
  func expired() async throws {
    let fixture = try await MeshChecksFixture.make()
    let stop: [ModelField] = [ModelField("stop", .list([.string(MeshChecksFixture.agents)])), ModelField("after", .int(4000))]
    let mtls = try await fixture.check("mtls", MeshChecksFixture.ui, MeshChecksFixture.app, stop)
    #expect(
      SPIRERuntimeFixture.reason(mtls).hasPrefix("\(MeshChecksFixture.ui)'s proxy envoy: first cause: SVID expired: spiffe://am-multi-account-mesh/frontend"),
      "\(mtls)")
    #expect(SPIRERuntimeFixture.reason(mtls).hasSuffix("it was not renewed, the agents \(MeshChecksFixture.agents) are stopped"), "\(mtls)")
    let denied = try await fixture.check("denied", MeshChecksFixture.ui, MeshChecksFixture.db)
    #expect(
      SPIRERuntimeFixture.reason(denied).hasPrefix(
        "the path broke before the policy could refuse \(MeshChecksFixture.ui): \(MeshChecksFixture.ui)'s proxy envoy: first cause: SVID expired: "),
      "\(denied)")
    let all = SPIRERuntimeFixture.reason(try await fixture.all())
    #expect(all.hasPrefix("6 of 6 ordered pairs disagree with the policy; "), "\(all)")
    #expect(all.contains("\(MeshChecksFixture.ui) -> \(MeshChecksFixture.app) is declared but does not talk: \(MeshChecksFixture.ui)'s proxy envoy: first cause: SVID expired: "), "\(all)")
  }

  @Test("an SVID of the wrong ID held for the caller's entry fails mtls at the handshake: the listener does not admit it")
  func wrongID() async throws {
    let fixture = try await MeshChecksFixture.make()
    let trustDomain = try TrustDomain("am-multi-account-mesh")
    let held = try fixture.provider.cloud.heldSVIDs(trustDomain)
    let dbSVID = try #require(held.first { $0.svid.spiffeID.description == "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-db" }).svid
    for ui in held where ui.svid.spiffeID.description == "spiffe://am-multi-account-mesh/frontend" {
      try fixture.provider.cloud.saveSVID(HeldSVID(entryID: ui.entryID, agentID: ui.agentID, svid: dbSVID))
    }
    let outcome = try await fixture.check("mtls", MeshChecksFixture.ui, MeshChecksFixture.app)
    #expect(
      SPIRERuntimeFixture.reason(outcome).hasPrefix(
        "first cause: handshake: \(MeshChecksFixture.app)'s listener refused the caller: "), "\(outcome)")
    #expect(SPIRERuntimeFixture.reason(outcome).contains("spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-db"), "\(outcome)")
  }

  @Test("an admission gone from the state fails mtls at the handshake, passes denied, and fails all naming the pair")
  func removedAdmission() async throws {
    let fixture = try await MeshChecksFixture.make()
    try await fixture.removeAdmissions(of: MeshChecksFixture.app)
    let mtls = try await fixture.check("mtls", MeshChecksFixture.ui, MeshChecksFixture.app)
    #expect(
      SPIRERuntimeFixture.reason(mtls).hasPrefix("first cause: handshake: \(MeshChecksFixture.app)'s listener refused the caller: "), "\(mtls)")
    let denied = try await fixture.check("denied", MeshChecksFixture.ui, MeshChecksFixture.app)
    #expect(SPIRERuntimeFixture.detail(denied).contains("its ID is not admitted"), "\(denied)")
    let all = SPIRERuntimeFixture.reason(try await fixture.all())
    #expect(
      all.hasPrefix(
        "1 of 6 ordered pairs disagree with the policy; \(MeshChecksFixture.ui) -> \(MeshChecksFixture.app) is declared but does not talk: "
          + "first cause: handshake: \(MeshChecksFixture.app)'s listener refused the caller: "), "\(all)")
  }
}
