/// The server's configuration of `k8s_psat` for one cluster (an entry of its `clusters` map).
public struct K8sPSATClusterConfig: Codable, Sendable, Equatable {
  /// The cluster's key in the `clusters` map: what its agents send as `cluster`.
  public var name: String
  /// `service_account_allow_list`: the `namespace:name` service accounts whose tokens attest.
  public var serviceAccountAllowList: [String]
  /// `audience`: the audiences the token must be valid for (SPIRE's default: `spire-server`).
  public var audience: [String]

  /// SPIRE's default audience.
  public static let defaultAudience = ["spire-server"]

  /// A cluster entry with the given allow list and audience.
  public init(name: String, serviceAccountAllowList: [String], audience: [String] = defaultAudience) {
    self.name = name
    self.serviceAccountAllowList = serviceAccountAllowList
    self.audience = audience
  }
}

/// What a successful `k8s_psat` attestation gives an agent: its ID and its node selectors.
public struct AgentAttestation: Sendable, Equatable {
  /// `spiffe://<td>/spire/agent/k8s_psat/<cluster>/<node UID>`.
  public var agentID: SPIFFEID
  /// The `k8s_psat:` selectors: cluster, agent_ns, agent_sa, agent_pod_name, agent_pod_uid,
  /// agent_node_ip (when known), agent_node_name, agent_node_uid.
  public var selectors: [Selector]
}

/// SPIRE's `k8s_psat` server node attestor: it checks an agent's projected service-account token
/// through its cluster's TokenReview API and names the agent by its node.
///
/// The checks run in SPIRE's order, and the first that fails is the error: the cluster is configured;
/// the TokenReview call succeeds; the token is authenticated; it is valid for the audience; the
/// username is a service account; that service account is on the allow list; the review names the pod
/// and its node.
public struct K8sPSATAttestor: Sendable {
  /// The trust domain agent IDs are made in.
  public let trustDomain: TrustDomain
  /// Each cluster's configuration and TokenReview API, by cluster name.
  public let clusters: [String: (config: K8sPSATClusterConfig, reviewer: any TokenReviewer)]

  /// An attestor for `trustDomain` with one configuration and TokenReview API per cluster.
  public init(trustDomain: TrustDomain, clusters: [(config: K8sPSATClusterConfig, reviewer: any TokenReviewer)]) {
    self.trustDomain = trustDomain
    var byName: [String: (config: K8sPSATClusterConfig, reviewer: any TokenReviewer)] = [:]
    for cluster in clusters { byName[cluster.config.name] = cluster }
    self.clusters = byName
  }

  /// Attests an agent that presents `token` as a member of `cluster`.
  public func attest(cluster: String, token: String) async throws(K8sPSATError) -> AgentAttestation {
    guard !cluster.isEmpty else { throw .missingCluster }
    guard !token.isEmpty else { throw .missingToken }
    guard let (config, reviewer) = clusters[cluster] else {
      throw .unknownCluster(cluster, known: clusters.keys.sorted())
    }
    let status: TokenReviewStatus
    do {
      status = try await reviewer.review(token: token, audiences: config.audience)
    } catch {
      throw .tokenReviewFailed(cluster: cluster, error)
    }
    if let error = status.error, !error.isEmpty { throw .tokenReviewError(cluster: cluster, error) }
    guard status.authenticated else { throw .notAuthenticated(cluster: cluster) }
    if !config.audience.isEmpty, !config.audience.contains(where: status.audiences.contains) {
      throw .audienceMismatch(cluster: cluster, wanted: config.audience, got: status.audiences)
    }
    let parts = status.username.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", !parts[2].isEmpty, !parts[3].isEmpty
    else { throw .notAServiceAccount(cluster: cluster, username: status.username) }
    let namespace = String(parts[2])
    let serviceAccount = String(parts[3])
    let fullName = "\(namespace):\(serviceAccount)"
    guard config.serviceAccountAllowList.contains(fullName) else {
      throw .serviceAccountNotAllowed(cluster: cluster, serviceAccount: fullName, allowList: config.serviceAccountAllowList)
    }
    guard let podName = status.podName, !podName.isEmpty else { throw .missingPodInfo(cluster: cluster, "pod name") }
    guard let podUID = status.podUID, !podUID.isEmpty else { throw .missingPodInfo(cluster: cluster, "pod UID") }
    guard let nodeName = status.nodeName, !nodeName.isEmpty else { throw .missingPodInfo(cluster: cluster, "node name") }
    guard let nodeUID = status.nodeUID, !nodeUID.isEmpty else { throw .missingPodInfo(cluster: cluster, "node UID") }
    let agentID: SPIFFEID
    do {
      agentID = try trustDomain.agentID(attestor: "k8s_psat", cluster, nodeUID)
    } catch {
      throw .invalidAgentID(cluster: cluster, error)
    }
    var selectors = [
      ("cluster", cluster), ("agent_ns", namespace), ("agent_sa", serviceAccount), ("agent_pod_name", podName),
      ("agent_pod_uid", podUID),
    ]
    if let ip = status.nodeIP, !ip.isEmpty { selectors.append(("agent_node_ip", ip)) }
    selectors += [("agent_node_name", nodeName), ("agent_node_uid", nodeUID)]
    return AgentAttestation(
      agentID: agentID, selectors: selectors.map { Selector(type: "k8s_psat", value: "\($0):\($1)") })
  }
}

