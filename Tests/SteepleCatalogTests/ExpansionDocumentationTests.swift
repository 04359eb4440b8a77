import SteepleCatalog
import Testing

/// Nothing a kind makes is hidden: `steeple doc` lists what a mesh, an agent set, an entry, a
/// service and an admission expand into, and each line names a resource type the catalog makes.
@Suite("what a kind expands into, on its doc page")
struct ExpansionDocumentationTests {
  @Test("mesh, spire.agents, entry, mesh.service and mesh.allow list their resources; each names a catalog type")
  func expansions() throws {
    let catalog = Catalog.standard
    let types = Set(catalog.resourceTypes.map(\.name))
    let expected = [
      "mesh": ["spire.server", "spire.ca"], "spire.agents": ["spire.psat_cluster", "spire.bundle", "spire.agents"],
      "entry": ["spire.entry"], "mesh.service": ["mesh.service"], "mesh.allow": ["mesh.allow"],
    ]
    for (kind, made) in expected {
      let lines = try #require(catalog.family(of: kind)).expansion(of: kind)
      #expect(lines.map { String($0.prefix { $0 != " " }) } == made, "\(kind)")
      #expect(Set(made).isSubset(of: types), "\(kind)")
      let page = try #require(SchemaDocumentation.page(for: kind))
      #expect(page.contains("expands into (each a resource in plan, apply and destroy):\n"), "\(kind)")
      for line in lines { #expect(page.contains("  - \(line)\n"), "\(kind): \(line)") }
    }
    // A kind that makes only itself has no such section.
    #expect(SchemaDocumentation.page(for: "account")?.contains("expands into") == false)
  }
}
