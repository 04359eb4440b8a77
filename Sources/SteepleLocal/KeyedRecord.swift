import GRDB

/// A record of a table whose primary key is one text column, found by it through a statement
/// compiled once a connection: every step of an apply looks up its account, VPC or cluster, and
/// GRDB's `fetchOne(_:key:)` builds and authorizes a new query each time.
protocol KeyedRecord: FetchableRecord, TableRecord {
  /// The primary key's column (`name` unless the record says otherwise).
  static var keyColumn: String { get }
}

extension KeyedRecord {
  static var keyColumn: String { "name" }

  /// The record whose key is `key`, or `nil`.
  static func find(_ key: String, in db: Database) throws -> Self? {
    try fetchOne(db.cachedStatement(sql: "SELECT * FROM \"\(databaseTableName)\" WHERE \"\(keyColumn)\" = ?"), arguments: [key])
  }
}
