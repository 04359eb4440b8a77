import SteepleModel
import SteepleSyntax
import Testing

/// The model knows no domain: a registry of its own kinds and cross-checks gets the generic checks
/// (fields, ranges, references, duplicates) and runs its own rules, as the catalog's families do.
@Suite("cross-checks of a registry")
struct CrossCheckTests {
  /// A domain of one kind, `queue`, whose rule is that two queues cannot share a dead-letter queue.
  struct Queues: KindRegistry, CrossCheck {
    static let queue = KindSchema(
      kind: "queue", summary: "a message queue", form: #"queue "jobs" { size: 10 }"#,
      fields: [
        FieldSchema("size", .int(1...100), .defaultValue(.int(10)), "how many messages it holds"),
        FieldSchema("dead_letters", .reference(["queue"]), .optional, "where messages that fail go"),
      ])

    func schema(for kind: String) -> KindSchema? { kind == "queue" ? Self.queue : nil }
    var crossChecks: [any CrossCheck] { [self] }

    func check(_ checker: inout TopologyChecker) {
      var users: [DeclarationID: SteepleModel.Declaration] = [:]
      for queue in checker.topology.declarations(of: "queue") {
        guard let target = queue.reference("dead_letters") else { continue }
        if let other = users[target] {
          checker.error(
            "shared-dead-letters", "\(checker.describe(queue)) and \(checker.describe(other)) share \(target)",
            detail: "give each queue a dead-letter queue of its own", at: queue.range(of: "dead_letters"), notes: [checker.note(other)])
        }
        users[target] = queue
      }
    }
  }

  /// Declarations of `queue`, made by hand from a script's text: `name` and `size`/`dead_letters`.
  static func topology(_ text: String, _ queues: [(name: String, size: Int?, deadLetters: String?)]) -> Topology {
    let file = SourceFile(name: "queues.spire", bytes: Array(text.utf8))
    func range(of fragment: String, after start: Int = 0) -> SourceRange {
      let bytes = Array(text.utf8)
      let needle = Array(fragment.utf8)
      let offset = (start...(bytes.count - needle.count)).first { Array(bytes[$0..<$0 + needle.count]) == needle } ?? 0
      return SourceRange(file: file, start: offset, end: offset + needle.count)
    }
    return Topology(
      queues.map { queue in
        let whole = range(of: "queue \"\(queue.name)\"")
        var fields: [ModelField] = []
        var ranges: [String: SourceRange] = [:]
        if let size = queue.size {
          fields.append(ModelField("size", .int(size)))
          ranges["size"] = range(of: "size: \(size)", after: whole.start)
        }
        if let target = queue.deadLetters {
          fields.append(ModelField("dead_letters", .reference(DeclarationID(kind: "queue", name: target))))
          ranges["dead_letters"] = range(of: "dead_letters: \(target)", after: whole.start)
        }
        return SteepleModel.Declaration(
          id: DeclarationID(kind: "queue", name: queue.name), name: queue.name, fields: fields, fieldRanges: ranges,
          nameRange: range(of: "\"\(queue.name)\"", after: whole.start), range: whole, schema: Queues.queue)
      })
  }

  @Test("a registry's kinds get the generic checks and its own cross-checks, in source order")
  func registryChecks() {
    let text = """
      queue "dlq" {}
      queue "jobs" { size: 500, dead_letters: dlq }
      queue "mail" { dead_letters: dlq }
      """
    let topology = Self.topology(text, [("dlq", nil, nil), ("jobs", 500, "dlq"), ("mail", nil, "dlq")])
    #expect(topology.declarations[0].value("size") == .int(10))
    let rendered = DiagnosticRenderer(colors: false).render(topology.check(Queues()))
    #expect(
      rendered == """
        queues.spire:2:16: error: size 500 is out of range
         2 | queue "jobs" { size: 500, dead_letters: dlq }
           |                ^~~~~~~~~
           = help: size is int (1 to 100)
        queues.spire:3:16: error: queue "mail" and queue "jobs" share queue "dlq"
         3 | queue "mail" { dead_letters: dlq }
           |                ^~~~~~~~~~~~~~~~~
           = help: give each queue a dead-letter queue of its own
        queues.spire:2:7: note: queue "jobs" is declared here
         2 | queue "jobs" { size: 500, dead_letters: dlq }
           |       ^~~~~~

        """)
  }
}