/// Why `k8s_psat` refused an agent: the first cause, in SPIRE's order of checks.
public enum K8sPSATError: Error, Equatable, Sendable, CustomStringConvertible {
  case missingCluster
  case missingToken
  case unknownCluster(String, known: [String])
  case tokenReviewFailed(cluster: String, KubernetesAPIError)
  case tokenReviewError(cluster: String, String)
  case notAuthenticated(cluster: String)
  case audienceMismatch(cluster: String, wanted: [String], got: [String])
  case notAServiceAccount(cluster: String, username: String)
  case serviceAccountNotAllowed(cluster: String, serviceAccount: String, allowList: [String])
  case missingPodInfo(cluster: String, String)
  case invalidAgentID(cluster: String, SPIFFEIDError)

  /// The one-line summary, in SPIRE's wording (with "did you mean" for a mistyped cluster).
  public var description: String {
    switch self {
    case .missingCluster: "missing cluster in attestation data"
    case .missingToken: "missing token in attestation data"
    case .unknownCluster(let name, let known):
      "not configured for cluster \"\(name)\""
        + (NameSuggestion.closest(to: name, in: known).map { ": did you mean \"\($0)\"?" }
          ?? (known.isEmpty
            ? ": the server has no k8s_psat clusters"
            : ": configured clusters are \(known.map { "\"\($0)\"" }.joined(separator: ", "))"))
    case .tokenReviewFailed(let cluster, let error): "\(Self.unableToValidate(cluster)): \(error)"
    case .tokenReviewError(let cluster, let error):
      "\(Self.unableToValidate(cluster)): token review API response contains an error: \(error)"
    case .notAuthenticated(let cluster): "token not authenticated according to TokenReview API for cluster \"\(cluster)\""
    case .audienceMismatch(let cluster, let wanted, let got):
      "\(Self.unableToValidate(cluster)): token review API did not validate audience: "
        + "wanted one of \(Self.goQuoted(wanted)) but got \(Self.goQuoted(got))"
    case .notAServiceAccount(let cluster, let username):
      "failed to parse username from token review status for cluster \"\(cluster)\": "
        + "'\(username)' is not system:serviceaccount:<namespace>:<name>"
    case .serviceAccountNotAllowed(let cluster, let serviceAccount, let allowList):
      "\"\(serviceAccount)\" is not an allowed service account for cluster \"\(cluster)\": "
        + "the allow list is \(Self.goQuoted(allowList))"
    case .missingPodInfo(let cluster, let what): "the token review for cluster \"\(cluster)\" names no \(what)"
    case .invalidAgentID(let cluster, let error): "cannot make an agent ID for cluster \"\(cluster)\": \(error)"
    }
  }

  /// What to do about it, for the detail line of a diagnostic.
  public var fix: String {
    switch self {
    case .missingCluster, .missingToken:
      "configure the agent's k8s_psat 'cluster' and mount its projected service-account token"
    case .unknownCluster:
      "make the agents' 'cluster' name a key of the server's k8s_psat 'clusters' map (the two must be spelt alike)"
    case .tokenReviewFailed(_, let error) where error.reason == "Unauthorized":
      "the cluster does not accept the server's credentials: map the role the server uses into the cluster "
        + "(an access entry or an aws-auth mapping)"
    case .tokenReviewFailed(_, let error) where error.reason == "AccessDenied":
      "the server could not get credentials for the cluster: name the server's role (or its account) in the "
        + "trust policy of the role it assumes to call the cluster"
    case .tokenReviewFailed(_, let error) where error.reason == "Forbidden":
      "grant the server's user in the cluster 'create' on tokenreviews and 'get' on pods and nodes"
    case .tokenReviewFailed: "check that the server can reach the cluster's API server"
    case .tokenReviewError, .notAuthenticated:
      "the agent's token was not accepted by its cluster: check that it is the cluster's own projected token and has not expired"
    case .audienceMismatch(_, let wanted, _):
      "project the agents' service-account token with the audience \(Self.goQuoted(wanted)), or change the server's 'audience'"
    case .notAServiceAccount: "attest with a projected service-account token, not a user's token"
    case .serviceAccountNotAllowed(let cluster, let serviceAccount, _):
      "add \"\(serviceAccount)\" to service_account_allow_list of cluster \"\(cluster)\", or run the agents as an allowed service account"
    case .missingPodInfo:
      "use a token bound to the agent's pod (a projected service-account token), so that the review names its pod and node"
    case .invalidAgentID: "use cluster names and node UIDs made of letters, digits, '.', '-' and '_'"
    }
  }

  static func unableToValidate(_ cluster: String) -> String {
    "unable to validate token with TokenReview API for cluster \"\(cluster)\""
  }

  static func goQuoted(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: " ") + "]" }
}
