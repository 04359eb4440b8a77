import Foundation
import Steeple
import SteepleEngine
import SteepleModel
import Testing

/// `steeple graph`'s picture: the tutorial's, in both formats (golden), the mesh's policy drawn from
/// `mesh.service` and `mesh.allow` resources shaped as the mesh contract says, and labels that no
/// declared text can break.
@Suite("topology graph")
struct GraphTests {
  static let tutorialPath = ModelTestSupport.packageRoot.appendingPathComponent("stdlib/tutorial/multi-account.spire").path

  static func tutorialGraph() throws -> TopologyGraph {
    let outcome = ModelTestSupport.session().run(file: tutorialPath)
    guard outcome.succeeded else { throw DiagnosticList(outcome.diagnostics) }
    return TopologyGraph(topology: outcome.topology, resources: DesiredState.resources(for: outcome.topology))
  }

  /// Compares with a golden file; set STEEPLE_UPDATE_GOLDEN=1 to rewrite it from what the code draws.
  static func expectGolden(_ actual: String, _ name: String) throws {
    if ProcessInfo.processInfo.environment["STEEPLE_UPDATE_GOLDEN"] != nil {
      try actual.write(
        to: ModelTestSupport.packageRoot.appendingPathComponent("Tests/SteepleModelTests/Golden/\(name)"), atomically: true,
        encoding: .utf8)
    }
    #expect(actual == (try ModelTestSupport.golden(name)))
  }

  @Test("the tutorial as Mermaid (golden)")
  func tutorialMermaid() throws {
    try Self.expectGolden(MermaidRenderer.render(try Self.tutorialGraph()), "tutorial.mmd")
  }

  @Test("the tutorial as DOT (golden)")
  func tutorialDOT() throws {
    try Self.expectGolden(DOTRenderer.render(try Self.tutorialGraph()), "tutorial.dot")
  }

  @Test("the tutorial's picture: accounts in the organization, clusters in accounts, the gateway, attestation and SVIDs")
  func tutorialStructure() throws {
    let graph = try Self.tutorialGraph()
    #expect(graph.groups.map(\.title) == ["organization am-multi-account"])
    let accounts = graph.groups[0].groups
    #expect(accounts.map(\.title) == ["account shared · us-east-2", "account frontend · us-east-2", "account backend · us-east-2"])
    #expect(accounts.map { $0.groups.map(\.title) } == [["cluster eks-cluster-shared"], ["cluster eks-cluster-frontend"], ["cluster eks-cluster-backend"]])
    #expect(accounts[0].nodes.map(\.id) == ["tgw_tgw_shared", "share_tgw_shared"])
    let edges = graph.edges.map { "\($0.from) -> \($0.to): \($0.label)" }
    #expect(edges.filter { $0.hasSuffix(": attachment") }.count == 3)
    #expect(edges.contains("agents_frontend_k8s_cluster -> server_am_multi_account_mesh: k8s_psat frontend-k8s-cluster, TokenReview as eks-cluster-frontend-access-role"))
    #expect(edges.contains("agents_backend_k8s_cluster -> workload_eks_cluster_backend_yelb_yelb_db: SVID spiffe://am-multi-account-mesh/yelbdb"))
    #expect(edges.filter { $0.contains(": SVID ") }.count == 4, "one SVID edge per workload entry, each to the one workload it selects")
  }

  // MARK: - The mesh's policy, from contract-shaped resources

  /// Two accounts and three workloads; their services and the `spire.entry`s that issue their
  /// identities come as resources made by hand, as the mesh contract shapes them.
  static let policyScript = #"""
    import "aws"
    import "k8s"
    import "spire"
    let shared = account "shared" { region: "us-east-2" }
    let frontend = account "frontend" { region: "us-east-2" }
    let hub = cluster "hub" in shared { cidr: "10.10.0.0/16" }
    let edge = cluster "edge" in frontend { cidr: "10.20.0.0/16" }
    let td = mesh "td" { server: { cluster: hub } }
    k8s.namespace("yelb", in: edge)
    k8s.namespace("yelb", in: hub)
    k8s.workload("ui", in: edge, namespace: "yelb", labels: { app: "ui" }, containers: ["envoy", "ui"])
    k8s.workload("app", in: hub, namespace: "yelb", labels: { app: "app" }, containers: ["envoy", "app"])
    k8s.workload("db", in: hub, namespace: "yelb", labels: { app: "db" }, containers: ["envoy", "db"])

