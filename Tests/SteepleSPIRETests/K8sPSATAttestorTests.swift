import Testing

@testable import SteepleSPIRE

/// A cluster's TokenReview API that knows a fixed set of tokens, or refuses the caller.
struct FakeTokenReviewer: TokenReviewer {
  var tokens: [String: TokenReviewStatus] = [:]
  var refusal: KubernetesAPIError?

  func review(token: String, audiences: [String]) async throws(KubernetesAPIError) -> TokenReviewStatus {
    if let refusal { throw refusal }
    guard var status = tokens[token] else { return TokenReviewStatus(authenticated: false, error: "invalid bearer token") }
    status.audiences = status.audiences.filter(audiences.contains)
    return status
  }
}

@Suite struct K8sPSATAttestorTests {
  let trustDomain = TutorialEntries.trustDomain
  let frontConfig = K8sPSATClusterConfig(name: "frontend-k8s-cluster", serviceAccountAllowList: ["spire:spire-agent-front"])

  func agentStatus(serviceAccount: String = "spire-agent-front", audiences: [String] = ["spire-server"]) -> TokenReviewStatus {
    TokenReviewStatus(
      authenticated: true, username: "system:serviceaccount:spire:\(serviceAccount)", audiences: audiences,
      podName: "spire-agent-x1", podUID: "pod-uid-1", nodeName: "ip-10-0-1-7", nodeUID: "node-uid-7", nodeIP: "10.0.1.7")
  }

  func attestor(_ reviewer: FakeTokenReviewer, config: K8sPSATClusterConfig? = nil) -> K8sPSATAttestor {
    K8sPSATAttestor(trustDomain: trustDomain, clusters: [(config ?? frontConfig, reviewer)])
  }

  func failure(_ attestor: K8sPSATAttestor, cluster: String = "frontend-k8s-cluster", token: String = "t") async -> String {
    do {
      let result = try await attestor.attest(cluster: cluster, token: token)
      return "attested \(result.agentID)"
    } catch {
      return error.description
    }
  }

  @Test func attestsAnAllowedAgentWithSPIREsIDAndSelectors() async throws {
    let attestor = attestor(FakeTokenReviewer(tokens: ["t": agentStatus()]))
    let result = try await attestor.attest(cluster: "frontend-k8s-cluster", token: "t")
    #expect(result.agentID.description == "spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/node-uid-7")
    #expect(
      result.selectors.map(\.description) == [
        "k8s_psat:cluster:frontend-k8s-cluster", "k8s_psat:agent_ns:spire", "k8s_psat:agent_sa:spire-agent-front",
        "k8s_psat:agent_pod_name:spire-agent-x1", "k8s_psat:agent_pod_uid:pod-uid-1", "k8s_psat:agent_node_ip:10.0.1.7",
        "k8s_psat:agent_node_name:ip-10-0-1-7", "k8s_psat:agent_node_uid:node-uid-7",
      ])
    // The tutorial's node entry for the front cluster makes this agent its alias.
    let store = try TutorialEntries.store()
    #expect(store.nodeAliases(forAgentSelectors: Set(result.selectors)).map(\.id) == ["entry-1"])
  }

  @Test func eachFailureNamesItsFirstCause() async {
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": agentStatus()])), cluster: "frontend-k8s-clustr")
        == #"not configured for cluster "frontend-k8s-clustr": did you mean "frontend-k8s-cluster"?"#)
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": agentStatus()])), cluster: "backend")
        == #"not configured for cluster "backend": configured clusters are "frontend-k8s-cluster""#)
    #expect(
      await failure(attestor(FakeTokenReviewer(refusal: .unauthorized())))
        == #"unable to validate token with TokenReview API for cluster "frontend-k8s-cluster": Unauthorized"#)
    #expect(
      await failure(
        attestor(
          FakeTokenReviewer(
            refusal: .forbidden(
              #"tokenreviews.authentication.k8s.io is forbidden: User "spire-server" cannot create resource "tokenreviews""#))))
        == #"unable to validate token with TokenReview API for cluster "frontend-k8s-cluster": Forbidden: tokenreviews.authentication.k8s.io is forbidden: User "spire-server" cannot create resource "tokenreviews""#)
    #expect(
      await failure(attestor(FakeTokenReviewer()))
        == #"unable to validate token with TokenReview API for cluster "frontend-k8s-cluster": token review API response contains an error: invalid bearer token"#)
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": agentStatus(audiences: ["sts.amazonaws.com"])])))
        == #"unable to validate token with TokenReview API for cluster "frontend-k8s-cluster": token review API did not validate audience: wanted one of ["spire-server"] but got []"#)
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": agentStatus(serviceAccount: "spire-agent")])))
        == #""spire:spire-agent" is not an allowed service account for cluster "frontend-k8s-cluster": the allow list is ["spire:spire-agent-front"]"#)
    var noNode = agentStatus()
    noNode.nodeUID = nil
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": noNode])))
        == #"the token review for cluster "frontend-k8s-cluster" names no node UID"#)
    var user = agentStatus()
    user.username = "alice"
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": user])))
        == #"failed to parse username from token review status for cluster "frontend-k8s-cluster": 'alice' is not system:serviceaccount:<namespace>:<name>"#)
    #expect(await failure(attestor(FakeTokenReviewer()), token: "") == "missing token in attestation data")
    var unauthenticated = agentStatus()
    unauthenticated.authenticated = false
    #expect(
      await failure(attestor(FakeTokenReviewer(tokens: ["t": unauthenticated])))
        == #"token not authenticated according to TokenReview API for cluster "frontend-k8s-cluster""#)
  }

  @Test func eachFailureSaysWhatToDo() {
    #expect(
      K8sPSATError.tokenReviewFailed(cluster: "c", .unauthorized()).fix
        == "the cluster does not accept the server's credentials: map the role the server uses into the cluster (an access entry or an aws-auth mapping)")
    #expect(
      K8sPSATError.serviceAccountNotAllowed(cluster: "c", serviceAccount: "spire:spire-agent", allowList: []).fix
        == #"add "spire:spire-agent" to service_account_allow_list of cluster "c", or run the agents as an allowed service account"#)
  }

  @Test func typedErrorsLetCallersTellCausesApart() async {
    let attestor = attestor(FakeTokenReviewer(refusal: .unauthorized()))
    await #expect(throws: K8sPSATError.tokenReviewFailed(cluster: "frontend-k8s-cluster", .unauthorized())) {
      try await attestor.attest(cluster: "frontend-k8s-cluster", token: "t")
    }
  }
}
