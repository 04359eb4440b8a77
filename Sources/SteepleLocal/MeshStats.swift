import Foundation
import GRDB
public import SteepleDataPlane

/// The data plane's last counters, per listener and upstream, as `steeple stats` prints them: kept
/// when a `verify` check's data plane or `steeple serve`'s stops.
enum MeshStatsSchema {
  static let migration = "v4-mesh-stats: the data plane's last counters"

  static func register(in migrator: inout DatabaseMigrator) {
    migrator.registerMigration(migration) { db in
      // One row a counter of a scope (`listener.<service>` or `cluster.<from> -> <to>`).
      try db.create(table: "meshStat") { t in
        t.column("scope", .text).notNull()
        t.column("service", .text).notNull()
        t.column("stat", .text).notNull()
        t.column("value", .integer).notNull()
        t.column("recordedAt", .double).notNull()
        t.primaryKey(["scope", "stat"])
      }
    }
  }
}

/// One counter as the state keeps it.
struct MeshStatRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "meshStat"
  var scope: String
  /// The service the scope belongs to: the listener's, or the upstream's caller.
  var service: String
  var stat: String
  var value: Int64
  var recordedAt: Double
}

/// One kept counter, for `steeple stats`.
public struct MeshStatLine: Sendable, Hashable, Codable {
  /// `listener.<service>` or `cluster.<from> -> <to>`.
  public var scope: String
  /// The service the scope belongs to (the listener's, or the upstream's caller).
  public var service: String
  /// The Envoy name of the counter, as `ssl.handshake`.
  public var stat: String
  public var value: Int64
}

extension LocalCloud {
  /// Keeps `snapshot`'s counters, replacing those of the same scopes: the last run's values.
  public func recordMeshStats(_ snapshot: StatsSnapshot) async throws {
    let now = clock().timeIntervalSince1970
    try write { db in
      for (scope, counters) in snapshot.counters {
        let service: String
        switch scope {
        case .listener(let name): service = name
        case .upstream(let from, _): service = from
        }
        for (stat, value) in counters {
          try MeshStatRecord(
            scope: scope.description, service: service, stat: stat.rawValue, value: Int64(clamping: value), recordedAt: now
          ).save(db)
        }
      }
    }
  }

  /// The kept counters, of one service's listener and upstreams when `service` is given, sorted.
  public func meshStats(service: String? = nil) throws -> [MeshStatLine] {
    try read { db in
      var request = MeshStatRecord.order(Column("scope"), Column("stat"))
      if let service { request = request.filter(Column("service") == service) }
      return try request.fetchAll(db).map { MeshStatLine(scope: $0.scope, service: $0.service, stat: $0.stat, value: $0.value) }
    }
  }
}
