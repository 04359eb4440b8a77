import Foundation
import Steeple
import SteepleTestSupport
import Testing

/// Who may talk to whom through `Deployment`: what exists comes from the state a first apply
/// left, the plan's section names the declarations of the topology, and `--no-new-access`'s errors
/// point at them. The mesh's lowering is another branch's: a test family lowers stand-in
/// declarations (`test.service`, `test.allow`, `test.entry`) into the contract's resources.
@Suite("who may talk to whom, through a deployment")
struct AuthorizationPlanTests {
  /// Lowers the stand-in declarations into `mesh.service`, `mesh.allow` and `spire.entry`.
  struct MeshStandIn: Family {
    var kinds: [KindSchema] { [] }
    /// The contract's types, less those the mesh family (the other family of the test catalog)
    /// makes itself once the mesh's lowering is merged.
    var resourceTypes: [ResourceType] {
      let made = Set(Mesh().resourceTypes.map(\.name))
      return ["mesh.service", "mesh.allow", "spire.entry"].filter { !made.contains($0) }.map {
        ResourceType($0, replaceOnChange: [], durations: .unknown)
      }
    }

    func lower(_ declaration: Declaration, into lowering: inout Lowering) {}

    func finish(_ lowering: inout Lowering) {
      for declaration in lowering.topology.declarations {
        switch declaration.kind {
        case "test.service":
          let placement = Placement(account: declaration.string("account"), cluster: "eks-\(declaration.string("account") ?? "")")
          lowering.add(
            "mesh.service", "corp.example/\(declaration.name)", placement,
            [
              ("identity", .string(AuthorizationPlanTests.id(declaration.name))), ("tls", .string("strict")),
              ("allow", declaration.value("allow")), ("calls", declaration.value("calls")),
            ],
            dependencies: [], origin: declaration)
        case "test.allow":
          guard let to = declaration.string("to"), let from = declaration.string("from") else { continue }
          lowering.add(
            "mesh.allow", "corp.example/\(to) <- \(from)", Placement(account: "app", cluster: "eks-app"),
            [("to", .string("corp.example/\(to)")), ("from", .string(from))], dependencies: [], origin: declaration)
        case "test.entry":
          let id = AuthorizationPlanTests.id(declaration.name)
          lowering.add(
            "spire.entry", id, Placement(account: "app", cluster: "eks-app"), [("spiffe_id", .string(id))], dependencies: [],
            origin: declaration)
        default:
          continue
        }
      }
    }
  }

  /// Keeps nothing of its own: the engine's ledger is what exists.
  struct LedgerOnlyProvider: Provider {
    var name: String { "ledger-only" }
    var resourceTypes: Set<String> { ["mesh.service", "mesh.allow", "spire.entry"] }

    func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] { resources }

    func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource? {
      switch action {
      case .create(let resource), .update(let resource, _):
        return ObservedResource(
          address: resource.address, placement: resource.placement, attributes: resource.attributes,
          dependencies: resource.dependencies)
      case .delete: return nil
      }
    }

