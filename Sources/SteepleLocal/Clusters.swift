import Crypto
import Foundation
import GRDB
import SteepleCatalog
import SteepleEngine
import SteepleModel

/// An EKS cluster: a Kubernetes control plane in a VPC, with its own service-account token issuer.
struct ClusterRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let databaseTableName = "cluster"
  var name: String
  var account: String
  var vpc: String
  var version: String
  var endpoint: String
  var arn: String
  var oidcIssuer: String
  /// The issuer's P-256 private key, raw.
  var signingKey: Data
  var keyID: String
  var uid: String

  static func named(_ name: String, in db: Database) throws -> ClusterRecord {
    guard let cluster = try ClusterRecord.find(name, in: db) else {
      throw ProviderError(code: "ResourceNotFoundException", message: "No cluster found for name: \(name).")
    }
    return cluster
  }

  func privateKey() throws -> P256.Signing.PrivateKey { try P256.Signing.PrivateKey(rawRepresentation: signingKey) }
}

/// A node of a cluster's node group: an EC2 instance with an address in the cluster's VPC.
struct NodeRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "node"
  var cluster: String
  var ordinal: Int
  var name: String
  var uid: String
  var ip: String

  /// The cluster's nodes by ordinal, through a statement compiled once a connection.
  static func all(of cluster: String, in db: Database) throws -> [NodeRecord] {
    try fetchAll(db.cachedStatement(sql: "SELECT * FROM node WHERE cluster = ? ORDER BY ordinal"), arguments: [cluster])
  }
}

struct NodegroupRecord: Codable, FetchableRecord, PersistableRecord, KeyedRecord {
  static let keyColumn = "cluster"
  static let databaseTableName = "nodegroup"
  var cluster: String
  var size: Int
  var instanceType: String
  var nodeRole: String?
}

