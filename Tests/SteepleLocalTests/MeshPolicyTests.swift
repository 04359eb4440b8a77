import SteepleEngine
import SteepleModel
import Testing

/// The local cloud records the mesh's policy: services after their pods, admissions after their
/// service, each as declared, again without change, and gone when deleted.
@Suite("Mesh policy in the local cloud")
struct MeshPolicyTests {
  static let script = """
    import "k8s"
    import "spire"
    import "mesh"
    let shared = account "shared" { region: "us-east-2" }
    let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", nodes: 1 }
    let td = mesh "am-multi-account-mesh" { server: { cluster: hub } }
    let nodes = spire.node_alias(spire.agents("hub-k8s-cluster", cluster: hub, mesh: td))
    k8s.namespace("yelb", in: hub)
    let ui_pods = k8s.workload("yelb-ui", in: hub, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["yelb-ui"], ports: [80])
    let app_pods = k8s.workload("yelb-appserver", in: hub, namespace: "yelb", labels: { app: "yelb-appserver" }, containers: ["yelb-appserver"], ports: [4567])
    let ui_id = spire.workload_entry(ui_pods, "ns/yelb/sa/yelb-ui", parent: nodes)
    let app_id = spire.workload_entry(app_pods, "ns/yelb/sa/yelb-appserver", parent: nodes)
    let app = mesh.service("yelb-appserver", workload: app_pods, identity: app_id, port: 4567)
    let ui = mesh.service("yelb-ui", workload: ui_pods, identity: ui_id, port: 80, calls: [app])
    mesh.allow(to: app, from: ui, reason: "the ui reads votes")
    """

  @Test("services and admissions are recorded as declared, idempotently, and removed with their rows")
  func recordsThePolicy() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(source: Self.script)
    try await fixture.createAll(resources)
    let mesh = resources.filter { $0.address.type.hasPrefix("mesh.") }
    #expect(mesh.map(\.address.description) == [
      "mesh.service.am-multi-account-mesh/yelb-appserver", "mesh.service.am-multi-account-mesh/yelb-ui",
      "mesh.allow.am-multi-account-mesh/yelb-appserver <- spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui",
    ])
    // What the cloud observes, in address order, is what was declared.
    let declared = mesh.sorted { $0.address < $1.address }
    let observed = try await fixture.provider.observe().filter { $0.address.type.hasPrefix("mesh.") }
    #expect(observed.map(\.address) == declared.map(\.address))
    #expect(observed.map(\.attributes) == declared.map(\.attributes))

    // A create resumed over what exists changes nothing.
    for resource in mesh { try await fixture.create(resource) }
    #expect(try await fixture.provider.observe().filter { $0.address.type.hasPrefix("mesh.") }.map(\.attributes) == declared.map(\.attributes))

    // Once the service is gone, an admission to it has nothing to admit to.
    try await fixture.delete(mesh[2].address)
    try await fixture.delete(mesh[0].address)
    let orphan = try #require(await fixture.failure(mesh[2].withoutDependency(on: mesh[0].address)))
    #expect(orphan.code == "NotFound")
    #expect(orphan.message == "mesh.allow admits to mesh.service am-multi-account-mesh/yelb-appserver, which does not exist")
  }

  @Test("a service needs its workload's pod")
  func serviceNeedsItsPod() async throws {
    let fixture = try CloudFixture()
    let resources = Lowering.resources(source: Self.script)
    let pod = ResourceAddress(type: "k8s.pod", name: "hub/yelb/yelb-ui")
    try await fixture.createAll(resources.filter { $0.address.type != "mesh.service" && $0.address.type != "mesh.allow" && $0.address != pod })
    let service = try #require(resources.first { $0.address.name == "am-multi-account-mesh/yelb-ui" })
    let failure = try #require(await fixture.failure(service.withoutDependency(on: pod)))
    #expect(failure.code == "NotFound")
    #expect(failure.message == "the workload hub/yelb/yelb-ui of mesh.service am-multi-account-mesh/yelb-ui does not exist")
  }
}
