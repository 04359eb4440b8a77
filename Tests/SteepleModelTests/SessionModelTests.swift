import Foundation
import Steeple
import SteepleModel
import Testing

/// The seams between the interpreter and the model: plain-data declarations, handles, host
/// modules, and modules' declarations in every run.
@Suite("model host")
struct SessionModelTests {
  @Test("an imported module's declarations belong to every run of a session, once")
  func moduleDeclarationsEveryRun() throws {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.loader = InMemoryModuleLoader([
      "accounts": "let shared = account \"shared\" { region: \"us-east-2\" }\nimport \"inner\"\nlet backend = inner.backend",
      "inner": "let backend = account \"backend\" { region: \"us-east-2\" }",
    ])
    let session = Session(configuration)
    let script = "import \"accounts\"\nimport \"inner\"\ncluster \"c\" in accounts.shared { cidr: \"10.0.0.0/16\" }"
    let first = session.run(source: script)
    #expect(first.succeeded, "\(first.diagnostics)")
    let names = ["backend", "shared", "c"]
    #expect(first.declarations.map(\.name) == names)
    let second = session.run(source: script)
    #expect(second.succeeded, "\(second.diagnostics)")
    #expect(second.declarations.map(\.name) == names, "a cached module's declarations are counted again, in the same order")
    let third = session.run(source: "import \"inner\"\nimport \"accounts\"")
    #expect(third.declarations.map(\.name) == ["backend", "shared"], "once per run, however many imports")
  }

  @Test("a handle has .name, .kind and its schema's fields, with defaults; nothing else")
  func handleMembers() throws {
    let session = ModelTestSupport.session()
    let outcome = session.run(source: """
      import "aws"
      let shared = account "shared" { region: "us-east-2" }
      let tgw = aws.transit_gateway("tgw-shared", owner: shared)
      [shared.name, shared.kind, shared.profile, shared.id, tgw.kind, tgw.owner.name, tgw.share_name, tgw.amazon_side_asn]
      """)
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    #expect(outcome.value?.literal == #"["shared", "account", "shared", nil, "aws.transit_gateway", "shared", "tgw-shared-share", 64512]"#)
    let missing = session.run(source: "let a = account \"a\" { region: \"us-east-2\" }\na.owner", name: "m.spire")
    let diagnostic = try #require(missing.diagnostics.first)
    #expect(diagnostic.code == "unknown-field")
    #expect(diagnostic.detail == "its fields are: kind, name, profile, region, id, organization")
  }

  @Test("no schema defines a field that would hide .name or .kind")
  func reservedMembers() {
    for schema in Catalog.standard.kinds {
      #expect(!schema.fields.contains { KindSchema.reservedMembers.contains($0.name) }, "\(schema.kind)")
      #expect(schema.memberNames.prefix(2) == ["name", "kind"])
    }
  }

  @Test("declarations are plain data with the ranges of their name and fields")
  func plainData() throws {
    let topology = try ModelTestSupport.topology("""
      import "k8s"
      let shared = account "shared" { region: "us-east-2" }
      let hub = cluster "hub" in shared { cidr: "10.0.0.0/16" }
      k8s.namespace("yelb", in: hub)
      k8s.workload("yelb-ui", in: hub, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])
      """)
    let workload = try #require(topology.declarations.last)
    #expect(workload.id == DeclarationID(kind: "k8s.workload", name: "hub/yelb/yelb-ui"))
    #expect(workload.name == "yelb-ui")
    #expect(workload.nameRange.text == "\"yelb-ui\"")
    #expect(workload.fieldRanges["cluster"]?.text == "in: hub")
    #expect(workload.fieldRanges["labels"]?.text == "labels: { app: \"yelb-ui\" }")
    #expect(workload[field: "labels"] == .record([ModelField("app", .string("yelb-ui"))]))
    #expect(workload[field: "cluster"] == .reference(DeclarationID(kind: "cluster", name: "hub")))
    #expect(workload.value("service_account") == .string("default"))
    #expect(topology[DeclarationID(kind: "k8s.namespace", name: "hub/yelb")]?.name == "yelb")
  }

  @Test("a host module function takes its name first and labels for the rest")
  func hostFunctionArguments() throws {
    let session = ModelTestSupport.session()
    let unnamed = session.run(source: "import \"aws\"\naws.role(in: 1)", name: "m.spire")
    #expect(unnamed.diagnostics.first?.summary == "aws.role() is missing its name")
    let extra = session.run(source: "import \"aws\"\naws.role(\"r\", 2)", name: "m.spire")
    #expect(extra.diagnostics.first?.summary == "aws.role() takes its name as the only unlabelled argument")
    let labelled = session.run(source: "import \"aws\"\naws.cluster_access(\"x\")", name: "m.spire")
    #expect(labelled.diagnostics.first?.summary == "aws.cluster_access() takes labelled arguments only")
    #expect(labelled.diagnostics.first?.range?.text == "aws.cluster_access(\"x\")")
  }

  @Test("evaluation only records: the same script gives the same topology every run")
  func deterministic() throws {
    let source = try String(
      contentsOf: ModelTestSupport.packageRoot.appendingPathComponent("stdlib/examples/network.spire"), encoding: .utf8)
    let session = ModelTestSupport.session()
    let first = session.run(source: source, name: "network.spire")
    let second = session.run(source: source, name: "network.spire")
    #expect(first.succeeded, "\(first.diagnostics)")
    #expect(first.declarations.map(\.description) == second.declarations.map(\.description))
    #expect(first.declarations.count == 13)
  }
}
