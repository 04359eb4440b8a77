import Foundation
import GRDB
import SteepleEngine
import SteepleSPIRE

/// Everything one agent set's attestation needs, read from the state: the agents' configuration (the
/// cluster name they send, their trust domain, the bootstrap bundle their cluster holds), the server
/// as they reach it, and the server's `k8s_psat` attestor with each cluster's TokenReview reached as
/// the server does (in-cluster, or assuming the cluster's `api_role` with the server pod's credentials).
struct SPIREAttestationSetup: Sendable {
  let set: SPIREAgentSetRecord
  let server: SPIREServerRuntimeRecord
  let configuration: AgentConfiguration
  let endpoint: ServerEndpoint
  let clusters: [SPIREPSATClusterRecord]
  /// Each psat cluster's `api_role` as an ARN, by cluster name.
  let roleARNs: [String: String]
  /// The node the server's pod runs on (its credentials are that node's, or its role's).
  let serverNode: String

  /// Reads the setup of the agent set `<trustDomain>/<name>`; `nil` when that set was never applied.
  static func read(trustDomain: TrustDomain, name: String, _ db: Database) throws -> SPIREAttestationSetup? {
    guard let set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": trustDomain.name, "name": name]) else { return nil }
    let server = try SPIRERuntime.serverRuntime(trustDomain.name, db)
    let ca = try SPIRERuntime.serverCA(trustDomain, db)
    let delivered = try SPIREBundleDeliveryRecord.fetchOne(db, key: ["trustDomain": trustDomain.name, "name": name])
    let configured = (try? TrustDomain(set.configuredTrustDomain)) ?? trustDomain
    let configuration = AgentConfiguration(
      cluster: set.clusterName, trustDomain: configured,
      bootstrapBundle: try SPIRERuntime.deliveredBundle(delivered, trustDomain: trustDomain),
      insecureBootstrap: delivered?.delivery == "insecure")
    let clusters = try SPIREPSATClusterRecord.filter(Column("trustDomain") == trustDomain.name).fetchAll(db)
    var roleARNs: [String: String] = [:]
    for cluster in clusters {
      guard let role = cluster.apiRole else { continue }
      roleARNs[cluster.clusterName] = try RoleRecord.find(resourceName: role, in: db)?.arn ?? role
    }
    let serverPod = try PodRecord.fetchOne(db, key: ["cluster": server.cluster, "namespace": server.namespace, "name": server.pod])
    return SPIREAttestationSetup(
      set: set, server: server, configuration: configuration,
      endpoint: ServerEndpoint(address: server.address, port: server.port, trustDomain: trustDomain, authority: ca.current),
      clusters: clusters, roleARNs: roleARNs, serverNode: serverPod?.node ?? "")
  }

  /// The server's attestor. The server pod's credentials come from its role (through EC2's instance
  /// profile) or its node; without any, each review across clusters fails getting credentials.
  func attestor(_ cloud: LocalCloud) -> K8sPSATAttestor {
    let credentials: Result<AWSCredentials, any Error> = Result {
      if let role = server.role {
        try cloud.serviceCredentials(role: role, service: "ec2.amazonaws.com", sessionName: serverNode)
      } else {
        try cloud.nodeCredentials(cluster: server.cluster, node: serverNode)
      }
    }
    let entries: [(config: K8sPSATClusterConfig, reviewer: any TokenReviewer)] = clusters.map { cluster in
      let config = K8sPSATClusterConfig(name: cluster.clusterName, serviceAccountAllowList: cluster.allow)
      guard let arn = roleARNs[cluster.clusterName] else {
        return (config, ClusterTokenReviewer(cloud: cloud, cluster: cluster.cluster, access: .inCluster))
      }
      switch credentials {
      case .success(let credentials):
        let access = ClusterAPIAccess.assumeRole(apiRole: arn, serverCredentials: credentials)
        return (config, ClusterTokenReviewer(cloud: cloud, cluster: cluster.cluster, access: access))
      case .failure(let error):
        return (config, NoCredentialsReviewer(reason: "\(error)"))
      }
    }
    return K8sPSATAttestor(trustDomain: endpoint.trustDomain, clusters: entries)
  }

  /// Attests `pod` for real; the failure says its first cause. A stopped server answers nobody.
  func attest(_ pod: AgentPod, cloud: LocalCloud) async throws(AgentAttestationFailure) -> AgentAttestation {
    if server.stopped { throw .serverStopped(agent: "\(pod.cluster)/\(pod.namespace)/\(pod.name)", trustDomain: endpoint.trustDomain) }
    return try await cloud.attest(pod, configuration: configuration, server: endpoint, attestor: attestor(cloud))
  }
}

extension AgentAttestationFailure {
  /// The failure as the provider reports it: its first cause, what happened, and what to do.
  var providerError: ProviderError {
    ProviderError(code: "AgentAttestationFailed", message: "first cause: \(cause): \(description); \(fix)")
  }
}

/// A cluster's TokenReview as a server without credentials calls it: never reached.
struct NoCredentialsReviewer: TokenReviewer {
  let reason: String

  func review(token: String, audiences: [String]) async throws(KubernetesAPIError) -> SteepleSPIRE.TokenReviewStatus {
    throw KubernetesAPIError(code: 403, reason: "AccessDenied", message: "getting credentials: the server's pod has none: \(reason)")
  }
}
