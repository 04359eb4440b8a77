import GRDB
import SteepleEngine
import SteepleModel

struct NamespaceRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "namespace"
  var cluster: String
  var name: String
  var uid: String
}

struct ServiceAccountRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "serviceAccount"
  var cluster: String
  var namespace: String
  var name: String
  var uid: String
  var automatic: Bool
}

/// A pod: containers with labels, running as a service account on a node, with an address from the
/// cluster's VPC (as the VPC CNI gives one). Pending, with no node and no address, while no node fits.
struct PodRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "pod"
  var cluster: String
  var namespace: String
  var name: String
  var uid: String
  var serviceAccount: String
  var labels: [String: String]
  var containers: [String]
  var requestedNode: String?
  var node: String
  var ip: String

  var holder: String { "pod:\(cluster)/\(namespace)/\(name)" }
  var phase: String { node.isEmpty ? "Pending" : "Running" }
}

/// Kubernetes' own rules for the objects inside a cluster.
enum KubernetesObjects {
  static func isLabel(_ name: String) -> Bool {
    guard (1...63).contains(name.count), let first = name.unicodeScalars.first, let last = name.unicodeScalars.last else {
      return false
    }
    func lowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
    return lowerAlphanumeric(first) && lowerAlphanumeric(last)
      && name.unicodeScalars.allSatisfy { lowerAlphanumeric($0) || $0 == "-" }
  }

  static func isSubdomain(_ name: String) -> Bool {
    name.count <= 253 && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel(String($0)) }
  }

  static func invalidName(kind: String, _ name: String, subdomain: Bool) -> ProviderError {
    let rule =
      subdomain
      ? "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
      : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    return ProviderError(
      code: "Invalid", message: "\(kind) \"\(name)\" is invalid: metadata.name: Invalid value: \"\(name)\": \(rule)")
  }

  /// Creates a namespace with its `default` service account, as the API server and the service
  /// account controller do; an existing one is kept.
  static func createNamespace(_ name: String, in cluster: String, _ db: Database) throws {
    // Cached statements: every cluster makes four namespaces, each with its service account.
    let exists = try Bool.fetchOne(
      db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM namespace WHERE cluster = ? AND name = ?)"), arguments: [cluster, name])
    if exists == true { return }
    let incarnation = String(try db.nextIncarnation(of: "namespace/\(cluster)/\(name)"))
    // A cached INSERT, not the record's `insert`: GRDB builds that statement anew each time.
    try db.cachedStatement(sql: "INSERT INTO namespace (cluster, name, uid) VALUES (?, ?, ?)").execute(
      arguments: [cluster, name, Identifiers.uuid("namespace", cluster, name, incarnation)])
    try createServiceAccount("default", namespace: name, in: cluster, automatic: true, db)
  }

  static func createServiceAccount(_ name: String, namespace: String, in cluster: String, automatic: Bool, _ db: Database)
    throws
  {
    let statement = try db.cachedStatement(
      sql: "SELECT * FROM serviceAccount WHERE cluster = ? AND namespace = ? AND name = ?")
    if var existing = try ServiceAccountRecord.fetchOne(statement, arguments: [cluster, namespace, name]) {
      if existing.automatic && !automatic {
        existing.automatic = false
        try existing.update(db)
      }
      return
    }
    let incarnation = String(try db.nextIncarnation(of: "serviceaccount/\(cluster)/\(namespace)/\(name)"))
    try db.cachedStatement(
      sql: "INSERT INTO serviceAccount (cluster, namespace, name, uid, automatic) VALUES (?, ?, ?, ?, ?)"
    ).execute(arguments: [cluster, namespace, name, Identifiers.uuid("serviceaccount", cluster, namespace, name, incarnation), automatic])
  }

  /// Refuses a pod (or a DaemonSet's pods, named `<name>-`) whose service account does not exist,
  /// as the API server's admission does.
  static func requireServiceAccount(
    _ serviceAccount: String, namespace: String, cluster: String, pod: String, address: ResourceAddress? = nil, _ db: Database
  ) throws {
    guard try ServiceAccountRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": serviceAccount]) == nil else { return }
    throw ProviderError(
      code: "Forbidden",
      message:
        "pods \"\(pod)\" is forbidden: error looking up service account \(namespace)/\(serviceAccount): serviceaccount \"\(serviceAccount)\" not found",
      address: address)
  }

  static func namespace(_ name: String, in cluster: String, _ db: Database) throws -> NamespaceRecord {
    guard let namespace = try NamespaceRecord.fetchOne(db, key: ["cluster": cluster, "name": name]) else {
      throw ProviderError.kubernetesNotFound("namespaces", name)
    }
    return namespace
  }

  /// Places every pod that has no node (or whose node is gone) on a node, and gives it an address.
  static func schedulePods(in cluster: ClusterRecord, _ db: Database) throws {
    let nodes = try NodeRecord.all(of: cluster.name, in: db)
    let nodeNames = Set(nodes.map(\.name))
    let vpc = try VPCRecord.find(cluster.vpc, in: db)!
    // (Compiled once a connection: every node group and pod change schedules.)
    for var pod in try PodRecord.fetchAll(db.cachedStatement(sql: "SELECT * FROM pod WHERE cluster = ?"), arguments: [cluster.name]) {
      if !pod.node.isEmpty && nodeNames.contains(pod.node) { continue }
      let chosen: NodeRecord?
      if let requested = pod.requestedNode {
        chosen = nodes.first { $0.name == requested }
      } else if nodes.isEmpty {
        chosen = nil
      } else {
        let seed = Identifiers.digest(["schedule", pod.uid]).prefix(4).reduce(0) { $0 << 8 | Int($1) }
        chosen = nodes[seed % nodes.count]
      }
      if let chosen {
        pod.node = chosen.name
        pod.ip = try Addresses.allocate(in: vpc, holder: pod.holder, in: db)
      } else {
        try Addresses.release(in: vpc.name, holder: pod.holder, in: db)
        pod.node = ""
        pod.ip = ""
      }
      try pod.update(db)
    }
  }
}

