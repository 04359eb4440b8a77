public import SteepleModel
import Foundation
import GRDB
import SteepleEngine

/// A call to a cluster's Kubernetes API, as a client such as `kubectl` or the SPIRE server makes it.
public enum ClusterRequest: Hashable, Sendable {
  /// `kubectl get <resource> [-n namespace]`: pods, nodes, namespaces, serviceaccounts, configmaps.
  case list(resource: String, namespace: String? = nil)
  case get(resource: String, name: String, namespace: String? = nil)
  /// `POST /apis/authentication.k8s.io/v1/tokenreviews`.
  case createTokenReview(token: String, audiences: [String] = [])

  var verb: String {
    switch self {
    case .list: return "list"
    case .get: return "get"
    case .createTokenReview: return "create"
    }
  }

  var resource: String {
    switch self {
    case .list(let resource, _), .get(let resource, _, _): return resource
    case .createTokenReview: return "tokenreviews"
    }
  }

  var namespace: String? {
    switch self {
    case .list(_, let namespace), .get(_, _, let namespace): return namespace
    case .createTokenReview: return nil
    }
  }
}

/// A Kubernetes object as the API returns it, reduced to plain fields.
public struct KubernetesObject: Hashable, Sendable {
  public let kind: String
  public let name: String
  public let namespace: String?
  public let uid: String
  /// The object's other fields: a pod's `labels`, `containers`, `serviceAccountName`, `nodeName`,
  /// `podIP`, `phase`; a node's `internalIP`; a ConfigMap's `data`.
  public let fields: [ModelField]

  public subscript(field name: String) -> ModelValue? { fields[field: name] }
}

/// What a cluster API call answered.
public enum ClusterResponse: Hashable, Sendable {
  case objects([KubernetesObject])
  case object(KubernetesObject)
  case tokenReview(TokenReviewStatus)
}

/// The cluster's API server: authentication through EKS (access entries, aws-auth), authorization
/// (only `system:masters` is bound to anything, and the embedded SPIRE server's user to what it needs: this cloud has no RBAC objects of its own yet), and
/// the objects.
enum ClusterAPI {
  static let namespaced: Set<String> = ["pods", "serviceaccounts", "configmaps"]
  static let clusterScoped: Set<String> = ["nodes", "namespaces", "tokenreviews"]

  static func call(
    _ request: ClusterRequest, cluster clusterName: String, credentials: AWSCredentials, now: Date, in db: Database
  ) throws -> ClusterResponse {
    let cluster = try ClusterRecord.named(clusterName, in: db)
    guard credentials.expiration > now else { throw ProviderError.kubernetesUnauthorized }
    let (user, policies) = try ClusterAccessHandler.authenticate(credentials, cluster: cluster, in: db)
    let resource = request.resource
    guard namespaced.contains(resource) || clusterScoped.contains(resource) else {
      throw ProviderError(code: "NotFound", message: "the server could not find the requested resource (\(resource))")
    }
    let namespace = namespaced.contains(resource) ? request.namespace : nil
    let byPolicy = policies.contains {
      $0.allows(verb: request.verb, resource: resource)
    }
    let byBinding = try SPIREClusterRoleBindingRecord.allows(
      roleArn: credentials.roleArn, cluster: cluster.name, verb: request.verb, resource: resource, db)
    guard user.groups.contains("system:masters") || byPolicy || byBinding else {
      throw ProviderError.kubernetesForbidden(
        user: user.username, verb: request.verb, resource: resource,
        group: resource == "tokenreviews" ? "authentication.k8s.io" : "", namespace: namespace)
    }
    switch request {
    case .createTokenReview(let token, let audiences):
      return .tokenReview(try TokenIssuer.review(token, cluster: cluster.name, audiences: audiences, now: now, in: db))
    case .list:
      return .objects(try objects(resource, namespace: namespace, in: cluster, db))
    case .get(_, let name, _):
      guard let object = try objects(resource, namespace: namespace, in: cluster, db).first(where: { $0.name == name }) else {
        throw ProviderError.kubernetesNotFound(resource, name)
      }
      return .object(object)
    }
  }

  static func objects(_ resource: String, namespace: String?, in cluster: ClusterRecord, _ db: Database) throws
    -> [KubernetesObject]
  {
    func scoped<Record>(_ request: QueryInterfaceRequest<Record>) -> QueryInterfaceRequest<Record> {
      guard let namespace else { return request }
      return request.filter(Column("namespace") == namespace)
    }
    switch resource {
    case "pods":
      return try scoped(PodRecord.filter(Column("cluster") == cluster.name)).order(Column("namespace"), Column("name"))
        .fetchAll(db).map { pod in
          KubernetesObject(
            kind: "Pod", name: pod.name, namespace: pod.namespace, uid: pod.uid,
            fields: [
              ModelField("labels", .record(pod.labels.sorted { $0.key < $1.key }.map { ModelField($0.key, .string($0.value)) })),
              ModelField("containers", .list(pod.containers.map(ModelValue.string))),
              ModelField("serviceAccountName", .string(pod.serviceAccount)), ModelField("nodeName", .string(pod.node)),
              ModelField("podIP", .string(pod.ip)), ModelField("phase", .string(pod.phase)),
            ])
        }
    case "serviceaccounts":
      return try scoped(ServiceAccountRecord.filter(Column("cluster") == cluster.name))
        .order(Column("namespace"), Column("name")).fetchAll(db).map {
          KubernetesObject(kind: "ServiceAccount", name: $0.name, namespace: $0.namespace, uid: $0.uid, fields: [])
        }
    case "namespaces":
      return try NamespaceRecord.filter(Column("cluster") == cluster.name).order(Column("name")).fetchAll(db).map {
        KubernetesObject(kind: "Namespace", name: $0.name, namespace: nil, uid: $0.uid, fields: [])
      }
    case "nodes":
      return try NodeRecord.filter(Column("cluster") == cluster.name).order(Column("ordinal")).fetchAll(db).map {
        KubernetesObject(kind: "Node", name: $0.name, namespace: nil, uid: $0.uid, fields: [ModelField("internalIP", .string($0.ip))])
      }
    case "configmaps":
      guard namespace == nil || namespace == "kube-system" else { return [] }
      return [
        KubernetesObject(
          kind: "ConfigMap", name: "aws-auth", namespace: "kube-system",
          uid: Identifiers.uuid("configmap", cluster.uid, "kube-system", "aws-auth"),
          fields: [
            ModelField(
              "data", .record([ModelField("mapRoles", .string(try ClusterAccessHandler.awsAuthMapRoles(cluster: cluster.name, in: db)))]))
          ])
      ]
    default:
      return []
    }
  }
}
