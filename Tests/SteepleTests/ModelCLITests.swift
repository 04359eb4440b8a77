import Foundation
import Steeple
import SteepleTestSupport
import Testing

/// The commands that show the model: `steeple doc` and `steeple eval`, and the model's checks in
/// `steeple check`, run as a user runs them.
@Suite("steeple doc and eval")
struct ModelCLITests {
  @Test("doc lists every keyword and host module function (golden)")
  func docIndex() throws {
    let result = try TestSupport.steeple("doc")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (try TestSupport.fixtureText("doc.expected")))
  }

  @Test("doc KIND shows how a kind is written and each field (golden)", arguments: [
    ("cluster", "doc-cluster.expected"), ("aws.transit_gateway", "doc-transit-gateway.expected"),
    ("spire.agents", "doc-spire-agents.expected"), ("entry", "doc-entry.expected"),
    ("spire", "doc-spire.expected"),
  ])
  func docKind(_ kind: String, _ golden: String) throws {
    let result = try TestSupport.steeple("doc", kind)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (try TestSupport.fixtureText(golden)))
  }

  @Test("doc lists every kind the model has and every host module, and each has a page of its own")
  func docCoversTheModel() throws {
    let index = try TestSupport.steeple("doc").stdout
    for schema in Catalog.standard.kinds {
      let listed = schema.function.map { "\($0.module).\($0.name)" } ?? schema.kind
      #expect(index.contains("\n  \(listed) "), "steeple doc does not list \(listed)")
      let page = try TestSupport.steeple("doc", listed)
      #expect(page.status == 0, "steeple doc \(listed): \(page.stderr)")
      for field in schema.fields {
        #expect(page.stdout.contains("\n  \(schema.function?.label(forField: field.name) ?? field.name) "), "\(listed) lacks \(field.name)")
      }
    }
    for module in Catalog.standard.modules {
      #expect(index.contains("Module \(module.name) (import \"\(module.name)\")"))
      #expect(try TestSupport.steeple("doc", module.name).status == 0)
    }
  }

  @Test("doc with an unknown topic suggests a close one and exits 2")
  func docUnknown() throws {
    let result = try TestSupport.steeple("doc", "aws.rol")
    #expect(result.status == 2)
    #expect(result.stdout == "")
    #expect(result.stderr == "steeple doc: there is no kind, module, function or builtin named 'aws.rol'; did you mean 'aws.role'?\nrun 'steeple doc' for the list\n")
    let near = try TestSupport.steeple("doc", "namin")
    #expect(near.status == 2)
    #expect(near.stderr.contains("did you mean 'naming'?"), "\(near.stderr)")
  }

  @Test("doc knows the standard library's functions and the builtins: parameters, defaults and comments")
  func docScriptFunctions() throws {
    let module = try TestSupport.steeple("doc", "naming")
    #expect(module.status == 0, "\(module.stderr)")
    #expect(module.stdout.hasPrefix("Module naming ("))
    #expect(module.stdout.contains("  naming: one spelling for the names a SPIRE trust domain uses"))
    #expect(module.stdout.contains("\nfunctions:\n  naming.spiffe_id(trust_domain, path)\n      A SPIFFE ID: spiffe://TRUST_DOMAIN/PATH."))
    #expect(module.stdout.contains("  naming.agent_id(trust_domain, service_account, namespace = \"spire\")\n"))
    #expect(!module.stdout.contains("_clean_path"), "private functions are not documented")

    let function = try TestSupport.steeple("doc", "naming.k8s_selectors")
    #expect(function.status == 0)
    #expect(function.stdout == """
      naming.k8s_selectors(app, namespace = "default", service_account = "default", container = "envoy")
        The k8s workload-attestor selectors of a pod's container, in SPIRE's spelling.

      """)
    let builtin = try TestSupport.steeple("doc", "print")
    #expect(builtin.status == 0)
    #expect(builtin.stdout.hasPrefix("builtin print\n  print("), "\(builtin.stdout)")
  }

  @Test(":doc in the REPL shows a stdlib function's parameters and comment, imported or not")
  func replDocFunctions() throws {
    let result = try TestSupport.steeple("repl", stdin: """
      :doc naming.spiffe_id
      import "naming" as names
      :doc names.server_id
      :doc naming
      """)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("""
      naming.spiffe_id(trust_domain, path)
        A SPIFFE ID: spiffe://TRUST_DOMAIN/PATH. Stray slashes in the path are dropped.
      names.server_id(trust_domain)
        The SPIFFE ID of the SPIRE server itself, the parent of every agent.
      Module naming (
      """), "\(result.stdout)")
  }

  @Test("eval prints the network example's output and topology, and writes no state (golden)")
  func evalNetwork() throws {
    let folder = try TemporaryDirectory.make("steeple-eval-")
    defer { TemporaryDirectory.remove(folder) }
    let script = folder.appendingPathComponent("network.spire")
    try FileManager.default.copyItem(
      at: TestSupport.packageRoot.appendingPathComponent("stdlib/examples/network.spire"), to: script)
    let result = try TestSupport.steeple("eval", "network.spire", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    #expect(result.stdout == (try TestSupport.fixtureText("network-eval.expected")))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["network.spire"], "eval touches no state")
  }

  @Test("check reports the model's errors at the fields, all at once (golden)")
  func checkModelErrors() throws {
    let result = try TestSupport.steeple("check", "model-errors.spire")
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr == (try TestSupport.fixtureText("model-errors.stderr")))
  }
}