enum NamespaceHandler: ResourceHandler {
  static let type = "k8s.namespace"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let name = try attributes.string("namespace")
    guard KubernetesObjects.isLabel(name) else {
      throw KubernetesObjects.invalidName(kind: "Namespace", name, subdomain: false)
    }
    try KubernetesObjects.createNamespace(name, in: cluster.name, db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    let cluster = stored.string("cluster")
    let name = stored.string("namespace")
    // The system namespaces cannot be deleted; they are only no longer managed.
    if ClusterHandler.systemNamespaces.contains(name) { return }
    for pod in try PodRecord.filter(Column("cluster") == cluster && Column("namespace") == name).fetchAll(db) {
      try PodHandler.delete(pod, db)
    }
    _ = try NamespaceRecord.deleteOne(db, key: ["cluster": cluster, "name": name])
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let cluster = stored.string("cluster")
    let name = stored.string("namespace")
    guard let namespace = try NamespaceRecord.fetchOne(db, key: ["cluster": cluster, "name": name]) else { return [] }
    return [ModelField("uid", .string(namespace.uid))]
  }
}

enum ServiceAccountHandler: ResourceHandler {
  static let type = "k8s.service_account"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let namespace = try attributes.string("namespace")
    let name = try attributes.string("service_account")
    guard KubernetesObjects.isSubdomain(name) else {
      throw KubernetesObjects.invalidName(kind: "ServiceAccount", name, subdomain: true)
    }
    _ = try KubernetesObjects.namespace(namespace, in: cluster.name, db)
    try KubernetesObjects.createServiceAccount(name, namespace: namespace, in: cluster.name, automatic: false, db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    let cluster = stored.string("cluster")
    let namespace = stored.string("namespace")
    let name = stored.string("service_account")
    guard var account = try ServiceAccountRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": name])
    else { return }
    if name == "default" {
      // The service account controller makes `default` again at once: it stays, unmanaged.
      account.automatic = true
      try account.update(db)
    } else {
      try account.delete(db)
    }
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    let cluster = stored.string("cluster")
    let namespace = stored.string("namespace")
    let name = stored.string("service_account")
    guard let account = try ServiceAccountRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": name])
    else { return [] }
    return [ModelField("uid", .string(account.uid))]
  }
}

