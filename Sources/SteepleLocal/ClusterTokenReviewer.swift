public import SteepleSPIRE
import SteepleEngine
import SteepleModel

/// How the embedded SPIRE server reaches one cluster's API server.
public enum ClusterAPIAccess: Sendable, Hashable {
  /// The server's own cluster: SPIRE's in-cluster configuration, as its own service account.
  case inCluster
  /// Another cluster, through a kubeconfig whose credential plugin runs `aws eks get-token --role-arn`:
  /// the server assumes `apiRole` (an ARN) with `serverCredentials` (what its pod acts as), and calls
  /// the cluster as that role.
  case assumeRole(apiRole: String, serverCredentials: AWSCredentials)
}

/// A cluster's TokenReview API as the embedded SPIRE server calls it: the local cloud's answer, with
/// everything a real call goes through on the way.
///
/// With ``ClusterAPIAccess/assumeRole(apiRole:serverCredentials:)``, each review first assumes the
/// cluster's `api_role` through the local STS (the role's trust policy must name the server's role or
/// account), then creates the TokenReview as that role: the cluster must map the role (an access entry
/// or an aws-auth mapping, else `Unauthorized`) and the mapping must allow creating tokenreviews and
/// getting pods and nodes (else `Forbidden`). Like SPIRE's `k8s_psat`, it then gets the agent's pod and
/// its node to learn the node's address.
public struct ClusterTokenReviewer: TokenReviewer {
  /// The cloud the cluster lives in.
  public let cloud: LocalCloud
  /// The cluster's EKS name.
  public let cluster: String
  /// How the server authenticates to it.
  public let access: ClusterAPIAccess

  /// The session name the server's credential plugin gives its role sessions.
  public static let sessionName = "spire-server"

  /// A reviewer of `cluster`'s tokens, reached through `access`.
  public init(cloud: LocalCloud, cluster: String, access: ClusterAPIAccess) {
    self.cloud = cloud
    self.cluster = cluster
    self.access = access
  }

  public func review(token: String, audiences: [String]) async throws(KubernetesAPIError) -> SteepleSPIRE.TokenReviewStatus {
    switch access {
    case .inCluster:
      let status: TokenReviewStatus
      do {
        status = try cloud.reviewToken(token, cluster: cluster, audiences: audiences)
      } catch {
        throw Self.apiError(error)
      }
      var result = Self.converted(status)
      if result.authenticated, let name = result.nodeName {
        result.nodeIP = try? cloud.nodeAddress(cluster: cluster, node: name)
      }
      return result
    case .assumeRole(let apiRole, let serverCredentials):
      let credentials: AWSCredentials
      do {
        credentials = try cloud.assumeRole(apiRole, with: serverCredentials, sessionName: Self.sessionName)
      } catch let error as ProviderError {
        throw KubernetesAPIError(
          code: 403, reason: "AccessDenied",
          message: "getting credentials: sts:AssumeRole of \(apiRole) failed: \(error.message)")
      } catch {
        throw KubernetesAPIError(code: 500, reason: "InternalError", message: "getting credentials: \(error)")
      }
      guard case .tokenReview(let status) = try call(.createTokenReview(token: token, audiences: audiences), credentials)
      else { throw KubernetesAPIError(code: 500, reason: "InternalError", message: "the API server did not answer a TokenReview") }
      var result = Self.converted(status)
      guard result.authenticated, let podName = result.podName, let namespace = Self.namespace(of: result.username) else {
        return result
      }
      // SPIRE reads the node's address from the pod's status: get the pod, then its node.
      guard case .object(let pod) = try call(.get(resource: "pods", name: podName, namespace: namespace), credentials)
      else { return result }
      if let node = pod[field: "nodeName"]?.string, !node.isEmpty,
        case .object(let nodeObject) = try call(.get(resource: "nodes", name: node), credentials)
      {
        result.nodeIP = nodeObject[field: "internalIP"]?.string
      }
      return result
    }
  }

  /// One call to the cluster's API with `credentials`, its refusals as Kubernetes words them.
  func call(_ request: ClusterRequest, _ credentials: AWSCredentials) throws(KubernetesAPIError) -> ClusterResponse {
    do {
      return try cloud.clusterRequest(request, cluster: cluster, credentials: credentials)
    } catch {
      throw Self.apiError(error)
    }
  }

  static func apiError(_ error: any Error) -> KubernetesAPIError {
    guard let error = error as? ProviderError else {
      return KubernetesAPIError(code: 500, reason: "InternalError", message: "\(error)")
    }
    switch error.code {
    case "Unauthorized": return .unauthorized(error.message)
    case "Forbidden": return .forbidden(error.message)
    case "NotFound": return KubernetesAPIError(code: 404, reason: "NotFound", message: error.message)
    default: return KubernetesAPIError(code: 500, reason: error.code, message: error.message)
    }
  }

  /// `system:serviceaccount:<namespace>:<name>` → `<namespace>`.
  static func namespace(of username: String) -> String? {
    let parts = username.split(separator: ":", omittingEmptySubsequences: false)
    return parts.count == 4 && parts[0] == "system" && parts[1] == "serviceaccount" ? String(parts[2]) : nil
  }

  /// The cloud's TokenReview status in the shape SPIRE's attestor reads.
  static func converted(_ status: TokenReviewStatus) -> SteepleSPIRE.TokenReviewStatus {
    let extra = status.user?.extra ?? [:]
    return SteepleSPIRE.TokenReviewStatus(
      authenticated: status.authenticated, username: status.user?.username ?? "", audiences: status.audiences,
      podName: extra["authentication.kubernetes.io/pod-name"]?.first,
      podUID: extra["authentication.kubernetes.io/pod-uid"]?.first,
      nodeName: extra["authentication.kubernetes.io/node-name"]?.first,
      nodeUID: extra["authentication.kubernetes.io/node-uid"]?.first, error: status.error)
  }
}