    func check(_ check: Check) async throws -> CheckOutcome { .unsupported(reason: "no checks here") }
  }

  static let catalog = Catalog(families: [MeshStandIn(), Mesh()], moduleSummaries: [:])
  static let file = SourceFile(name: "mesh.spire", text: (1...20).map { "// line \($0)" }.joined(separator: "\n"))

  static func id(_ name: String) -> String { "spiffe://corp.example/\(name)" }

  static func declaration(_ kind: String, _ name: String, line: Int, _ fields: [ModelField] = []) -> Declaration {
    let start = file.lineStarts[line - 1]
    let range = SourceRange(file: file, start: start, end: start + 7)
    return Declaration(
      id: DeclarationID(kind: kind, name: name), name: name, fields: fields, fieldRanges: [:], nameRange: range, range: range,
      schema: nil)
  }

  static func service(_ name: String, account: String, line: Int, allow: [String] = [], calls: [String] = []) -> Declaration {
    declaration("test.service", name, line: line, [
      ModelField("account", .string(account)), ModelField("allow", .list(allow.map { .string(id($0)) })),
      ModelField("calls", .list(calls.map { .string("corp.example/\($0)") })),
    ])
  }

  /// web calls api; api admits web.
  static let before = Topology([
    service("web", account: "app", line: 2, calls: ["api"]), service("api", account: "app", line: 5, allow: ["web"]),
    declaration("test.entry", "web", line: 9), declaration("test.entry", "api", line: 10),
  ])

  /// As before, plus batch in the data account, admitted by api through an allow, calling nothing.
  static let after = Topology(before.declarations + [
    service("batch", account: "data", line: 7), declaration("test.entry", "batch", line: 11),
    declaration("test.allow", "batch-to-api", line: 14, [ModelField("to", .string("api")), ModelField("from", .string(id("batch")))]),
  ])

  @Test("plan after an apply: the gained edge, named at its declaration; --no-new-access's errors point there too")
  func afterApply() async throws {
    let folder = try TemporaryDirectory.make("steeple-authz-")
    defer { TemporaryDirectory.remove(folder) }
    let directory = folder.appendingPathComponent("state")
    let first = try Deployment(topology: Self.before, provider: LedgerOnlyProvider(), stateDirectory: directory.path, catalog: Self.catalog)
    let fresh = try await first.plan()
    #expect(first.authorization(for: fresh).gained.map { "\($0.edge.from) -> \($0.edge.to)" } == ["corp.example/web -> corp.example/api"])
    #expect(try await first.apply().succeeded)

    let second = try Deployment(topology: Self.after, provider: LedgerOnlyProvider(), stateDirectory: directory.path, catalog: Self.catalog)
    let plan = try await second.plan()
    let text = PlanRenderer.text(plan, sections: second.sections(for: plan))
    #expect(text.hasSuffix("""
      Plan: 3 to add, 0 to change, 0 to destroy.

      Who may talk to whom:
        + corp.example/batch → corp.example/api (admitted, not called; cross-account "data" → "app")
            spiffe://corp.example/batch → spiffe://corp.example/api
            granted by test.allow "batch-to-api" at mesh.spire:14: admits spiffe://corp.example/batch

      Authorization: 1 edge gained (1 cross-account), 0 lost, 1 unchanged.

      """), "\(text)")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(PlanRenderer.json(plan, sections: second.sections(for: plan)).utf8)) as? [String: Any])
    let authorization = try #require(document["authorization"] as? [String: Any])
    #expect(authorization["summary"] as? [String: Int] == ["gained": 1, "gained_cross_account": 1, "lost": 0, "unchanged": 1])

    let errors = second.newAccessDiagnostics(for: plan)
    #expect(errors.count == 1)
    let rendered = DiagnosticRenderer(colors: false).render(errors)
    #expect(rendered.contains(
      "the plan lets corp.example/batch reach corp.example/api (admitted, not called, across accounts), which it cannot now"), "\(rendered)")
    #expect(rendered.contains("mesh.spire:14:1"), "\(rendered)")
    #expect(errors.first?.code == "new-access")

    // Back to before: the edge is lost, first because its caller is gone, and taking access away passes the gate.
    #expect(try await second.apply().succeeded)
    let undo = try await first.plan()
    let lost = first.authorization(for: undo).lost
    #expect(lost.map { "\($0.cause.resource): \($0.cause.reason)" } == ["mesh.service.corp.example/batch: no longer declared"])
    #expect(PlanRenderer.text(undo, sections: first.sections(for: undo)).contains(
      "      removed by mesh.service.corp.example/batch: no longer declared\n"))
    #expect(first.newAccessDiagnostics(for: undo).isEmpty)
    #expect(undo.hasChanges(with: first.sections(for: undo)))

    // Destroy: what a deployment of nothing plans loses every edge.
    let nothing = try Deployment(resources: [], provider: LedgerOnlyProvider(), stateDirectory: directory.path, catalog: Self.catalog)
    let destroy = try await nothing.destroyPlan()
    #expect(nothing.authorization(for: destroy).lost.count == 2)
  }
}
