import SteepleCatalog
import SteepleEngine
import SteepleModel
import Testing

/// The mesh's policy as resources, and `verify` as the engine's checks, as the shared contract names them.
@Suite("Mesh policy lowering")
struct MeshLoweringTests {
  static let source = MeshPolicyCheckTests.base + """
    mesh.allow(to: app, from: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver", reason: "callbacks")
    verify mtls "yelb-ui" -> "hub/yelb/yelb-appserver" { timeout: "1m" }
    verify reachable ui_pods -> app

    """

  @Test("services and admissions lower to mesh.service and mesh.allow, after their pods")
  func resources() throws {
    let topology = try ModelTestSupport.topology(Self.source)
    let mesh = DesiredState.resources(for: topology).filter { $0.address.type.hasPrefix("mesh.") }
    #expect(ModelTestSupport.render(mesh) == #"""
      mesh.service.am-multi-account-mesh/yelb-appserver [shared/hub] { trust_domain: "am-multi-account-mesh", service: "yelb-appserver", identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver", cluster: "hub", namespace: "yelb", workload: "yelb-appserver", port: 4567, protocol: "http", tls: "strict", allow: ["spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui"], calls: [], public: false, proxy: "envoy" } replace: service,trust_domain <- k8s.pod.hub/yelb/yelb-appserver, spire.entry.spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver
      mesh.service.am-multi-account-mesh/yelb-ui [shared/hub] { trust_domain: "am-multi-account-mesh", service: "yelb-ui", identity: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui", cluster: "hub", namespace: "yelb", workload: "yelb-ui", port: 80, protocol: "http", tls: "permissive", allow: [], calls: ["am-multi-account-mesh/yelb-appserver"], public: true, proxy: "envoy" } replace: service,trust_domain <- k8s.pod.hub/yelb/yelb-ui, spire.entry.spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui
      mesh.allow.am-multi-account-mesh/yelb-appserver <- spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver [shared/hub] { trust_domain: "am-multi-account-mesh", to: "am-multi-account-mesh/yelb-appserver", from: "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver", reason: "callbacks" } replace: from,to,trust_domain <- mesh.service.am-multi-account-mesh/yelb-appserver

      """#)
    #expect(mesh.map(\.origin) == [
      DeclarationID(kind: "mesh.service", name: "yelb-appserver"), DeclarationID(kind: "mesh.service", name: "yelb-ui"),
      DeclarationID(kind: "mesh.allow", name: "yelb-appserver/spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver"),
    ])
  }

  @Test("verify lowers to checks on resource names, handles and strings alike, durations in seconds")
  func checks() throws {
    let topology = try ModelTestSupport.topology(Self.source)
    let ui = "am-multi-account-mesh/yelb-ui"
    let app = "am-multi-account-mesh/yelb-appserver"
    let checks = DesiredState.checks(for: topology).map { Check(kind: $0.kind, arguments: $0.arguments, fields: $0.fields) }
    #expect(checks == [
      Check(kind: "mtls", arguments: [.string(ui), .string(app)]),
      Check(kind: "denied", arguments: [.string(app), .string(ui)]),
      Check(
        kind: "svid", arguments: [.string(ui)],
        fields: [
          ModelField("container", .string("envoy")), ModelField("id", .string("spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui")),
          ModelField("valid_for", .int(1800)),
        ]),
      Check(
        kind: "attested", arguments: [.string("am-multi-account-mesh/hub-k8s-cluster")],
        fields: [ModelField("after", .int(7200)), ModelField("stop", .list([.string("am-multi-account-mesh/hub-k8s-cluster")]))]),
      Check(kind: "all", arguments: [.string(app), .string(ui)], fields: [ModelField("declared", .list([.string("\(ui) -> \(app)")]))]),
      Check(kind: "mtls", arguments: [.string(ui), .string(app)], fields: [ModelField("timeout", .int(60))]),
      Check(kind: "reachable", arguments: [.string("hub/yelb/yelb-ui"), .string("hub/yelb/yelb-appserver")]),
    ])
  }
}