enum ClusterHandler: ResourceHandler {
  static let type = "eks.cluster"
  /// The Kubernetes versions EKS offers, and the one a cluster runs unless told: the catalog's.
  static let versions = EKS.kubernetesVersions
  static let defaultVersion = EKS.defaultVersion
  /// Namespaces every cluster starts with.
  static let systemNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    // The key: the name, or `<name>@<account>` when a cluster of another account has the name too.
    let name = resource.address.name
    let eksName = EKS.eksName(name)
    let account = try AccountRecord.named(try attributes.string("account"), in: db)
    guard StringFormat.eksClusterName.problem(with: eksName) == nil else {
      throw ProviderError(
        code: "InvalidParameterException",
        message:
          "1 validation error detected: Value '\(eksName)' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9A-Za-z][A-Za-z0-9\\-_]*",
        address: resource.address)
    }
    guard name == eksName || name == EKS.qualifiedClusterName(eksName, account: account.name) else {
      throw ProviderError(
        code: "InvalidParameterException", message: "the cluster \(name) is not named after its account \(account.name)",
        address: resource.address)
    }
    let version = try attributes.optionalString("version") ?? defaultVersion
    guard versions.contains(version) else {
      throw ProviderError(
        code: "InvalidParameterException", message: "unsupported Kubernetes version \(version)", address: resource.address)
    }
    let vpc = try VPCRecord.visible(try attributes.string("vpc"), from: account.name, in: db)
    if var existing = try ClusterRecord.find(name, in: db) {
      guard existing.vpc == vpc.name else {
        throw ProviderError(
          code: "InvalidParameterException", message: "A cluster's VPC cannot be changed: replace the cluster",
          address: resource.address)
      }
      if existing.version != version {
        let from = versions.firstIndex(of: existing.version) ?? 0
        let to = versions.firstIndex(of: version) ?? 0
        guard to == from + 1 else {
          throw ProviderError(
            code: "InvalidParameterException",
            message: "Unsupported Kubernetes minor version update from \(existing.version) to \(version)",
            address: resource.address)
        }
        existing.version = version
        try existing.update(db)
      }
      return
    }
    let incarnation = String(try db.nextIncarnation(of: "\(type)/\(name)"))
    let endpointID = Identifiers.hex("endpoint", account.id, name, incarnation, count: 32).uppercased()
    let issuerID = Identifiers.hex("oidc", account.id, name, incarnation, count: 32).uppercased()
    let key = P256.Signing.PrivateKey(compactRepresentable: false)
    let clusterUID = Identifiers.uuid("cluster", account.id, name, incarnation)
    try ClusterRecord(
      name: name, account: account.name, vpc: vpc.name, version: version,
      endpoint: "https://\(endpointID).gr7.\(account.region).eks.amazonaws.com",
      arn: "arn:aws:eks:\(account.region):\(account.id):cluster/\(eksName)",
      oidcIssuer: "https://oidc.eks.\(account.region).amazonaws.com/id/\(issuerID)",
      signingKey: key.rawRepresentation, keyID: JSONWebKey.keyID(of: key.publicKey), uid: clusterUID
    ).insert(db)
    for namespace in systemNamespaces {
      try KubernetesObjects.createNamespace(namespace, in: name, db)
    }
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let cluster = try ClusterRecord.find(stored.name, in: db) else { return }
    if try NodegroupRecord.find(cluster.name, in: db) != nil {
      throw ProviderError(
        code: "ResourceInUseException", message: "Cluster has nodegroups attached", address: stored.address)
    }
    // The cluster's Kubernetes objects go with its control plane.
    try db.execute(sql: "DELETE FROM address WHERE vpc = ? AND holder LIKE ?", arguments: [cluster.vpc, "pod:\(cluster.name)/%"])
    try db.execute(sql: "DELETE FROM pod WHERE cluster = ?", arguments: [cluster.name])
    try db.execute(sql: "DELETE FROM namespace WHERE cluster = ?", arguments: [cluster.name])
    try db.execute(sql: "DELETE FROM access WHERE cluster = ?", arguments: [cluster.name])
    try cluster.delete(db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let cluster = try ClusterRecord.find(stored.name, in: db) else { return [] }
    return fields(of: cluster)
  }

  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]] {
    try outputs(of: stored, in: db, rows: ClusterRecord.self, key: \.name, fields: fields(of:))
  }

  static func fields(of cluster: ClusterRecord) -> [ModelField] {
    [
      ModelField("endpoint", .string(cluster.endpoint)), ModelField("arn", .string(cluster.arn)),
      ModelField("oidc_issuer", .string(cluster.oidcIssuer)),
    ]
  }
}

