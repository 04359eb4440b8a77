import Foundation
import Steeple
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
    #expect(result.stderr == "steeple doc: there is no kind or module named 'aws.rol'; did you mean 'aws.role'?\nrun 'steeple doc' for the list\n")
  }

  @Test("eval prints the network example's output and topology, and writes no state (golden)")
  func evalNetwork() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-eval-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
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
