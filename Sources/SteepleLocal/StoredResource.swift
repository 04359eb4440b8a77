import GRDB
import SteepleEngine
import SteepleModel

/// A managed resource as the cloud keeps it: its address, placement and attributes as last applied.
/// What the cloud assigned (IDs, IPs) lives in the service tables and is read back by `outputs`.
///
/// The `attributes` and `dependencies` columns hold JSON in the shape `Codable` gives them (what
/// earlier versions stored through GRDB's JSON encoder), written and read by hand with `ModelJSON`:
/// an apply stores a resource a step, and Foundation's encoder and decoder cost more than the rest
/// of the row.
struct StoredResource: FetchableRecord, PersistableRecord {
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

  init(row: Row) throws {
    type = try row.decode(forColumn: "type")
    name = try row.decode(forColumn: "name")
    account = try row.decode(forColumn: "account")
    cluster = try row.decode(forColumn: "cluster")
    do {
      attributes = try ModelJSON.fields(from: row.decode(forColumn: "attributes"))
      dependencies = try ModelJSON.addresses(from: row.decode(forColumn: "dependencies"))
    } catch let error as ModelJSONError {
      throw ProviderError.state("the local cloud's record of \(type) \(name) is damaged: \(error)")
    }
  }

  func encode(to container: inout PersistenceContainer) {
    container["type"] = type
    container["name"] = name
    container["account"] = account
    container["cluster"] = cluster
    container["attributes"] = ModelJSON.text(of: attributes)
    container["dependencies"] = ModelJSON.text(of: dependencies)
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
    // Statements compiled once a connection: an apply stores a resource a step.
    try db.cachedStatement(
      sql: """
        INSERT INTO resource (type, name, account, cluster, attributes, dependencies) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (type, name) DO UPDATE SET account = excluded.account, cluster = excluded.cluster,
        attributes = excluded.attributes, dependencies = excluded.dependencies
        """
    ).execute(arguments: [type, name, account, cluster, ModelJSON.text(of: attributes), ModelJSON.text(of: dependencies)])
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
    try Int.fetchOne(
      cachedStatement(
        sql: "INSERT INTO incarnation (key, count) VALUES (?, 1) ON CONFLICT(key) DO UPDATE SET count = count + 1 RETURNING count"),
      arguments: [key]) ?? 1
  }
}
