import Foundation
import GRDB
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleTestSupport
import Testing

/// The cloud's `resource` row as earlier versions wrote and read it: GRDB's `Codable` record, whose
/// array columns go through `JSONEncoder` (sorted keys, escaped slashes).
private struct CodableResourceRow: Codable, FetchableRecord, PersistableRecord, Equatable, Sendable {
  static let databaseTableName = "resource"
  var type: String
  var name: String
  var account: String?
  var cluster: String?
  var attributes: [ModelField]
  var dependencies: [ResourceAddress]
}

@Suite("the cloud's record of a resource, written and read by hand, in the form Codable gives it")
struct StoredResourceFormTests {
  /// Values of every kind, with text that needs escapes.
  static let extras: [ModelField] = [
    ModelField("note", .string("tab\t\"q\" \\ / \u{1} ✓ \u{1F600}")), ModelField("count", .int(.min)),
    ModelField("ratio", .float(0.1)), ModelField("whole", .float(3)), ModelField("on", .bool(true)),
    ModelField("items", .list([.int(1), .list([]), .string("")])),
    ModelField("nested", .record([ModelField("ref", .reference(DeclarationID(kind: "cluster", name: "c/d")))])),
  ]

  static func account(_ name: String) -> Resource {
    var account = resource("aws.account", name, account: name, ["profile": name, "region": "us-east-2"])
    account.attributes += extras
    return account
  }

  @Test("what the provider stores, the Codable record reads as the same resource")
  func storedRowsReadAsCodable() async throws {
    let fixture = try CloudFixture()
    let first = Self.account("a-b")
    var second = Self.account("c")
    second.dependencies = [address("aws.account", "a-b"), address("aws.organization", "o\"rg/x")]
    try await fixture.createAll([first, second])
    let rows = try await DatabaseQueue(path: fixture.cloud.databasePath).read { try CodableResourceRow.order(Column("name")).fetchAll($0) }
    #expect(
      rows == [first, second].map {
        CodableResourceRow(
          type: $0.address.type, name: $0.address.name, account: $0.placement.account, cluster: $0.placement.cluster,
          attributes: $0.attributes, dependencies: $0.dependencies.sorted())
      })
  }

  @Test("a row in the Codable form, as an earlier Steeple stored it, reads as the same resource")
  func codableRowsRead() async throws {
    let fixture = try CloudFixture()
    let account = Self.account("old")
    try await fixture.create(account)
    let row = CodableResourceRow(
      type: "aws.account", name: "old", account: "old", cluster: nil, attributes: account.attributes + [ModelField("later", .int(7))],
      dependencies: [address("aws.organization", "x/y")])
    try await DatabaseQueue(path: fixture.cloud.databasePath).write { db in
      try db.execute(sql: "DELETE FROM resourceDependency")
      try row.update(db)
    }
    let observed = try #require(try await fixture.reopen().observe().first { $0.address == account.address })
    #expect(observed.attributes == row.attributes)
    #expect(observed.dependencies == Set(row.dependencies))
    #expect(observed.placement == Placement(account: "old"))
  }

  @Test("a damaged row is reported as the cloud's record of that resource")
  func damagedRowIsReported() async throws {
    let fixture = try CloudFixture()
    try await fixture.create(Self.account("a"))
    try await DatabaseQueue(path: fixture.cloud.databasePath).write { db in
      try db.execute(sql: "UPDATE resource SET attributes = '[{\"name\":' WHERE name = 'a'")
    }
    do {
      _ = try await fixture.reopen().observe()
      Issue.record("a damaged row was read")
    } catch let error as ProviderError {
      #expect(error.description.contains("the local cloud's record of aws.account a is damaged: expected a string, found the end at byte 9"))
    }
  }
}
