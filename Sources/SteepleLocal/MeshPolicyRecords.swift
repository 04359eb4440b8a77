import GRDB
import SteepleEngine
import SteepleModel

/// One `mesh.service` as the local cloud records it: the policy a proxy enforces. The data plane
/// (listeners, upstreams) reads these rows; this side only keeps them.
struct MeshServiceRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "meshService"
  /// `<trust domain>/<service>`.
  var name: String
  var trustDomain: String
  var service: String
  var identity: String
  var cluster: String
  var namespace: String
  var workload: String
  var port: Int
  var `protocol`: String
  var tls: String
  /// The service's own admitted SPIFFE IDs.
  var allow: [String]
  /// The services it calls, by resource name.
  var calls: [String]
  var `public`: Bool
  var proxy: String
}

/// One `mesh.allow`: `from` admitted to the service `to`.
struct MeshAllowRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "meshAllow"
  /// `<td>/<to service> <- <from SPIFFE ID>`.
  var name: String
  var trustDomain: String
  var to: String
  var from: String
  var reason: String?
}

enum MeshServiceHandler: ResourceHandler {
  static let type = "mesh.service"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let namespace = try attributes.string("namespace")
    let workload = try attributes.string("workload")
    guard try PodRecord.fetchOne(db, key: ["cluster": cluster.name, "namespace": namespace, "name": workload]) != nil else {
      throw ProviderError(
        code: "NotFound", message: "the workload \(cluster.name)/\(namespace)/\(workload) of mesh.service \(resource.address.name) does not exist",
        address: resource.address)
    }
    let port = try attributes.int("port")
    guard (1...65535).contains(port) else {
      throw ProviderError(code: "InvalidParameterValue", message: "port \(port) is not between 1 and 65535", address: resource.address)
    }
    try MeshServiceRecord(
      name: resource.address.name, trustDomain: try attributes.string("trust_domain"), service: try attributes.string("service"),
      identity: try attributes.string("identity"), cluster: cluster.name, namespace: namespace, workload: workload, port: port,
      protocol: try attributes.optionalString("protocol") ?? "http", tls: try attributes.optionalString("tls") ?? "strict",
      allow: try attributes.strings("allow"), calls: try attributes.strings("calls"), public: try attributes.bool("public", default: false),
      proxy: try attributes.optionalString("proxy") ?? "envoy"
    ).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    _ = try MeshServiceRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] { [] }
}

enum MeshAllowHandler: ResourceHandler {
  static let type = "mesh.allow"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let to = try attributes.string("to")
    guard try MeshServiceRecord.fetchOne(db, key: to) != nil else {
      throw ProviderError(code: "NotFound", message: "mesh.allow admits to mesh.service \(to), which does not exist", address: resource.address)
    }
    try MeshAllowRecord(
      name: resource.address.name, trustDomain: try attributes.string("trust_domain"), to: to, from: try attributes.string("from"),
      reason: try attributes.optionalString("reason")
    ).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    _ = try MeshAllowRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] { [] }
}
