import Foundation
import Steeple
import SteepleEngine
import SteepleModel
import Testing

/// `steeple graph`'s picture: the tutorial's, in both formats (golden), the mesh's policy drawn from
/// scripts' `mesh.service` and `mesh.allow` declarations by the catalog's rule, and labels that no
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

  // MARK: - The mesh's policy, from scripts

  /// Two accounts and three workloads, each with its entry and `mesh.service`: ui (public, no TLS)
  /// calls app, which calls db; each admits its caller. `extra` is appended: checks, admissions.
  static func policyScript(_ extra: String = "") -> String {
    #"""
    import "aws"
    import "k8s"
    import "spire"
    import "mesh"
    let shared = account "shared" { region: "us-east-2" }
    let frontend = account "frontend" { region: "us-east-2" }
    aws.organization("org", accounts: [shared, frontend])
    let tgw = aws.transit_gateway("tgw", owner: shared, share_with: [frontend])
    let server_role = aws.role("spire-server", in: shared, trust: ["service:ec2.amazonaws.com"])
    let hub = cluster "hub" in shared { cidr: "10.10.0.0/16", network: tgw, node_role: server_role }
    let edge = cluster "edge" in frontend { cidr: "10.20.0.0/16", network: tgw }
    let access = aws.role("edge-access", in: frontend, trust: [server_role])
    aws.cluster_access(cluster: edge, role: access)
    let td = mesh "td" { server: { cluster: hub } }
    let edge_nodes = spire.node_alias(spire.agents("edge-agents", cluster: edge, mesh: td, api_role: access))
    let hub_nodes = spire.node_alias(spire.agents("hub-agents", cluster: hub, mesh: td, service_account: "spire-agent-hub"))
    k8s.namespace("yelb", in: edge)
    k8s.namespace("yelb", in: hub)
    let ui_pods = k8s.workload("ui", in: edge, namespace: "yelb", labels: { app: "ui" }, containers: ["envoy", "ui"], ports: [80])
    let app_pods = k8s.workload("app", in: hub, namespace: "yelb", labels: { app: "app" }, containers: ["envoy", "app"], ports: [4567])
    let db_pods = k8s.workload("db", in: hub, namespace: "yelb", labels: { app: "db" }, containers: ["envoy", "db"], ports: [5432])
    let ui_id = spire.workload_entry(ui_pods, "ui", parent: edge_nodes)
    let app_id = spire.workload_entry(app_pods, "app", parent: hub_nodes)
    let db_id = spire.workload_entry(db_pods, "db", parent: hub_nodes)
    let db = mesh.service("db", workload: db_pods, identity: db_id, port: 5432, allow: [app_id])
    let app = mesh.service("app", workload: app_pods, identity: app_id, port: 4567, allow: [ui_id], calls: [db])
    let ui = mesh.service("ui", workload: ui_pods, identity: ui_id, port: 80, tls: "none", public: true, calls: [app])
    """# + "\n" + extra
  }

  /// The graph of a script, drawn even when its checks report errors (a call the policy refuses
  /// is one), so the picture shows what is wrong.
  static func policyGraph(_ extra: String = "") -> (graph: TopologyGraph, diagnostics: String) {
    let outcome = ModelTestSupport.session().run(source: policyScript(extra), name: "policy.spire")
    let graph = TopologyGraph(topology: outcome.topology, resources: DesiredState.resources(for: outcome.topology))
    return (graph, DiagnosticRenderer(colors: false).render(outcome.diagnostics))
  }

  /// The lines of a Mermaid picture that draw the mesh's edges.
  static func serviceEdges(_ graph: TopologyGraph) -> String {
    MermaidRenderer.render(graph).split(separator: "\n")
      .filter { $0.contains("|\"") && $0.contains("workload_") && !$0.contains("SVID ") }
      .joined(separator: "\n")
  }

  @Test("services: calls admitted, admitted but not called, cross-account, and a verify denied the policy refuses")
  func policyEdges() throws {
    let (graph, diagnostics) = Self.policyGraph("verify denied ui -> db")
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    #expect(
      Self.serviceEdges(graph) == #"""
          outside -->|"public, plain"| workload_edge_yelb_ui
          workload_hub_yelb_db -.->|"admitted, not called · cross-account"| workload_edge_yelb_ui
          workload_hub_yelb_app -->|"calls it"| workload_hub_yelb_db
          workload_hub_yelb_app -.->|"admitted, not called · cross-account"| workload_edge_yelb_ui
          workload_edge_yelb_ui -->|"calls it · cross-account"| workload_hub_yelb_app
          workload_edge_yelb_ui --x|"verify denied: mesh.service #quot;db#quot; does not admit #quot;spiffe://td/ui#quot;"| workload_hub_yelb_db
        """#)
    let text = MermaidRenderer.render(graph)
    #expect(text.contains(#"workload_hub_yelb_app("app<br/>ns yelb · :4567<br/>service td/app :4567 http · tls strict<br/>spiffe://td/app")"#), "\(text)")
  }

  @Test("a mesh.allow admits a caller: the call is drawn admitted, with no denial")
  func policyAllow() throws {
    let (graph, diagnostics) = Self.policyGraph(#"mesh.allow(to: db, from: ui_id, reason: "the ui reads the db")"#)
    #expect(diagnostics.isEmpty, "\(diagnostics)")
    #expect(graph.edges.contains(.init(from: "workload_edge_yelb_ui", to: "workload_hub_yelb_db", label: "admitted, not called · cross-account", style: .dashed)))
    #expect(!graph.edges.contains { $0.style == .denied })
  }

  @Test("a call the policy refuses is drawn crossed, with the reason the checks give")
  func refusedCall() throws {
    let (graph, diagnostics) = Self.policyGraph(#"mesh.service("tracker", workload: ui_pods, identity: "spiffe://td/nobody", port: 8080, calls: [app])"#)
    #expect(diagnostics.contains("error: mesh.service \"tracker\" calls mesh.service \"app\", whose listener does not admit \"spiffe://td/nobody\""), "\(diagnostics)")
    #expect(
      graph.edges.contains(
        .init(from: "workload_edge_yelb_ui", to: "workload_hub_yelb_app", label: #"calls it, denied: no entry issues the identity of mesh.service "tracker" (spiffe://td/nobody)"#, style: .denied)))
  }

  @Test("the tutorial's policy: its three calls, yelb-ui refused by yelb-db, every other edge by the one rule")
  func tutorialPolicy() throws {
    let graph = try Self.tutorialGraph()
    let edges = graph.edges.filter { $0.from.hasPrefix("workload_") || $0.from == "outside" }.map { "\($0.from) -> \($0.to): \($0.label)" }
    let ns = "eks_cluster_"
    #expect(
      edges.sorted() == [
        "outside -> workload_\(ns)frontend_yelb_yelb_ui: public, plain",
        "workload_\(ns)backend_yelb_redis_server -> workload_\(ns)frontend_yelb_yelb_ui: admitted, not called · cross-account",
        "workload_\(ns)backend_yelb_yelb_appserver -> workload_\(ns)backend_yelb_redis_server: calls it",
        "workload_\(ns)backend_yelb_yelb_appserver -> workload_\(ns)backend_yelb_yelb_db: calls it",
        "workload_\(ns)backend_yelb_yelb_appserver -> workload_\(ns)frontend_yelb_yelb_ui: admitted, not called · cross-account",
        "workload_\(ns)backend_yelb_yelb_db -> workload_\(ns)frontend_yelb_yelb_ui: admitted, not called · cross-account",
        "workload_\(ns)frontend_yelb_yelb_ui -> workload_\(ns)backend_yelb_yelb_appserver: calls it · cross-account",
        #"workload_\#(ns)frontend_yelb_yelb_ui -> workload_\#(ns)backend_yelb_yelb_db: verify denied: mesh.service "yelb-db" does not admit "spiffe://am-multi-account-mesh/frontend""#,
      ])
  }

  @Test("a service the topology does not declare is still drawn, outside every box, with no edge: the rule reads declarations")
  func serviceWithoutDeclaration() throws {
    let outcome = ModelTestSupport.session().run(source: Self.policyScript(), name: "policy.spire")
    let stray = Resource(
      address: ResourceAddress(type: "mesh.service", name: "td/tracker"), placement: Placement(account: "elsewhere", cluster: "elsewhere"),
      attributes: [
        ModelField("service", .string("tracker")), ModelField("identity", .string("spiffe://td/app")), ModelField("cluster", .string("elsewhere")),
        ModelField("port", .int(8080)), ModelField("protocol", .string("http")), ModelField("tls", .string("strict")),
        ModelField("calls", .list([.string("td/app")])),
      ])
    let graph = TopologyGraph(topology: outcome.topology, resources: DesiredState.resources(for: outcome.topology) + [stray])
    let node = try #require(graph.nodes.first { $0.id == "service_td_tracker" })
    #expect(node.lines == ["tracker", "service td/tracker :8080 http · tls strict", "spiffe://td/app"])
    #expect(!graph.edges.contains { $0.from == "service_td_tracker" || $0.to == "service_td_tracker" })
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
