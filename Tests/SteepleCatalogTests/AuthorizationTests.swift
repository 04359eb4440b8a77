import Foundation
import SteepleCatalog
import SteepleEngine
import SteepleModel
import SteepleSyntax
import Testing

/// Who may talk to whom: the authorization graph of mesh resources and the plan's section that
/// diffs what holds now against what the script wants.
@Suite("who may talk to whom")
struct AuthorizationTests {
  /// A script whose lines the declarations below point at: `mesh.spire:N` is line N.
  static let source = SourceFile(name: "mesh.spire", text: (1...40).map { "// line \($0)" }.joined(separator: "\n"))

  static func declaration(_ kind: String, _ name: String, line: Int) -> SteepleModel.Declaration {
    let start = source.lineStarts[line - 1]
    let range = SourceRange(file: source, start: start, end: start + 4)
    return SteepleModel.Declaration(
      id: DeclarationID(kind: kind, name: name), name: name, fields: [], fieldRanges: [:], nameRange: range, range: range,
      schema: nil)
  }

  static func id(_ name: String) -> String { "spiffe://corp.example/\(name)" }

  static func service(
    _ name: String, account: String, allow: [String] = [], calls: [String] = [], tls: String = "strict", identity: String? = nil
  ) -> Resource {
    Resource(
      address: ResourceAddress(type: "mesh.service", name: "corp.example/\(name)"),
      placement: Placement(account: account, cluster: "eks-\(account)"),
      attributes: [
        ModelField("trust_domain", .string("corp.example")), ModelField("service", .string(name)),
        ModelField("identity", .string(identity ?? id(name))), ModelField("tls", .string(tls)),
        ModelField("allow", .list(allow.map { .string(id($0)) })),
        ModelField("calls", .list(calls.map { .string("corp.example/\($0)") })),
      ],
      origin: DeclarationID(kind: "mesh.service", name: name))
  }

  static func allow(_ from: String, to: String) -> Resource {
    Resource(
      address: ResourceAddress(type: "mesh.allow", name: "corp.example/\(to) <- \(id(from))"),
      placement: Placement(account: "app", cluster: "eks-app"),
      attributes: [
        ModelField("trust_domain", .string("corp.example")), ModelField("to", .string("corp.example/\(to)")),
        ModelField("from", .string(id(from))),
      ],
      origin: DeclarationID(kind: "mesh.allow", name: "\(from)-to-\(to)"))
  }

  static func entry(_ name: String) -> Resource {
    Resource(
      address: ResourceAddress(type: "spire.entry", name: id(name)), placement: Placement(account: "app", cluster: "eks-app"),
      attributes: [ModelField("spiffe_id", .string(id(name)))], origin: DeclarationID(kind: "entry", name: name))
  }

  static func observed(_ resources: [Resource]) -> [ObservedResource] {
    resources.map { ObservedResource(address: $0.address, placement: $0.placement, attributes: $0.attributes) }
  }

  static let topology = Topology([
    declaration("mesh.service", "web", line: 3), declaration("mesh.service", "api", line: 7),
    declaration("mesh.service", "db", line: 12), declaration("mesh.service", "legacy", line: 16),
    declaration("mesh.service", "cache", line: 20), declaration("mesh.service", "batch", line: 24),
    declaration("mesh.allow", "batch-to-api", line: 30),
  ])

  /// Now: web → api, api → db and legacy → db hold.
  static let now: [Resource] = [
    service("web", account: "app", calls: ["api"]), service("api", account: "app", allow: ["web"], calls: ["db"]),
    service("db", account: "data", allow: ["api", "legacy"]), service("legacy", account: "app", calls: ["db"]),
    entry("web"), entry("api"), entry("db"), entry("legacy"),
  ]

  /// Wanted: db no longer admits legacy; api calls a new cache; batch (in data) is admitted by api
  /// through a mesh.allow but does not call it.
  static let wanted: [Resource] = [
    service("web", account: "app", calls: ["api"]), service("api", account: "app", allow: ["web"], calls: ["db", "cache"]),
    service("db", account: "data", allow: ["api"]), service("legacy", account: "app", calls: ["db"]),
    service("cache", account: "app", allow: ["api"]), service("batch", account: "data"), allow("batch", to: "api"),
    entry("web"), entry("api"), entry("db"), entry("legacy"), entry("cache"), entry("batch"),
  ]

