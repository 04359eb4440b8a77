import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleSPIRE
import SteepleTestSupport
import Testing

/// A clock the test moves by hand: no test waits on wall time.
final class TestClock: @unchecked Sendable {
  private let lock = NSLock()
  private var time = Date(timeIntervalSince1970: 1_790_000_000)

  var now: Date { lock.withLock { time } }
  func advance(_ seconds: TimeInterval) { lock.withLock { time += seconds } }
}

/// The embedded SPIRE applied by the local provider from a real script's lowering, on an injected
/// clock: its handlers, `verify attested` and `verify svid` with their first causes, and the
/// modelled clock of `after:` and `stop:`.
struct SPIRERuntimeFixture {
  static let script = "Tests/SteepleTests/Fixtures/spire-apply.spire"
  static let agents = "am-multi-account-mesh/frontend-k8s-cluster"
  static let workload = "eks-cluster-frontend/yelb/yelb-ui"
  static let frontendID = "spiffe://am-multi-account-mesh/frontend"

  let provider: LocalProvider
  let clock: TestClock
  let resources: [Resource]

  /// The fixture's resources (changed by `change`), applied in order; `nil` when one failed, with its error.
  static func make(_ change: (inout [Resource]) -> Void = { _ in }) async throws -> (SPIRERuntimeFixture, ProviderError?) {
    let clock = TestClock()
    let directory = try TemporaryDirectory.make("steeple-spire-").path + "/state"
    let provider = try LocalProvider(stateDirectory: directory, clock: { clock.now })
    var resources = Lowering.resources(file: script)
    change(&resources)
    let fixture = SPIRERuntimeFixture(provider: provider, clock: clock, resources: resources)
    for resource in resources {
      do {
        _ = try await provider.apply(.create(resource))
      } catch let error as ProviderError {
        return (fixture, error)
      }
    }
    return (fixture, nil)
  }

  func check(_ kind: String, _ argument: String, _ fields: [ModelField] = []) async throws -> CheckOutcome {
    try await provider.check(Check(kind: kind, arguments: [.string(argument)], fields: fields))
  }

  static func reason(_ outcome: CheckOutcome) -> String {
    if case .failed(let reason) = outcome { return reason }
    return "not a failure: \(outcome)"
  }

  static func detail(_ outcome: CheckOutcome) -> String {
    if case .passed(let detail) = outcome { return detail }
    return "not a pass: \(outcome)"
  }
}

@Suite("the embedded SPIRE applied by the local provider")
struct SPIRERuntimeTests {
  @Test("apply attests both agents for real; each holds an SVID for the workload entry; outputs show IDs, never keys")
  func applied() async throws {
    let (fixture, error) = try await SPIRERuntimeFixture.make()
    #expect(error == nil, "\(String(describing: error))")
    let observed = try await fixture.provider.observe()
    let agents = try #require(observed.first { $0.address.type == "spire.agents" })
    let ids = try #require(agents.outputs.first { $0.name == "agent_ids" }?.value.list).compactMap(\.string)
    #expect(ids.count == 2)
    #expect(ids.allSatisfy { $0.hasPrefix("spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/") })
    let ca = try #require(observed.first { $0.address.type == "spire.ca" })
    #expect(ca.outputs.map(\.name) == ["id", "expires", "bundle_sequence"])
    let server = try #require(observed.first { $0.address.type == "spire.server" })
    #expect(server.outputs.first { $0.name == "id" }?.value.string == "spiffe://am-multi-account-mesh/spire/server")
    let entry = try #require(observed.first { $0.address.name == SPIRERuntimeFixture.frontendID })
    #expect(entry.outputs.first { $0.name == "revision" }?.value.int == 0)

    let trustDomain = try TrustDomain("am-multi-account-mesh")
    let held = try fixture.provider.cloud.heldSVIDs(trustDomain).filter { $0.svid.spiffeID.description == SPIRERuntimeFixture.frontendID }
    #expect(Set(held.map(\.agentID.description)) == Set(ids))
    #expect(held.allSatisfy { $0.svid.notBefore <= fixture.clock.now && fixture.clock.now < $0.svid.notAfter })

    // Applying an action whose effect holds changes nothing: the same agents and SVIDs.
    for resource in fixture.resources { _ = try await fixture.provider.apply(.create(resource)) }
    let again = try fixture.provider.cloud.heldSVIDs(trustDomain).filter { $0.svid.spiffeID.description == SPIRERuntimeFixture.frontendID }
    #expect(again.map(\.svid.serialNumber) == held.map(\.svid.serialNumber))
  }

