import GRDB
import SteepleCatalog
import SteepleEngine
import SteepleModel

/// An IAM role's access to a cluster: a `mapRoles` entry of the `aws-auth` ConfigMap, or an EKS
/// access entry. Either maps the role's ARN to a Kubernetes user name and groups.
struct AccessRecord: Codable, FetchableRecord, PersistableRecord {
  static let databaseTableName = "access"
  static let accessEntry = "access_entry"
  static let awsAuth = "aws_auth"

  var cluster: String
  var roleArn: String
  var mode: String
  var username: String
  var groups: [String]
  var accessPolicies: [String]
}

/// The EKS access policies an access entry can be associated with, and what each allows here.
enum AccessPolicy: String, CaseIterable {
  case clusterAdmin = "AmazonEKSClusterAdminPolicy"
  case admin = "AmazonEKSAdminPolicy"
  case edit = "AmazonEKSEditPolicy"
  case view = "AmazonEKSViewPolicy"

  static let arnPrefix = EKS.accessPolicyARNPrefix

  /// A policy by name or by ARN.
  init?(named text: String) {
    self.init(rawValue: text.hasPrefix(Self.arnPrefix) ? String(text.dropFirst(Self.arnPrefix.count)) : text)
  }

  /// Whether the policy lets its holder make the request: the cluster admin policy allows everything,
  /// the others reading namespaced objects.
  func allows(verb: String, resource: String) -> Bool {
    switch self {
    case .clusterAdmin: return true
    case .admin, .edit, .view: return ["get", "list"].contains(verb) && ClusterAPI.namespaced.contains(resource)
    }
  }
}

/// Who a caller is inside a cluster once authenticated.
public struct KubernetesUser: Hashable, Sendable, Codable {
  public let username: String
  public let uid: String
  public let groups: [String]
  public let extra: [String: [String]]
  /// A user as the authenticator names it: its user name, UID, groups and extra attributes.
  public init(username: String, uid: String = "", groups: [String], extra: [String: [String]] = [:]) {
    self.username = username
    self.uid = uid
    self.groups = groups
    self.extra = extra
  }
}

enum ClusterAccessHandler: ResourceHandler {
  static let type = "eks.access"

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    let attributes = Attributes(resource)
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let roleName = try attributes.string("role")
    guard let (accountName, role) = RoleHandler.split(roleName) else {
      throw ProviderError(
        code: "InvalidParameterException", message: "The role '\(roleName)' is not of the form <account>/<role-name>",
        address: resource.address)
    }
    let account = try AccountRecord.named(accountName, in: db)
    let roleArn = RoleRecord.arn(accountID: account.id, roleName: role)
    let mode = try attributes.optionalString("mode") ?? AccessRecord.accessEntry
    let username: String
    let groups = try attributes.strings("groups")
    let policies = try attributes.strings("access_policies")
    switch mode {
    case AccessRecord.accessEntry:
      // EKS resolves the principal when the access entry is made; aws-auth is only a ConfigMap.
      guard try RoleRecord.fetchOne(db, key: ["account": account.name, "roleName": role]) != nil else {
        throw ProviderError(
          code: "InvalidParameterException", message: "The specified principalArn is invalid: invalid principal \(roleArn)",
          address: resource.address)
      }
      username = try attributes.optionalString("username") ?? "arn:aws:sts::\(account.id):assumed-role/\(role)/{{SessionName}}"
      // EKS keeps the `system:` prefix for itself: admin rights come from access policies instead.
      if username.hasPrefix("system:") {
        throw ProviderError(
          code: "InvalidParameterException", message: "The username must not begin with system:", address: resource.address)
      }
      if let group = groups.first(where: { $0.hasPrefix("system:") }) {
        throw ProviderError(
          code: "InvalidParameterException",
          message: "The kubernetes group name \(group) is invalid, it cannot start with system:", address: resource.address)
      }
      if let unknown = policies.first(where: { AccessPolicy(named: $0) == nil }) {
        throw ProviderError(
          code: "InvalidParameterException",
          message: "The specified access policy \(unknown) is invalid: use one of \(AccessPolicy.allCases.map(\.rawValue).joined(separator: ", "))",
          address: resource.address)
      }
    case AccessRecord.awsAuth:
      username = try attributes.optionalString("username") ?? role
      if !policies.isEmpty {
        throw ProviderError(
          code: "InvalidParameterException", message: "Access policies can be associated only with access entries, not aws-auth mappings",
          address: resource.address)
      }
    default:
      throw ProviderError(
        code: "InvalidParameterException",
        message: "Unknown cluster access mode '\(mode)': use \"access_entry\" or \"aws_auth\"", address: resource.address)
    }
    if let other = try AccessRecord.fetchOne(db, key: ["cluster": cluster.name, "roleArn": roleArn]), other.mode != mode {
      throw ProviderError(
        code: "ResourceInUseException",
        message: "The principal \(roleArn) already has cluster access through \(other.mode)", address: resource.address)
    }
    try AccessRecord(
      cluster: cluster.name, roleArn: roleArn, mode: mode, username: username, groups: groups,
      accessPolicies: policies.compactMap { AccessPolicy(named: $0)?.rawValue }
    ).save(db)
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    guard let record = try find(stored, db) else { return }
    try record.delete(db)
  }

  static func find(_ stored: StoredResource, _ db: Database) throws -> AccessRecord? {
    let cluster = stored.string("cluster")
    let role = stored.string("role")
    guard let (accountName, roleName) = RoleHandler.split(role), let account = try AccountRecord.find(accountName, in: db)
    else { return nil }
    return try AccessRecord.fetchOne(
      db, key: ["cluster": cluster, "roleArn": RoleRecord.arn(accountID: account.id, roleName: roleName)])
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] { [] }

  /// The `mapRoles` of the cluster's `aws-auth` ConfigMap, as `kubectl get cm -n kube-system aws-auth` shows it.
  static func awsAuthMapRoles(cluster: String, in db: Database) throws -> String {
    let entries = try AccessRecord.filter(Column("cluster") == cluster && Column("mode") == AccessRecord.awsAuth)
      .order(Column("roleArn")).fetchAll(db)
    return entries.map { entry in
      "- rolearn: \(entry.roleArn)\n  username: \(entry.username)\n  groups:\n"
        + entry.groups.map { "    - \($0)\n" }.joined()
    }.joined()
  }

  /// Authenticates a caller to the cluster the way EKS does: the IAM identity behind the token must
  /// be mapped by an access entry or by aws-auth, or the API server answers 401.
  static func authenticate(_ credentials: AWSCredentials, cluster: ClusterRecord, in db: Database) throws
    -> (user: KubernetesUser, policies: [AccessPolicy])
  {
    guard let roleArn = credentials.roleArn,
      let entry = try AccessRecord.fetchOne(db, key: ["cluster": cluster.name, "roleArn": roleArn])
    else { throw ProviderError.kubernetesUnauthorized }
    let username = entry.username
      .replacingOccurrences(of: "{{SessionName}}", with: credentials.sessionName ?? "")
      .replacingOccurrences(of: "{{AccountID}}", with: credentials.accountID)
    let user = KubernetesUser(
      username: username, uid: "aws-iam-authenticator:\(credentials.accountID):\(roleArn)",
      groups: entry.groups + ["system:authenticated"],
      extra: ["arn": [credentials.arn], "accessKeyId": [], "sessionName": [credentials.sessionName ?? ""]].filter {
        !$0.value.isEmpty
      })
    return (user, entry.accessPolicies.compactMap(AccessPolicy.init(rawValue:)))
  }
}