    """#

  static func service(
    _ name: String, account: String, cluster: String, identity: String, port: Int, tls: String = "strict", allow: [String] = [],
    calls: [String] = [], isPublic: Bool = false
  ) -> Resource {
    Resource(
      address: ResourceAddress(type: "mesh.service", name: "td/\(name)"), placement: Placement(account: account, cluster: cluster),
      attributes: [
        ModelField("trust_domain", .string("td")), ModelField("service", .string(name)), ModelField("identity", .string(identity)),
        ModelField("cluster", .string(cluster)), ModelField("namespace", .string("yelb")), ModelField("workload", .string(name)),
        ModelField("port", .int(port)), ModelField("protocol", .string("http")), ModelField("tls", .string(tls)),
        ModelField("allow", .list(allow.map(ModelValue.string))), ModelField("calls", .list(calls.map(ModelValue.string))),
        ModelField("public", .bool(isPublic)), ModelField("proxy", .string("envoy")),
      ])
  }

  static func policyGraph(_ extra: [Resource] = [], ui: Resource? = nil) throws -> TopologyGraph {
    let topology = try ModelTestSupport.topology(policyScript)
    let services = [
      ui ?? service("ui", account: "frontend", cluster: "edge", identity: "spiffe://td/ui", port: 80, tls: "none", calls: ["td/app", "td/db"], isPublic: true),
      service("app", account: "shared", cluster: "hub", identity: "spiffe://td/app", port: 4567, allow: ["spiffe://td/ui"], calls: ["td/db"]),
      service("db", account: "shared", cluster: "hub", identity: "spiffe://td/db", port: 5432, allow: ["spiffe://td/app"]),
    ]
    let entries = ["ui", "app", "db"].map { name in
      Resource(
        address: ResourceAddress(type: "spire.entry", name: "spiffe://td/\(name)"), placement: Placement(account: "shared", cluster: "hub"),
        attributes: [ModelField("spiffe_id", .string("spiffe://td/\(name)"))])
    }
    return TopologyGraph(topology: topology, resources: entries + services + extra)
  }

  @Test("services: calls admitted, admitted but not called, cross-account, denied calls and verify denied")
  func policyEdges() throws {
    let graph = try Self.policyGraph()
    let text = MermaidRenderer.render(graph)
    let edges = text.split(separator: "\n").filter { $0.contains("|\"") && !$0.contains(": attachment") }.joined(separator: "\n")
    #expect(
      edges == """
          outside -->|"public, plain"| workload_edge_yelb_ui
          workload_edge_yelb_ui -->|"calls it · cross-account"| workload_hub_yelb_app
          workload_edge_yelb_ui --x|"calls it, denied: db does not admit spiffe://td/ui"| workload_hub_yelb_db
          workload_hub_yelb_app -.->|"admitted, not called · cross-account"| workload_edge_yelb_ui
          workload_hub_yelb_app -->|"calls it"| workload_hub_yelb_db
          workload_hub_yelb_db -.->|"admitted, not called · cross-account"| workload_edge_yelb_ui
        """)
    #expect(text.contains("  linkStyle 2 stroke:#c0392b,color:#c0392b\n"))
    #expect(text.contains(#"workload_hub_yelb_app("app<br/>ns yelb<br/>service td/app :4567 http · tls strict<br/>spiffe://td/app")"#))
  }

  @Test("a mesh.allow admits a caller; a service with tls none admits everyone")
  func policyAllowAndVerify() throws {
    let allow = Resource(
      address: ResourceAddress(type: "mesh.allow", name: "td/db <- spiffe://td/ui"), placement: Placement(account: "shared", cluster: "hub"),
      attributes: [ModelField("trust_domain", .string("td")), ModelField("to", .string("td/db")), ModelField("from", .string("spiffe://td/ui"))])
    let admitted = try Self.policyGraph([allow])
    #expect(admitted.edges.contains(.init(from: "workload_edge_yelb_ui", to: "workload_hub_yelb_db", label: "calls it · cross-account", style: .call)))

    // app admits nothing but is called by nobody else; ui is `tls: none`, so app and db may reach it.
    #expect(admitted.edges.contains(.init(from: "workload_hub_yelb_app", to: "workload_edge_yelb_ui", label: "admitted, not called · cross-account", style: .dashed)))
  }

  @Test("an identity no entry issues refuses the edge and says so")
  func unissuedIdentity() throws {
    let ui = Self.service("ui", account: "frontend", cluster: "edge", identity: "spiffe://td/nobody", port: 80, calls: ["td/app"])
    let graph = try Self.policyGraph(ui: ui)
    #expect(graph.edges.contains(.init(from: "workload_edge_yelb_ui", to: "workload_hub_yelb_app", label: "calls it, denied: no entry issues spiffe://td/nobody", style: .denied)))
  }

  @Test("a service whose cluster is not declared is still drawn, outside every box")
  func serviceWithoutCluster() throws {
    let stray = Self.service("tracker", account: "elsewhere", cluster: "elsewhere", identity: "spiffe://td/app", port: 8080, calls: ["td/app"])
    let graph = try Self.policyGraph([stray])
    let node = try #require(graph.nodes.first { $0.id == "service_td_tracker" })
    #expect(node.lines == ["tracker", "service td/tracker :8080 http · tls strict", "spiffe://td/app"])
    #expect(graph.edges.contains(.init(from: "service_td_tracker", to: "workload_hub_yelb_app", label: "calls it, denied: app does not admit spiffe://td/app", style: .denied)))
  }

  // MARK: - Escaping

  @Test("labels are escaped: Mermaid's #codes, DOT's backslashes")
  func escaping() throws {
    let tricky = #"a"b<c>#d|e&f\g"#
    #expect(MermaidRenderer.escape(tricky) == "a#quot;b#lt;c#gt;#35;d#124;e#amp;f\\g")
    #expect(DOTRenderer.quote(tricky) == #""a\"b<c>#d|e&f\\g""#)
    let topology = try ModelTestSupport.topology(#"""
      import "k8s"
      let home = account "home" { region: "us-east-2" }
      let c = cluster "c" in home { cidr: "10.0.0.0/16" }
      k8s.workload("w", in: c, containers: ["w"], image: "reg/x:\"1\"<2>|3")
      """#)
    let graph = TopologyGraph(topology: topology, resources: [])
    #expect(MermaidRenderer.render(graph).contains(#"workload_c_default_w["w<br/>ns default · reg/x:#quot;1#quot;#lt;2#gt;#124;3"]"#))
    #expect(DOTRenderer.render(graph).contains(#""workload_c_default_w" [label="w\nns default · reg/x:\"1\"<2>|3", shape=box];"#))
  }

  // MARK: - README

  /// The README's picture is what `steeple graph stdlib/tutorial/multi-account.spire` prints.
  @Test("README's Mermaid picture of the tutorial is current")
  func readmePicture() throws {
    let readme = try String(contentsOf: ModelTestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: "<!-- steeple graph stdlib/tutorial/multi-account.spire -->\n```mermaid\n"))
    let end = try #require(readme.range(of: "```\n", range: start.upperBound..<readme.endIndex))
    let expected = MermaidRenderer.render(try Self.tutorialGraph())
    #expect(
      String(readme[start.upperBound..<end.lowerBound]) == expected,
      "regenerate it: steeple graph stdlib/tutorial/multi-account.spire, pasted between the marker's ```mermaid fence")
  }
}