enum NodegroupHandler: ResourceHandler {
  static let type = "eks.nodegroup"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let size = try attributes.int("nodes", default: EKS.defaultNodes)
    guard EKS.nodeCounts.contains(size) else {
      throw ProviderError(
        code: "InvalidParameterException",
        message: "desiredSize must be between \(EKS.nodeCounts.lowerBound) and \(EKS.nodeCounts.upperBound), not \(size)",
        address: resource.address)
    }
    let nodeRole = try attributes.optionalString("node_role")
    if let nodeRole {
      // EKS hands the node role to EC2 instances: it must exist in the cluster's account and trust EC2.
      guard let role = try RoleRecord.find(resourceName: nodeRole, in: db), role.account == cluster.account else {
        throw ProviderError(
          code: "InvalidParameterException", message: "The node role \(nodeRole) does not exist in the cluster's account",
          address: resource.address)
      }
      guard role.trust.contains("service:ec2.amazonaws.com") else {
        throw ProviderError(
          code: "InvalidParameterException",
          message: "The provided role \(role.arn) cannot be assumed by ec2.amazonaws.com: its trust policy must name that service",
          address: resource.address)
      }
    }
    let instanceType = try attributes.optionalString("instance_type") ?? EKS.defaultInstanceType
    guard EKS.instanceTypeProblem(instanceType) == nil else {
      throw ProviderError(
        code: "InvalidParameterException", message: "The instance type '\(instanceType)' is not valid", address: resource.address)
    }
    try db.cachedStatement(
      sql: """
        INSERT INTO nodegroup (cluster, size, instanceType, nodeRole) VALUES (?, ?, ?, ?)
        ON CONFLICT (cluster) DO UPDATE SET size = excluded.size, instanceType = excluded.instanceType, nodeRole = excluded.nodeRole
        """
    ).execute(arguments: [cluster.name, size, instanceType, nodeRole])
    try reconcileNodes(of: cluster, size: size, in: db)
  }

  /// Brings the cluster's nodes to `size`: new nodes get addresses in the VPC; pods of removed nodes
  /// and pods waiting for a node are scheduled again.
  static func reconcileNodes(of cluster: ClusterRecord, size: Int, in db: Database) throws {
    let vpc = try VPCRecord.find(cluster.vpc, in: db)!
    let region = try AccountRecord.find(cluster.account, in: db)?.region ?? "us-east-1"
    let nodes = try NodeRecord.all(of: cluster.name, in: db)
    for node in nodes where node.ordinal >= size {
      try Addresses.release(in: vpc.name, holder: "node:\(cluster.name)/\(node.ordinal)", in: db)
      try node.delete(db)
    }
    let existing = Set(nodes.map(\.ordinal))
    for ordinal in 0..<size where !existing.contains(ordinal) {
      let incarnation = try db.nextIncarnation(of: "node/\(cluster.name)/\(ordinal)")
      let ip = try Addresses.allocate(in: vpc, holder: "node:\(cluster.name)/\(ordinal)", in: db)
      let name = "ip-\(ip.replacingOccurrences(of: ".", with: "-")).\(region).compute.internal"
      try db.cachedStatement(sql: "INSERT INTO node (cluster, ordinal, name, uid, ip) VALUES (?, ?, ?, ?, ?)").execute(
        arguments: [cluster.name, ordinal, name, Identifiers.uuid("node", cluster.uid, String(ordinal), String(incarnation)), ip])
    }
    try KubernetesObjects.schedulePods(in: cluster, db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    let clusterName = stored.string("cluster")
    guard let cluster = try ClusterRecord.find(clusterName, in: db) else { return }
    try reconcileNodes(of: cluster, size: 0, in: db)
    _ = try NodegroupRecord.deleteOne(db, key: cluster.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let clusterName = stored.string("cluster")
    return fields(of: try NodeRecord.all(of: clusterName, in: db))
  }

  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]] {
    var nodes: [String: [NodeRecord]] = [:]
    for node in try NodeRecord.order(Column("cluster"), Column("ordinal")).fetchAll(db) {
      nodes[node.cluster, default: []].append(node)
    }
    var outputs: [ResourceAddress: [ModelField]] = [:]
    for resource in stored { outputs[resource.address] = fields(of: nodes[resource.string("cluster")] ?? []) }
    return outputs
  }

  static func fields(of nodes: [NodeRecord]) -> [ModelField] {
    [
      ModelField(
        "nodes",
        .list(
          nodes.map {
            .record([ModelField("name", .string($0.name)), ModelField("uid", .string($0.uid)), ModelField("ip", .string($0.ip))])
          }))
    ]
  }
}

/// What EKS's DescribeCluster and DescribeNodegroup say of a cluster: its version, and its node
/// group's size and instance type.
public struct ClusterDescription: Sendable, Hashable {
  public let name: String
  public let version: String
  /// The node group's desired size, when the cluster has a node group.
  public let nodes: Int?
  /// The node group's EC2 instance type, when the cluster has a node group.
  public let instanceType: String?
}

extension LocalCloud {
  /// The cluster as EKS describes it.
  public func describeCluster(_ name: String) throws -> ClusterDescription {
    try read { db in
      let cluster = try ClusterRecord.named(name, in: db)
      let nodegroup = try NodegroupRecord.find(name, in: db)
      return ClusterDescription(name: cluster.name, version: cluster.version, nodes: nodegroup?.size, instanceType: nodegroup?.instanceType)
    }
  }
}