enum PodHandler: ResourceHandler {
  static let type = "k8s.pod"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let namespace = try attributes.string("namespace")
    // The pod's own name is the last part of `<cluster>/<namespace>/<pod>`.
    let name = String(resource.address.name.split(separator: "/").last ?? "")
    guard KubernetesObjects.isSubdomain(name) else {
      throw KubernetesObjects.invalidName(kind: "Pod", name, subdomain: true)
    }
    _ = try KubernetesObjects.namespace(namespace, in: cluster.name, db)
    let serviceAccount = try attributes.optionalString("service_account") ?? "default"
    try KubernetesObjects.requireServiceAccount(serviceAccount, namespace: namespace, cluster: cluster.name, pod: name, address: resource.address, db)
    let containers = try attributes.strings("containers")
    guard !containers.isEmpty else {
      throw ProviderError(
        code: "Invalid", message: "Pod \"\(name)\" is invalid: spec.containers: Required value", address: resource.address)
    }
    for (index, container) in containers.enumerated() {
      guard KubernetesObjects.isLabel(container) else {
        throw ProviderError(
          code: "Invalid",
          message:
            "Pod \"\(name)\" is invalid: spec.containers[\(index)].name: Invalid value: \"\(container)\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
          address: resource.address)
      }
      if containers[..<index].contains(container) {
        throw ProviderError(
          code: "Invalid", message: "Pod \"\(name)\" is invalid: spec.containers[\(index)].name: Duplicate value: \"\(container)\"",
          address: resource.address)
      }
    }
    let labels = try attributes.stringRecord("labels")
    let requestedNode = try attributes.optionalString("node")
    let key: [String: any DatabaseValueConvertible] = ["cluster": cluster.name, "namespace": namespace, "name": name]
    if var existing = try PodRecord.fetchOne(db, key: key) {
      if existing.containers == containers && existing.serviceAccount == serviceAccount
        && existing.requestedNode == requestedNode
      {
        // Labels change in place.
        existing.labels = labels
        try existing.update(db)
        return
      }
      // A pod's containers, service account and node cannot change: the workload gets a new pod.
      try PodHandler.delete(existing, db)
    }
    let incarnation = String(try db.nextIncarnation(of: "pod/\(cluster.name)/\(namespace)/\(name)"))
    try PodRecord(
      cluster: cluster.name, namespace: namespace, name: name,
      uid: Identifiers.uuid("pod", cluster.uid, namespace, name, incarnation), serviceAccount: serviceAccount,
      labels: labels, containers: containers, requestedNode: requestedNode, node: "", ip: ""
    ).insert(db)
    try KubernetesObjects.schedulePods(in: cluster, db)
  }

  static func delete(_ pod: PodRecord, _ db: Database) throws {
    if let cluster = try ClusterRecord.find(pod.cluster, in: db) {
      try Addresses.release(in: cluster.vpc, holder: pod.holder, in: db)
    }
    try pod.delete(db)
  }

  static func find(_ stored: StoredResource, _ db: Database) throws -> PodRecord? {
    let cluster = stored.string("cluster")
    let namespace = stored.string("namespace")
    let name = String(stored.name.split(separator: "/").last ?? "")
    return try PodRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": name])
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    if let pod = try find(stored, db) { try delete(pod, db) }
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let pod = try find(stored, db) else { return [] }
    return [ModelField("uid", .string(pod.uid)), ModelField("ip", .string(pod.ip)), ModelField("node", .string(pod.node))]
  }
}
