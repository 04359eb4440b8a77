import Foundation
import Steeple
import SteepleModel
import Testing

/// `stdlib/tutorial/multi-account.spire` and `stdlib/yelb.spire`: the public names forks use, the
/// six registration entries exactly as the tutorial registers them, and Yelb's workloads.
@Suite("tutorial library")
struct TutorialTests {
  /// A fork's first lines: the tutorial imported by its library path.
  static func fork(_ body: String) -> Session.Outcome {
    ModelTestSupport.session().run(source: "import \"tutorial/multi-account\" as t\n" + body, name: "fork/fork.spire")
  }

  @Test("checks clean: no error and no warning")
  func checksClean() {
    let outcome = Self.fork("")
    #expect(outcome.diagnostics.isEmpty, "\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
  }

  @Test("its public names exist, with the kinds and names the header documents")
  func publicNames() throws {
    let outcome = Self.fork(#"""
      let r = [t.region, type(t.org), t.org.name, type(t.tgw), t.tgw.name, type(t.td), t.td.name, type(t.hub), t.hub.name]
      let f = [t.front.cluster.name, t.front.agents.name, t.front.alias.name, t.back.cluster.name, t.back.agents.name, t.back.alias.name]
      let a = [t.shared.name, t.frontend.name, t.backend.name, t.spire_nodes.name, type(t.agent_cluster)]
      let y = [t.yelb.ui.name, t.yelb.app.name, t.yelb.db.name, t.yelb.redis.name, t.entries.ui.name, t.entries.app.name]
      """#)
    #expect(outcome.succeeded, "\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
    #expect(
      outcome[global: "r"]?.description
        == #"["us-east-2", "aws.organization", "am-multi-account", "aws.transit_gateway", "tgw-shared", "mesh", "am-multi-account-mesh", "cluster", "eks-cluster-shared"]"#
    )
    #expect(
      outcome[global: "f"]?.description
        == #"["eks-cluster-frontend", "frontend-k8s-cluster", "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front", "eks-cluster-backend", "backend-k8s-cluster", "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back"]"#
    )
    #expect(outcome[global: "a"]?.description == #"["shared", "frontend", "backend", "eks-cluster-shared-node-role", "function"]"#)
    #expect(
      outcome[global: "y"]?.description
        == #"["yelb-ui", "yelb-appserver", "yelb-db", "redis-server", "spiffe://am-multi-account-mesh/frontend", "spiffe://am-multi-account-mesh/yelbapp"]"#
    )
  }

  @Test("t.agent_cluster makes a fourth agent cluster as the tutorial makes its two")
  func agentCluster() throws {
    let outcome = Self.fork(#"""
      let tracker = account "tracker" { region: t.region, organization: t.org }
      let side = t.agent_cluster(tracker, "10.40.0.0/16", "tracker-k8s-cluster", "spire-agent-tracker")
      """#)
    #expect(outcome.diagnostics.isEmpty, "\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
    let names = outcome.topology.declarations.map(\.id.description)
    #expect(names.contains(#"cluster "eks-cluster-tracker""#))
    #expect(names.contains(#"aws.role "tracker/eks-cluster-tracker-access-role""#))
    #expect(names.contains(#"entry "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-tracker""#))
  }

  /// `../shared/reference/seed-repo.md` §5.3: IDs, parents and selectors, in creation order.
  @Test("the six registration entries are the tutorial's")
  func sixEntries() throws {
    let outcome = Self.fork("")
    let td = "spiffe://am-multi-account-mesh"
    let entries = outcome.topology.declarations(of: "entry").map { entry in
      let parent: String
      switch entry.value("parent") {
      case .reference(let id)? where id.kind == "mesh": parent = "\(td)/spire/server"
      case .reference(let id)?: parent = id.name
      case let other: parent = other?.description ?? "none"
      }
      return [entry.name, parent] + (entry.value("selectors")?.list?.compactMap(\.string) ?? [])
    }
    let workload = { (app: String, tier: String) in
      ["k8s:ns:yelb", "k8s:sa:default", "k8s:pod-label:app:\(app)", "k8s:pod-label:tier:\(tier)", "k8s:container-name:envoy"]
    }
    #expect(
      entries == [
        ["\(td)/ns/spire/sa/spire-agent-front", "\(td)/spire/server", "k8s_psat:cluster:frontend-k8s-cluster", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:spire-agent-front"],
        ["\(td)/ns/spire/sa/spire-agent-back", "\(td)/spire/server", "k8s_psat:cluster:backend-k8s-cluster", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:spire-agent-back"],
        ["\(td)/frontend", "\(td)/ns/spire/sa/spire-agent-front"] + workload("yelb-ui", "frontend"),
        ["\(td)/redis", "\(td)/ns/spire/sa/spire-agent-back"] + workload("redis-server", "cache"),
        ["\(td)/yelbdb", "\(td)/ns/spire/sa/spire-agent-back"] + workload("yelb-db", "backenddb"),
        ["\(td)/yelbapp", "\(td)/ns/spire/sa/spire-agent-back"] + workload("yelb-appserver", "middletier"),
      ])
    #expect(outcome.topology.declarations(of: "entry").allSatisfy { $0[field: "ttl"] == nil }, "the tutorial passes no -ttl")
  }

  @Test("the mesh's services: the tutorial's listeners, SVIDs and SANs, yelb-ui public")
  func meshServices() throws {
    let outcome = Self.fork(#"""
      let all = [t.ui, t.app, t.db, t.redis]
      let s = [[s.name, s.identity_id, s.port, s.protocol, s.tls, s.public] for s in all]
      let sans = [[a.name for a in s.allow] for s in all]
      let calls = [[c.name for c in s.calls] for s in all]
      """#)
    #expect(outcome.succeeded, "\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
    let td = "spiffe://am-multi-account-mesh"
    #expect(
      outcome[global: "s"]?.description
        == #"[["yelb-ui", "\#(td)/frontend", 80, "http", "none", true], ["yelb-appserver", "\#(td)/yelbapp", 4567, "http", "strict", false], ["yelb-db", "\#(td)/yelbdb", 5432, "tcp", "strict", false], ["redis-server", "\#(td)/redis", 6379, "tcp", "strict", false]]"#
    )
    #expect(outcome[global: "sans"]?.description == #"[[], ["\#(td)/frontend"], ["\#(td)/yelbapp"], ["\#(td)/yelbapp"]]"#)
    #expect(outcome[global: "calls"]?.description == #"[["yelb-appserver"], ["yelb-db", "redis-server"], [], []]"#)
  }

  @Test("the verification section: both agent sets attested, four SVIDs, three handshakes, one denial, the whole matrix")
  func verification() throws {
    let topology = Self.fork("").topology
    let checks = topology.declarations(of: "verify").map { check in
      [check.name, check.value("subject")?.reference?.name ?? "", check.value("peer")?.reference?.name ?? ""]
        .filter { !$0.isEmpty }.joined(separator: " ")
    }
    #expect(
      checks == [
        "attested am-multi-account-mesh/frontend-k8s-cluster", "attested am-multi-account-mesh/backend-k8s-cluster",
        "svid yelb-ui", "svid yelb-appserver", "svid yelb-db", "svid redis-server",
        "mtls yelb-ui yelb-appserver", "mtls yelb-appserver yelb-db", "mtls yelb-appserver redis-server",
        "denied yelb-ui yelb-db", "all",
      ])
  }

  @Test("private blocks, least privilege and the server exposed stably (the known defects done right)")
  func knownDefects() throws {
    let topology = Self.fork("").topology
    #expect(topology.declarations(of: "cluster").map { $0.string("cidr") ?? "" } == ["10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/16"])
    for access in topology.declarations(of: "aws.cluster_access") {
      let groups = access.value("groups")?.list ?? []
      #expect(!groups.contains(.string("system:masters")), "\(access.id) maps its role to system:masters")
    }
    let mesh = try #require(topology.declarations(of: "mesh").first)
    #expect(mesh.value("server")?[field: "expose"] == .string("load_balancer"))
    #expect(mesh.string("bundle") == "publish")
  }

  @Test("yelb.deploy: the four workloads as the tutorial deploys them, handles by role")
  func yelbDeploy() throws {
    let outcome = ModelTestSupport.session().run(
      source: #"""
        import "yelb"
        let home = account "home" { region: "us-east-2" }
        let front = cluster "front" in home { cidr: "10.20.0.0/16" }
        let back = cluster "back" in home { cidr: "10.30.0.0/16" }
        let app = yelb.deploy(frontend: front, backend: back)
        let handles = [app.ui.name, app.app.name, app.db.name, app.redis.name]
        """#, name: "yelb-test.spire")
    #expect(outcome.diagnostics.isEmpty, "\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
    #expect(outcome[global: "handles"]?.description == #"["yelb-ui", "yelb-appserver", "yelb-db", "redis-server"]"#)
    let lines = outcome.topology.declarations.filter { $0.kind.hasPrefix("k8s.") }.map(\.description)
    #expect(
      lines == [
        #"k8s.namespace "yelb" { cluster: cluster "front" }"#,
        #"k8s.namespace "yelb" { cluster: cluster "back" }"#,
        #"k8s.workload "yelb-ui" { cluster: cluster "front", namespace: "yelb", labels: { app: "yelb-ui", tier: "frontend" }, containers: ["yelb-ui", "envoy"], image: "mreferre/yelb-ui:0.6", ports: [80] }"#,
        #"k8s.workload "yelb-appserver" { cluster: cluster "back", namespace: "yelb", labels: { app: "yelb-appserver", tier: "middletier" }, containers: ["yelb-appserver", "envoy"], image: "mreferre/yelb-appserver:0.5", ports: [4567] }"#,
        #"k8s.workload "yelb-db" { cluster: cluster "back", namespace: "yelb", labels: { app: "yelb-db", tier: "backenddb" }, containers: ["yelb-db", "envoy"], image: "mreferre/yelb-db:0.5", ports: [5432] }"#,
        #"k8s.workload "redis-server" { cluster: cluster "back", namespace: "yelb", labels: { app: "redis-server", tier: "cache" }, containers: ["redis-server", "envoy"], image: "redis:4.0.2", ports: [6379] }"#,
      ])
  }

  @Test("steeple doc yelb shows the module's comment and deploy's parameters")
  func yelbDoc() throws {
    let loader = FileModuleLoader(standardLibrary: ModelTestSupport.packageRoot.appendingPathComponent("stdlib").path)
    let page = try #require(ScriptDocumentation.page(for: "yelb", loader: loader))
    #expect(page.contains("yelb: the Yelb demo app as the multi-account SPIRE tutorial deploys it"))
    #expect(page.contains("yelb.deploy(frontend, backend, namespace = \"yelb\", proxy = \"envoy\")\n"), "\(page)")
  }
}
