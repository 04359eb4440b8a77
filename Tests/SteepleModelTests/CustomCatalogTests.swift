import Steeple
import Testing

/// A family is all a new host kind needs: given to a session, its kind is a host module function,
/// checked by its schema and its cross-checks, and lowered to its resource type.
@Suite("a catalog of one's own")
struct CustomCatalogTests {
  /// `queues.queue("jobs", size: 10)`: a queue, lowered to a `mq.queue` resource.
  struct Queues: Family {
    static let queue = KindSchema(
      kind: "queues.queue", summary: "a message queue", form: #"queues.queue("jobs", size: 10)"#, nameFormat: .dnsLabel,
      fields: [FieldSchema("size", .int(1...100), .defaultValue(.int(10)), "how many messages it holds")],
      function: HostFunction(module: "queues", name: "queue"))

    var kinds: [KindSchema] { [Self.queue] }
    var resourceTypes: [ResourceType] {
      [ResourceType("mq.queue", replaceOnChange: ["size"], durations: .init(create: 2, update: 1, delete: 1))]
    }

    func lower(_ declaration: SteepleModel.Declaration, into lowering: inout Lowering) {
      lowering.add(
        "mq.queue", declaration.name, Placement(), [("size", declaration.value("size"))], dependencies: [], origin: declaration)
    }
  }

  static func session() -> Session {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.catalog = Catalog(families: [Queues()], moduleSummaries: ["queues": "message queues"])
    return Session(configuration)
  }

  @Test("the kind is a host function whose fields are checked and defaulted by its schema")
  func checkedAndDefaulted() throws {
    let bad = Self.session().run(source: #"import "queues"; queues.queue("Jobs", size: 500)"#, name: "q.spire")
    #expect(
      DiagnosticRenderer(colors: false).render(bad.diagnostics) == """
        q.spire:1:31: error: "Jobs" is not a valid name for a queues.queue: it may contain only lowercase letters, digits and '-'
         1 | import "queues"; queues.queue("Jobs", size: 500)
           |                               ^~~~~~
           = help: a queues.queue's name is lowercase letters, digits and '-', such as yelb
        q.spire:1:39: error: size 500 is out of range
         1 | import "queues"; queues.queue("Jobs", size: 500)
           |                                       ^~~~~~~~~
           = help: size is int (1 to 100)

        """)
    let session = Self.session()
    let good = session.run(source: #"import "queues"; let q = queues.queue("jobs"); print(q.size)"#, name: "q.spire")
    #expect(good.succeeded, "\(good.diagnostics)")
    let resources = DesiredState.resources(for: good.topology, in: Catalog(families: [Queues()], moduleSummaries: [:]))
    #expect(resources.map(\.address.description) == ["mq.queue.jobs"])
    #expect(resources.first?[attribute: "size"] == .int(10))
    #expect(resources.first?.replaceOnChange == ["size"])
  }
}
