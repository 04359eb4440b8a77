import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.psat_cluster`: one entry of the server's `k8s_psat` `clusters` map: the cluster name its
/// agents send, the service accounts it allows, and the role the server assumes to call that
/// cluster's TokenReview (none: the server's own cluster, in-cluster), with the ClusterRole SPIRE's
/// chart binds to that role's user there (create tokenreviews, get pods and nodes).
enum SPIREPSATClusterHandler: ClockedResourceHandler {
  static let type = "spire.psat_cluster"

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    let attributes = Attributes(resource)
    let trustDomain = try SPIRERuntime.trustDomain(try attributes.string("trust_domain")).name
    _ = try SPIRERuntime.serverRuntime(trustDomain, db)
    let cluster = try attributes.optionalString("cluster") ?? ""
    if !cluster.isEmpty { _ = try ClusterRecord.named(cluster, in: db) }
    let apiRole = try attributes.optionalString("api_role")
    let clusterName = try attributes.string("cluster_name")
    try removeBinding(trustDomain: trustDomain, clusterName: clusterName, db)
    try SPIREPSATClusterRecord(
      trustDomain: trustDomain, clusterName: clusterName, cluster: cluster, allow: try attributes.strings("allow"), apiRole: apiRole
    ).save(db)
    if let apiRole, !cluster.isEmpty, let role = try RoleRecord.find(resourceName: apiRole, in: db) {
      try SPIREClusterRoleBindingRecord(trustDomain: trustDomain, cluster: cluster, roleArn: role.arn).save(db)
    }
  }

  /// Takes away the binding the cluster name's previous configuration made.
  static func removeBinding(trustDomain: String, clusterName: String, _ db: Database) throws {
    guard let old = try SPIREPSATClusterRecord.fetchOne(db, key: ["trustDomain": trustDomain, "clusterName": clusterName]),
      let role = try old.apiRole.flatMap({ try RoleRecord.find(resourceName: $0, in: db) })
    else { return }
    _ = try SPIREClusterRoleBindingRecord.deleteOne(db, key: ["trustDomain": trustDomain, "cluster": old.cluster, "roleArn": role.arn])
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    try removeBinding(trustDomain: stored.string("trust_domain"), clusterName: stored.string("cluster_name"), db)
    _ = try SPIREPSATClusterRecord.deleteOne(
      db, key: ["trustDomain": stored.string("trust_domain"), "clusterName": stored.string("cluster_name")])
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard
      let record = try SPIREPSATClusterRecord.fetchOne(
        db, key: ["trustDomain": stored.string("trust_domain"), "clusterName": stored.string("cluster_name")])
    else { return [] }
    return [
      ModelField("cluster_name", .string(record.clusterName)),
      ModelField("service_account_allow_list", .list(record.allow.map(ModelValue.string))),
    ]
  }
}
