import Foundation
import SteepleEngine
@testable import SteepleLocal
import SteepleSPIRE
import SteepleTestSupport
import Testing

/// `steeple serve`'s workloads: hello.spire's three services applied on an injected clock, the SVID
/// each workload's socket hands out, and the embedded SPIRE run on (renewal at half-life, CA
/// rotation) as the served data plane runs it, without waiting on wall time.
@Suite("served workloads: their SVIDs and bundles, renewed as the embedded SPIRE runs on")
struct ServedWorkloadsTests {
  static func served() async throws -> (ServedMesh, TestClock) {
    let clock = TestClock()
    let directory = try TemporaryDirectory.make("steeple-served-").path + "/state"
    let provider = try LocalProvider(stateDirectory: directory, clock: { clock.now })
    for resource in Lowering.resources(file: MeshChecksFixture.script) { _ = try await provider.apply(.create(resource)) }
    return (try await ServedMesh.start(provider), clock)
  }

  @Test("each service's workload holds the SVID its proxy presents, with its trust domain's bundle and a socket name")
  func workloads() async throws {
    let (served, _) = try await Self.served()
    let workloads = try await served.workloads()
    #expect(workloads.map(\.socketName) == ["yelb-appserver.sock", "yelb-db.sock", "yelb-ui.sock"])
    #expect(
      workloads.map { $0.svids.map(\.spiffeID.description) } == [
        ["spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver"], ["spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-db"],
        ["spiffe://am-multi-account-mesh/frontend"],
      ])
    for workload in workloads {
      let svid = try #require(workload.svids.first)
      #expect(workload.bundles.count == 1)
      #expect(workload.bundles[0].x509Authorities.contains(svid.authority))
      #expect(workload.problem == nil)
    }
    try await served.stop()
  }

  @Test("past half an SVID's lifetime the agents hold a new one: on the cloud's clock, and on a clock run ahead")
  func renewal() async throws {
    let (served, clock) = try await Self.served()
    let serials = { () async throws -> [String] in try await served.workloads().compactMap { $0.svids.first?.serialNumber } }
    let first = try await serials()
    try served.runSPIRE()
    #expect(try await serials() == first, "nothing is due yet")
    clock.advance(1801)  // svid_ttl 1h: renewed after 30 minutes
    try served.runSPIRE()
    let second = try await serials()
    #expect(second.count == 3 && Set(second).isDisjoint(with: first))
    try served.runSPIRE(advancingBy: 1801)  // `--time-scale`: the modelled clock runs ahead of the cloud's
    let third = try await serials()
    #expect(third.count == 3 && Set(third).isDisjoint(with: second))
    try await served.stop()
  }

  @Test("renewed SVIDs reach the listeners: after a renewal they present the new serial")
  func listenersRenewed() async throws {
    let (served, clock) = try await Self.served()
    let app = "am-multi-account-mesh/yelb-appserver"
    let id = try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver")
    let before = try served.secrets.svid(named: id).serialNumber
    #expect(try await !served.renewSecrets(from: served.workloads()))
    clock.advance(1801)
    try served.runSPIRE()
    let workloads = try await served.workloads()
    #expect(try await served.renewSecrets(from: workloads))
    let after = try served.secrets.svid(named: id).serialNumber
    #expect(after != before && after == workloads.first { $0.service == app }?.svids.first?.serialNumber)
    try await served.stop()
  }

  @Test("when the CA prepares its successor, the workloads' bundle holds both")
  func caRotation() async throws {
    let (served, _) = try await Self.served()
    let before = try #require(try await served.workloads().first?.bundles.first)
    #expect(before.x509Authorities.count == 1)
    try served.runSPIRE(advancingBy: 12 * 3600 + 60)  // ca_ttl 24h: the next CA is prepared at half its life
    let after = try #require(try await served.workloads().first?.bundles.first)
    #expect(after.x509Authorities.count == 2 && after.sequence > before.sequence)
    try await served.stop()
  }

  @Test("a JWT-SVID signed for a workload verifies against its bundle for that audience")
  func jwt() async throws {
    let (served, _) = try await Self.served()
    let workload = try #require(try await served.workloads().first)
    let token = try served.issueJWTSVID(for: workload.identity, audience: ["judge"])
    let checked = try JWTSVID.validate(token.token, audience: "judge", bundle: workload.bundles[0], now: try served.spireNow())
    #expect(checked.spiffeID == workload.identity)
    try await served.stop()
  }
}
