import GRDB
import SteepleEngine
import SteepleModel

/// A managed resource as the cloud keeps it: its address, placement and attributes as last applied.
/// What the cloud assigned (IDs, IPs) lives in the service tables and is read back by `outputs`.
struct StoredResource: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "resource"

  var type: String
  var name: String
  var account: String?
  var cluster: String?
  var attributes: [ModelField]
  var dependencies: [ResourceAddress]

  init(_ resource: Resource) {
    type = resource.address.type
    name = resource.address.name
    account = resource.placement.account
    cluster = resource.placement.cluster
    attributes = resource.attributes
    dependencies = resource.dependencies.sorted()
  }

  init(_ observed: ObservedResource) {
    type = observed.address.type
    name = observed.address.name
    account = observed.placement.account
    cluster = observed.placement.cluster
    attributes = observed.attributes
    dependencies = observed.dependencies.sorted()
  }

  /// A string attribute as last applied, or `nil`.
  func optionalString(_ name: String) -> String? { attributes[field: name]?.string }

  /// A string attribute as last applied, or the empty string.
  func string(_ name: String) -> String { optionalString(name) ?? "" }

  /// Whether this is `resource` as applied: same attributes, dependencies and placement.
  func holds(_ resource: Resource) -> Bool {
    attributes == resource.attributes && dependencies == resource.dependencies.sorted() && placement == resource.placement
  }

  var address: ResourceAddress { ResourceAddress(type: type, name: name) }
  var placement: Placement { Placement(account: account, cluster: cluster) }

  /// Saves the resource and the edges to what it depends on.
  func store(in db: Database) throws {
    try save(db)
    // Statements compiled once a connection: an apply stores a resource a step.
    try db.cachedStatement(sql: "DELETE FROM resourceDependency WHERE type = ? AND name = ?").execute(arguments: [type, name])
    let insert = try db.cachedStatement(
      sql: "INSERT INTO resourceDependency (type, name, dependsOnType, dependsOnName) VALUES (?, ?, ?, ?)")
    for dependency in dependencies {
      try insert.execute(arguments: [type, name, dependency.type, dependency.name])
    }
  }

  /// A managed resource that depends on `address`, if any is left.
  static func dependent(on address: ResourceAddress, in db: Database) throws -> ResourceAddress? {
    guard
      let row = try Row.fetchOne(
        db, sql: "SELECT type, name FROM resourceDependency WHERE dependsOnType = ? AND dependsOnName = ? ORDER BY type, name LIMIT 1",
        arguments: [address.type, address.name])
    else { return nil }
    return ResourceAddress(type: row["type"], name: row["name"])
  }

  static func find(_ address: ResourceAddress, in db: Database) throws -> StoredResource? {
    try StoredResource.fetchOne(
      db.cachedStatement(sql: "SELECT * FROM resource WHERE type = ? AND name = ?"), arguments: [address.type, address.name])
  }
}

extension Database {
  /// Counts one more making of `key` and returns the new count: part of every fresh ID.
  func nextIncarnation(of key: String) throws -> Int {
    try cachedStatement(
      sql: "INSERT INTO incarnation (key, count) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET count = count + 1"
    ).execute(arguments: [key])
    return try Int.fetchOne(cachedStatement(sql: "SELECT count FROM incarnation WHERE key = ?"), arguments: [key]) ?? 1
  }
}
