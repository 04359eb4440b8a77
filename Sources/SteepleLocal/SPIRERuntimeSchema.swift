import Foundation
import GRDB

/// The embedded SPIRE as a script applies it: where each server runs and how agents reach it, the
/// server's `k8s_psat` clusters, each agent set's DaemonSet and configuration, the bootstrap bundle
/// each agent cluster holds, and the modelled clock. Certificates only: keys stay in `spireKey`.
enum SPIRERuntimeSchema {
  static let migration = "v3-spire-runtime"

  static func register(in migrator: inout DatabaseMigrator) {
    migrator.registerMigration(migration) { db in
      // One server a trust domain: its pod, the address agents connect to, what it runs as.
      try db.create(table: "spireServerRuntime") { t in
        t.primaryKey("trustDomain", .text)
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("serviceAccount", .text).notNull()
        t.column("pod", .text).notNull()
        t.column("expose", .text).notNull()
        t.column("address", .text).notNull()
        t.column("port", .integer).notNull()
        t.column("role", .text)
        t.column("svidTTL", .integer).notNull()
        t.column("madeNamespace", .boolean).notNull()
        t.column("madeServiceAccount", .boolean).notNull()
        t.column("stopped", .boolean).notNull()
      }
      // The server's k8s_psat `clusters` map: one row a cluster name.
      try db.create(table: "spirePSATCluster") { t in
        t.column("trustDomain", .text).notNull()
        t.column("clusterName", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("allow", .jsonText).notNull()
        t.column("apiRole", .text)
        t.primaryKey(["trustDomain", "clusterName"])
      }
      // One agent set: its DaemonSet and the configuration its agents run with.
      try db.create(table: "spireAgentSet") { t in
        t.column("trustDomain", .text).notNull()
        t.column("name", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("serviceAccount", .text).notNull()
        t.column("clusterName", .text).notNull()
        t.column("configuredTrustDomain", .text).notNull()
        t.column("madeNamespace", .boolean).notNull()
        t.column("madeServiceAccount", .boolean).notNull()
        t.column("stopped", .boolean).notNull()
        t.primaryKey(["trustDomain", "name"])
      }
      // The bootstrap bundle an agent cluster holds (the ConfigMap `spire-bundle`), as delivered.
      try db.create(table: "spireBundleDelivery") { t in
        t.column("trustDomain", .text).notNull()
        t.column("name", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("namespace", .text).notNull()
        t.column("delivery", .text).notNull()
        t.column("sequence", .integer).notNull()
        t.column("authorities", .jsonText).notNull()
        t.primaryKey(["trustDomain", "name"])
      }
      // The server's rights in each agent cluster (the ClusterRole and ClusterRoleBinding SPIRE's
      // chart makes): create tokenreviews, get pods and nodes, for the user its api_role maps to.
      try db.create(table: "spireClusterRoleBinding") { t in
        t.column("trustDomain", .text).notNull()
        t.column("cluster", .text).notNull()
        t.column("roleArn", .text).notNull()
        t.primaryKey(["trustDomain", "cluster", "roleArn"])
      }
      // The modelled clock: how far `verify … { after: }` moved the cloud's time ahead.
      try db.create(table: "spireClock") { t in
        t.primaryKey("id", .integer)
        t.column("offset", .double).notNull()
      }
    }
  }
}

struct SPIREServerRuntimeRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireServerRuntime"
  var trustDomain: String
  var cluster: String
  var namespace: String
  var serviceAccount: String
  var pod: String
  var expose: String
  var address: String
  var port: Int
  var role: String?
  var svidTTL: Int
  var madeNamespace: Bool
  var madeServiceAccount: Bool
  var stopped: Bool
}

struct SPIREPSATClusterRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spirePSATCluster"
  var trustDomain: String
  var clusterName: String
  var cluster: String
  var allow: [String]
  var apiRole: String?
}

struct SPIREAgentSetRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireAgentSet"
  var trustDomain: String
  var name: String
  var cluster: String
  var namespace: String
  var serviceAccount: String
  var clusterName: String
  var configuredTrustDomain: String
  var madeNamespace: Bool
  var madeServiceAccount: Bool
  var stopped: Bool

  /// `<td>/<name>`, the spire.agents resource's name.
  var resourceName: String { "\(trustDomain)/\(name)" }
}

struct SPIREBundleDeliveryRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireBundleDelivery"
  var trustDomain: String
  var name: String
  var cluster: String
  var namespace: String
  var delivery: String
  var sequence: Int64
  /// The DER of each X.509 authority the delivered bundle holds.
  var authorities: [Data]
}

struct SPIREClockRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireClock"
  var id: Int
  var offset: Double
}

/// The server's rights in one agent cluster, bound to the user its `api_role` maps to.
struct SPIREClusterRoleBindingRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "spireClusterRoleBinding"
  var trustDomain: String
  var cluster: String
  var roleArn: String

  /// What SPIRE's server needs of an agent cluster's API: reviewing tokens and reading pods and nodes.
  static func allows(verb: String, resource: String) -> Bool {
    (verb == "create" && resource == "tokenreviews") || (verb == "get" && ["pods", "nodes"].contains(resource))
  }

  /// Whether a binding gives the role's user the right to make the request in `cluster`.
  static func allows(roleArn: String?, cluster: String, verb: String, resource: String, _ db: Database) throws -> Bool {
    guard let roleArn, allows(verb: verb, resource: resource) else { return false }
    return try filter(Column("cluster") == cluster && Column("roleArn") == roleArn).fetchCount(db) > 0
  }
}