  @Test("TokenReview Unauthorized: the agents' action fails with that first cause and leaves no agent behind")
  func unauthorized() async throws {
    let (fixture, error) = try await SPIRERuntimeFixture.make { resources in
      resources.removeAll { $0.address.type == "eks.access" }
      resources = resources.map { $0.withoutDependency(on: address("eks.access", "eks-cluster-frontend/frontend/eks-cluster-frontend-access-role")) }
    }
    let failure = try #require(error)
    #expect(failure.code == "AgentAttestationFailed")
    #expect(failure.address?.type == "spire.agents")
    #expect(failure.message.hasPrefix("first cause: TokenReview: "), "\(failure.message)")
    #expect(failure.message.contains("Unauthorized"), "\(failure.message)")
    #expect(try await fixture.provider.observe().contains { $0.address.type == "spire.agents" } == false)
    #expect(try fixture.provider.cloud.attestedAgents(try TrustDomain("am-multi-account-mesh")).isEmpty)
    #expect(try fixture.provider.cloud.agents(cluster: "eks-cluster-frontend", namespace: "spire").isEmpty)
  }

  /// One broken link of the agents' chain each, and the first cause the apply fails with.
  static let brokenLinks: [(change: String, cause: String)] = [
    ("no route from the agents' VPC to the server", "first cause: network: "),
    ("a cluster name the server does not know", "first cause: cluster name: "),
    ("a service account off the allow list", "first cause: allow list: "),
    ("agents configured for another trust domain", "first cause: trust domain: "),
    ("no bootstrap bundle delivered", "first cause: bootstrap bundle: "),
  ]

  static func breaking(_ change: String) -> (inout [Resource]) -> Void {
    func set(_ type: String, _ name: String, _ value: ModelValue) -> (Resource) -> Resource {
      { resource in
        guard resource.address.type == type else { return resource }
        var copy = resource
        copy.attributes = copy.attributes.filter { $0.name != name } + [ModelField(name, value)]
        return copy
      }
    }
    func drop(_ wanted: @escaping (Resource) -> Bool) -> (inout [Resource]) -> Void {
      { resources in
        let gone = resources.filter(wanted).map(\.address)
        resources = resources.filter { !wanted($0) }.map { resource in gone.reduce(resource) { $0.withoutDependency(on: $1) } }
      }
    }
    switch change {
    case "no route from the agents' VPC to the server":
      return drop { $0.address.type == "ec2.route" && $0.address.name.hasPrefix("eks-cluster-frontend/") }
    case "a cluster name the server does not know":
      return { $0 = $0.map(set("spire.agents", "cluster_name", .string("frontend-k8s-clustr"))) }
    case "a service account off the allow list":
      return { $0 = $0.map(set("spire.psat_cluster", "allow", .list([.string("spire:spire-agent")]))) }
    case "agents configured for another trust domain":
      return { $0 = $0.map(set("spire.agents", "trust_domain", .string("other-mesh"))) }
    default:
      return drop { $0.address.type == "spire.bundle" }
    }
  }