  @Test("the graph: issued identities, admissions by allow and mesh.allow, tls none, calls marked")
  func graph() {
    let graph = AuthorizationGraph(Self.wanted + [Self.service("open", account: "app", tls: "none"), Self.entry("open")])
    let edges = graph.edges.map { "\($0.from) -> \($0.to) \($0.marking)\($0.crossAccount ? " cross" : "")" }
    #expect(edges == [
      "corp.example/api -> corp.example/cache calls it",
      "corp.example/api -> corp.example/db calls it cross",
      "corp.example/api -> corp.example/open admitted, not called",
      "corp.example/batch -> corp.example/api admitted, not called cross",
      "corp.example/batch -> corp.example/open admitted, not called cross",
      "corp.example/cache -> corp.example/open admitted, not called",
      "corp.example/db -> corp.example/open admitted, not called cross",
      "corp.example/legacy -> corp.example/open admitted, not called",
      "corp.example/web -> corp.example/api calls it",
      "corp.example/web -> corp.example/open admitted, not called",
    ])
    #expect(graph.edges.first { $0.from == "corp.example/batch" && $0.to == "corp.example/api" }?.grant.resource.type == "mesh.allow")
    #expect(graph.admissions(of: "corp.example/api") == [Self.id("web"), Self.id("batch")])
  }

  @Test("an identity no entry issues has no edge, as caller or callee")
  func unissued() {
    let graph = AuthorizationGraph([
      Self.service("a", account: "app", calls: ["b"]), Self.service("b", account: "app", allow: ["a"]),
      Self.service("c", account: "app", allow: ["b"]), Self.entry("b"), Self.entry("c"),
    ])
    #expect(graph.edges.map { "\($0.from) -> \($0.to)" } == ["corp.example/b -> corp.example/c"])
  }

  @Test("the section: gained and lost, both markings, cross-account flagged, the declaration at file:line, counts")
  func sectionText() {
    let change = AuthorizationChange(observed: Self.observed(Self.now), desired: Self.wanted, topology: Self.topology)
    #expect(change.text(colors: false) == """
      Who may talk to whom:
        + corp.example/api → corp.example/cache (calls it)
            spiffe://corp.example/api → spiffe://corp.example/cache
            granted by mesh.service "cache" at mesh.spire:20: allow names spiffe://corp.example/api
        + corp.example/batch → corp.example/api (admitted, not called; cross-account "data" → "app")
            spiffe://corp.example/batch → spiffe://corp.example/api
            granted by mesh.allow "batch-to-api" at mesh.spire:30: admits spiffe://corp.example/batch
        - corp.example/legacy → corp.example/db (calls it; cross-account "app" → "data")
            spiffe://corp.example/legacy → spiffe://corp.example/db
            removed by mesh.service "db" at mesh.spire:12: allow no longer names spiffe://corp.example/legacy

      Authorization: 2 edges gained (1 cross-account), 1 lost, 2 unchanged.

      """)
    #expect(change.hasChanges)
  }

  @Test("with no state every edge is gained; without a topology the declaration is named, not placed")
  func noState() {
    let change = AuthorizationChange(observed: [], desired: Self.now)
    #expect(change.gained.count == 3 && change.lost.isEmpty && change.unchanged == 0)
    #expect(change.summary == "Authorization: 3 edges gained (2 cross-account), 0 lost, 0 unchanged.")
    #expect(change.text(colors: false).contains(#"granted by mesh.service "db": allow names spiffe://corp.example/api"#))
  }

  @Test("what removes an edge: the first broken link, named when its declaration is gone")
  func removals() {
    let before = [
      Self.service("a", account: "app"), Self.service("b", account: "app", allow: ["a"]),
      Self.service("c", account: "app", tls: "none"), Self.service("d", account: "app"), Self.allow("a", to: "d"),
      Self.service("e", account: "app", allow: ["a"]), Self.service("f", account: "app", allow: ["a"]),
      Self.entry("a"), Self.entry("b"), Self.entry("c"), Self.entry("d"), Self.entry("e"), Self.entry("f"),
    ]
    let after = [
      Self.service("a", account: "app"), Self.service("b", account: "app"),
      Self.service("c", account: "app", allow: [], tls: "strict"), Self.service("d", account: "app"),
      Self.service("f", account: "app", allow: ["a"]),
      Self.entry("a"), Self.entry("b"), Self.entry("c"), Self.entry("d"),
    ]
    let change = AuthorizationChange(observed: Self.observed(before), desired: after, topology: Self.topology)
    let reasons = change.lost.filter { $0.edge.from == "corp.example/a" }.map { "\($0.edge.to): \($0.cause.resource) \($0.cause.reason)" }
    #expect(reasons == [
      "corp.example/b: mesh.service.corp.example/b allow no longer names spiffe://corp.example/a",
      #"corp.example/c: mesh.service.corp.example/c tls is now "strict" and no allow names spiffe://corp.example/a"#,
      "corp.example/d: mesh.allow.corp.example/d <- spiffe://corp.example/a no longer declared, so nothing admits spiffe://corp.example/a",
      "corp.example/e: mesh.service.corp.example/e no longer declared",
      "corp.example/f: spire.entry.spiffe://corp.example/f no longer declared, so spiffe://corp.example/f is not issued",
    ])
    #expect(change.lost.first { $0.edge.to == "corp.example/d" }?.cause.site == nil, "the mesh.allow is gone from the script")
    let renamed = AuthorizationChange(
      observed: Self.observed([Self.service("a", account: "app"), Self.service("b", account: "app", allow: ["a", "z"]), Self.entry("a"), Self.entry("b"), Self.entry("z")]),
      desired: [Self.service("a", account: "app", identity: Self.id("z")), Self.service("b", account: "app", allow: ["a", "z"]), Self.entry("a"), Self.entry("b"), Self.entry("z")])
    #expect(renamed.lost.map(\.cause.reason) == ["its identity is now spiffe://corp.example/z"])
    #expect(renamed.gained.map(\.edge.fromIdentity) == [Self.id("z")], "the new identity is new access")
  }

  @Test("nothing to say without services; the count line alone when no edge changes")
  func quiet() {
    let none = AuthorizationChange(observed: [], desired: [Self.entry("a")])
    #expect(none.text(colors: false) == "" && !none.hasChanges)
    let same = AuthorizationChange(observed: Self.observed(Self.now), desired: Self.now)
    #expect(same.text(colors: false) == "Authorization: no changes, 3 edges hold.\n" && !same.hasChanges)
  }

  @Test("read back from a plan, what exists is what the plan was made against")
  func fromPlan() throws {
    let plan = try Planner.plan(desired: Self.wanted, observed: Self.observed(Self.now), provider: "fake")
    let fromPlan = AuthorizationChange(plan: plan, desired: Self.wanted, topology: Self.topology)
    let direct = AuthorizationChange(observed: Self.observed(Self.now), desired: Self.wanted, topology: Self.topology)
    #expect(fromPlan.gained == direct.gained)
    #expect(fromPlan.lost == direct.lost)
    #expect(fromPlan.unchanged == direct.unchanged)
    let destroy = Planner.destroy(observed: Self.observed(Self.now), provider: "fake")
    let gone = AuthorizationChange(plan: destroy, desired: [])
    #expect(gone.lost.count == 3 && gone.gained.isEmpty)
  }

  @Test("colours on a terminal: gained green, lost red, cross-account yellow, the count bold; names escaped first")
  func colours() {
    let text = AuthorizationChange(observed: Self.observed(Self.now), desired: Self.wanted).text(colors: true)
    #expect(text.contains("\u{1B}[32m+ corp.example/api → corp.example/cache\u{1B}[0m (calls it)"))
    #expect(text.contains("\u{1B}[31m- corp.example/legacy → corp.example/db\u{1B}[0m"))
    #expect(text.contains("\u{1B}[33mcross-account \"data\" → \"app\"\u{1B}[0m"))
    #expect(text.hasSuffix("\u{1B}[1mAuthorization: 2 edges gained (1 cross-account), 1 lost, 2 unchanged.\u{1B}[0m\n"))
    let evil = [
      Self.service("x\u{1B}[2J", account: "app", calls: ["y"]), Self.service("y", account: "app\u{7}", allow: ["x\u{1B}[2J"]),
      Self.entry("x\u{1B}[2J"), Self.entry("y"),
    ]
    let plain = AuthorizationChange(observed: [], desired: evil).text(colors: false)
    #expect(!plain.contains("\u{1B}") && !plain.contains("\u{7}"))
    #expect(plain.contains(#"+ corp.example/x\u{1b}[2J → corp.example/y (calls it; cross-account "app" → "app\u{7}")"#))
  }

  @Test("JSON: counts, and each edge with its services, IDs, marking, accounts and declaration")
  func json() throws {
    let change = AuthorizationChange(observed: Self.observed(Self.now), desired: Self.wanted, topology: Self.topology)
    #expect(change.key == "authorization")
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(change.json.rendered().utf8)) as? [String: Any])
    #expect(document["changes"] as? Bool == true)
    #expect(document["summary"] as? [String: Int] == ["gained": 2, "gained_cross_account": 1, "lost": 1, "unchanged": 2])
    let gained = try #require(document["gained"] as? [[String: Any]])
    let batch = try #require(gained.last)
    #expect(batch["from"] as? String == "corp.example/batch" && batch["to"] as? String == "corp.example/api")
    #expect(batch["from_id"] as? String == Self.id("batch") && batch["to_id"] as? String == Self.id("api"))
    #expect(batch["calls"] as? Bool == false && batch["marking"] as? String == "admitted, not called")
    #expect(batch["cross_account"] as? Bool == true && batch["from_account"] as? String == "data" && batch["to_account"] as? String == "app")
    #expect(batch["resource"] as? String == "mesh.allow.corp.example/api <- spiffe://corp.example/batch")
    let declaration = try #require(batch["declaration"] as? [String: Any])
    #expect(declaration["kind"] as? String == "mesh.allow" && declaration["name"] as? String == "batch-to-api")
    #expect(declaration["file"] as? String == "mesh.spire" && declaration["line"] as? Int == 30)
    let lost = try #require(document["lost"] as? [[String: Any]])
    #expect(lost.map { $0["reason"] as? String } == ["allow no longer names spiffe://corp.example/legacy"])
    let empty = AuthorizationChange(observed: [], desired: []).json.compact()
    #expect(empty == #"{"changes":false,"summary":{"gained":0,"gained_cross_account":0,"lost":0,"unchanged":0},"gained":[],"lost":[]}"#)
  }

  @Test("the mesh family adds the section to every plan")
  func family() throws {
    let plan = try Planner.plan(desired: Self.now, observed: [], provider: "fake")
    let sections = Catalog.standard.planSections(for: plan, desired: Self.now)
    #expect(sections.map(\.key) == ["authorization"])
    #expect(plan.hasChanges(with: sections) && sections[0].hasChanges)
  }
}