  @Test("each broken link fails the agents' apply with its first cause", arguments: brokenLinks.map(\.change))
  func brokenLink(_ change: String) async throws {
    let cause = try #require(Self.brokenLinks.first { $0.change == change }?.cause)
    let (fixture, error) = try await SPIRERuntimeFixture.make(Self.breaking(change))
    let failure = try #require(error, "the apply went through")
    #expect(failure.address?.type == "spire.agents", "\(failure)")
    #expect(failure.message.hasPrefix(cause), "\(failure.message)")
    #expect(try fixture.provider.cloud.attestedAgents(try TrustDomain("am-multi-account-mesh")).isEmpty)
  }

  @Test("verify svid with an id no entry gives, or a valid_for longer than the SVID has left, fails with that cause")
  func svidExpectations() async throws {
    let (fixture, _) = try await SPIRERuntimeFixture.make()
    let other = try await fixture.check("svid", SPIRERuntimeFixture.workload, [ModelField("id", .string("spiffe://am-multi-account-mesh/backend"))])
    #expect(
      SPIRERuntimeFixture.reason(other).hasPrefix("first cause: no entry applies: no entry for spiffe://am-multi-account-mesh/backend is authorized"),
      "\(other)")
    let long = try await fixture.check("svid", SPIRERuntimeFixture.workload, [ModelField("valid_for", .int(7200))])
    #expect(SPIRERuntimeFixture.reason(long).hasPrefix("first cause: SVID expires too soon: "), "\(long)")
    #expect(SPIRERuntimeFixture.reason(long).hasSuffix("in 3600s, not valid for 7200s"), "\(long)")
  }

  @Test("verify attested passes with the agent IDs; verify svid with its ID, serial, expiry and chain")
  func checksPass() async throws {
    let (fixture, error) = try await SPIRERuntimeFixture.make()
    #expect(error == nil)
    let attested = try await fixture.check("attested", SPIRERuntimeFixture.agents)
    #expect(SPIRERuntimeFixture.detail(attested).hasPrefix("2 agents of \(SPIRERuntimeFixture.agents) attested: spiffe://"), "\(attested)")
    let svid = try await fixture.check(
      "svid", SPIRERuntimeFixture.workload,
      [ModelField("container", .string("envoy")), ModelField("id", .string(SPIRERuntimeFixture.frontendID)), ModelField("valid_for", .int(600))])
    let detail = SPIRERuntimeFixture.detail(svid)
    #expect(detail.hasPrefix("\(SPIRERuntimeFixture.workload) (container envoy) holds \(SPIRERuntimeFixture.frontendID): serial "), "\(detail)")
    #expect(detail.contains("(in 3600s), chain of 2"), "\(detail)")
  }

  @Test("verify svid for a container no entry applies to names the closest entry and the selectors it lacks")
  func noEntryApplies() async throws {
    let (fixture, _) = try await SPIRERuntimeFixture.make()
    let outcome = try await fixture.check("svid", SPIRERuntimeFixture.workload, [ModelField("container", .string("yelb-ui"))])
    #expect(
      SPIRERuntimeFixture.reason(outcome).hasPrefix(
        "first cause: no entry applies to \(SPIRERuntimeFixture.workload): the closest, \(SPIRERuntimeFixture.frontendID) (entry "),
      "\(outcome)")
    #expect(SPIRERuntimeFixture.reason(outcome).hasSuffix("lacks k8s:container-name:envoy for container yelb-ui"), "\(outcome)")
  }

  @Test("after: half the SVID TTL renews the SVIDs; a stopped server lets them expire, and verify svid says so")
  func rotationAndExpiry() async throws {
    let (fixture, _) = try await SPIRERuntimeFixture.make()
    let trustDomain = try TrustDomain("am-multi-account-mesh")
    let before = try fixture.provider.cloud.heldSVIDs(trustDomain).map(\.svid.serialNumber)
    let renewed = try await fixture.check("svid", SPIRERuntimeFixture.workload, [ModelField("after", .int(1900))])
    #expect(SPIRERuntimeFixture.detail(renewed).contains("(in 3600s)"), "\(renewed)")
    let after = try fixture.provider.cloud.heldSVIDs(trustDomain).map(\.svid.serialNumber)
    #expect(Set(before).isDisjoint(with: after), "every SVID past half its lifetime was renewed")

    let expired = try await fixture.check(
      "svid", SPIRERuntimeFixture.workload, [ModelField("stop", .list([.string("am-multi-account-mesh")])), ModelField("after", .int(7200))])
    #expect(SPIRERuntimeFixture.reason(expired).hasPrefix("first cause: SVID expired: \(SPIRERuntimeFixture.frontendID) (serial "), "\(expired)")
    #expect(SPIRERuntimeFixture.reason(expired).hasSuffix("it was not renewed, the SPIRE server of 'am-multi-account-mesh' is stopped"), "\(expired)")
    let attested = try await fixture.check("attested", SPIRERuntimeFixture.agents)
    #expect(SPIRERuntimeFixture.reason(attested).hasPrefix("first cause: server stopped: "), "\(attested)")
  }

  @Test("a stopped agent set renews nothing: the workload's SVID expires and verify svid names the expiry")
  func stoppedAgents() async throws {
    let (fixture, _) = try await SPIRERuntimeFixture.make()
    let outcome = try await fixture.check(
      "svid", SPIRERuntimeFixture.workload,
      [ModelField("stop", .list([.string(SPIRERuntimeFixture.agents)])), ModelField("after", .int(4000))])
    #expect(SPIRERuntimeFixture.reason(outcome).hasPrefix("first cause: SVID expired: "), "\(outcome)")
    #expect(SPIRERuntimeFixture.reason(outcome).hasSuffix("it was not renewed, the agents \(SPIRERuntimeFixture.agents) are stopped"), "\(outcome)")
    let attested = try await fixture.check("attested", SPIRERuntimeFixture.agents)
    #expect(SPIRERuntimeFixture.reason(attested).contains("are stopped"), "\(attested)")
  }

  @Test("a copied bundle goes stale when the CA rotates: verify attested fails at the bootstrap bundle; a published one stays fresh")
  func staleBundle() async throws {
    func bundle(_ delivery: String) -> (inout [Resource]) -> Void {
      { resources in
        resources = resources.map { resource in
          guard resource.address.type == "spire.bundle" else { return resource }
          var copy = resource
          copy.attributes = copy.attributes.filter { $0.name != "delivery" } + [ModelField("delivery", .string(delivery))]
          return copy
        }
      }
    }
    let (copied, _) = try await SPIRERuntimeFixture.make(bundle("copy"))
    // Past the CA's activation threshold (a sixth of its 24h before its end): the next CA signs.
    let stale = try await copied.check("attested", SPIRERuntimeFixture.agents, [ModelField("after", .int(21 * 3600))])
    #expect(SPIRERuntimeFixture.reason(stale).hasPrefix("first cause: bootstrap bundle: "), "\(stale)")
    #expect(SPIRERuntimeFixture.reason(stale).contains("it is stale"), "\(stale)")

    let (published, _) = try await SPIRERuntimeFixture.make(bundle("publish"))
    let fresh = try await published.check("attested", SPIRERuntimeFixture.agents, [ModelField("after", .int(21 * 3600))])
    #expect(SPIRERuntimeFixture.detail(fresh).hasPrefix("2 agents"), "\(fresh)")
  }

  @Test("stop: names what it cannot find with a did-you-mean")
  func stopUnknown() async throws {
    let (fixture, _) = try await SPIRERuntimeFixture.make()
    let outcome = try await fixture.check(
      "attested", SPIRERuntimeFixture.agents, [ModelField("stop", .list([.string("am-multi-account-mesh/frontend-k8s-clustr")]))])
    #expect(
      SPIRERuntimeFixture.reason(outcome)
        == "stop: no agents (<trust domain>/<name>) or server (<trust domain>) named 'am-multi-account-mesh/frontend-k8s-clustr': did you mean 'am-multi-account-mesh/frontend-k8s-cluster'?")
  }
}
