import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleSPIRE
import Testing

/// The tutorial's frontend cluster with SPIRE agents, and a server in the shared cluster that attests
/// them with `k8s_psat` through the frontend's TokenReview, as the frontend's access role.
struct AttestationFixture {
  static let frontend = "eks-cluster-frontend"
  static let clusterName = "frontend-k8s-cluster"
  static let trustDomain = try! TrustDomain("am-multi-account-mesh")
  static var accessRole: String {
    "arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role"
  }

  let cloud: CloudFixture
  let agents: [AgentPod]
  let ca: ServerCA
  let serverAddress: String

  /// The tutorial (its resources changed by `change`), the agents' namespace and service account in
  /// the frontend cluster, and the agents' DaemonSet.
  static func make(_ change: (inout [Resource]) -> Void = { _ in }) async throws -> AttestationFixture {
    let fixture = try CloudFixture()
    var resources = Tutorial.resources()
    resources.append(resource("k8s.namespace", "\(frontend)/spire", account: "frontend", cluster: frontend, ["namespace": "spire"]))
    resources.append(
      resource("k8s.service_account", "\(frontend)/spire/spire-agent", account: "frontend", cluster: frontend, [
        "namespace": "spire", "service_account": "spire-agent",
      ]))
    change(&resources)
    try await fixture.createAll(resources)
    let agents = try fixture.cloud.runAgents(cluster: frontend, namespace: "spire", serviceAccount: "spire-agent")
    let server = try #require(
      try await fixture.provider.observe().first { $0.address.name == "eks-cluster-shared/spire/spire-server-0" })
    let address = try #require(server.outputs.first { $0.name == "ip" }?.value.string)
    return AttestationFixture(
      cloud: fixture, agents: agents, ca: try ServerCA(trustDomain: trustDomain, now: Date()), serverAddress: address)
  }

  /// What the server's pod acts as: the shared cluster's node role.
  func serverCredentials() throws -> AWSCredentials {
    try cloud.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-server")
  }

  func attestor(allow: [String] = ["spire:spire-agent"], credentials: AWSCredentials? = nil) throws -> K8sPSATAttestor {
    let reviewer = ClusterTokenReviewer(
      cloud: cloud.cloud, cluster: Self.frontend,
      access: .assumeRole(apiRole: Self.accessRole, serverCredentials: try credentials ?? serverCredentials()))
    return K8sPSATAttestor(
      trustDomain: Self.trustDomain,
      clusters: [(K8sPSATClusterConfig(name: Self.clusterName, serviceAccountAllowList: allow), reviewer)])
  }

  var configuration: AgentConfiguration {
    AgentConfiguration(cluster: Self.clusterName, trustDomain: Self.trustDomain, bootstrapBundle: ca.bundle())
  }

  var server: ServerEndpoint {
    ServerEndpoint(address: serverAddress, trustDomain: Self.trustDomain, authority: ca.current)
  }

  /// The first agent's attestation failure, or `nil` when it was attested.
  func failure(
    configuration: AgentConfiguration? = nil, server: ServerEndpoint? = nil, attestor: K8sPSATAttestor? = nil
  ) async throws -> AgentAttestationFailure? {
    let agent = try #require(agents.first)
    let attestor = try attestor ?? self.attestor()
    do {
      _ = try await cloud.cloud.attest(
        agent, configuration: configuration ?? self.configuration, server: server ?? self.server, attestor: attestor)
      return nil
    } catch {
      return error
    }
  }
}

@Suite("the embedded SPIRE's node attestation through the local cloud")
struct AgentAttestationTests {
  @Test("one agent a node, each with a projected token for spire-server signed by its cluster's issuer")
  func agentsRunOnEveryNodeWithProjectedTokens() async throws {
    let fixture = try await AttestationFixture.make()
    let nodes = try fixture.cloud.cloud.describeCluster(AttestationFixture.frontend).nodes
    #expect(fixture.agents.count == nodes)
    #expect(Set(fixture.agents.map(\.node)).count == fixture.agents.count)
    // Idempotent: the DaemonSet already has its pods.
    #expect(try fixture.cloud.cloud.runAgents(cluster: AttestationFixture.frontend, namespace: "spire", serviceAccount: "spire-agent") == fixture.agents)
    let agent = try #require(fixture.agents.first)
    let token = try fixture.cloud.cloud.agentToken(agent)
    let claims = try TokenTests.claims(of: token)
    #expect(claims["aud"] as? [String] == ["spire-server"])
    #expect(claims["iss"] as? String == (try fixture.cloud.cloud.issuer(cluster: AttestationFixture.frontend).issuer))
    #expect(claims["sub"] as? String == "system:serviceaccount:spire:spire-agent")
    let kubernetes = try #require(claims["kubernetes.io"] as? [String: Any])
    #expect((kubernetes["node"] as? [String: String])?["uid"] == agent.nodeUID)
    #expect(try fixture.cloud.cloud.reviewToken(token, cluster: "eks-cluster-backend", audiences: ["spire-server"]).authenticated == false)

    // A node more, an agent more; the agents go with their DaemonSet.
    try await fixture.cloud.create(
      resource("eks.nodegroup", "\(AttestationFixture.frontend)/nodegroup", account: "frontend", cluster: AttestationFixture.frontend, [
        "nodes": 3, "instance_type": "t3.medium",
      ]))
    #expect(try fixture.cloud.cloud.runAgents(cluster: AttestationFixture.frontend, namespace: "spire", serviceAccount: "spire-agent").count == 3)
    try fixture.cloud.cloud.removeAgents(cluster: AttestationFixture.frontend, namespace: "spire")
    #expect(try fixture.cloud.cloud.agents(cluster: AttestationFixture.frontend, namespace: "spire").isEmpty)
  }

  @Test("the server assumes the cluster's api_role and attests each agent by its node, with SPIRE's selectors")
  func attestationThroughTheAssumedRole() async throws {
    let fixture = try await AttestationFixture.make()
    for agent in fixture.agents {
      let attestation = try await fixture.cloud.cloud.attest(
        agent, configuration: fixture.configuration, server: fixture.server, attestor: try fixture.attestor())
      #expect(
        attestation.agentID.description
          == "spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/\(agent.nodeUID)")
      let selectors = attestation.selectors.map(\.description)
      #expect(selectors.contains("k8s_psat:cluster:frontend-k8s-cluster"))
      #expect(selectors.contains("k8s_psat:agent_ns:spire"))
      #expect(selectors.contains("k8s_psat:agent_sa:spire-agent"))
      #expect(selectors.contains("k8s_psat:agent_pod_name:\(agent.name)"))
      #expect(selectors.contains("k8s_psat:agent_node_name:\(agent.node)"))
      #expect(selectors.contains("k8s_psat:agent_node_uid:\(agent.nodeUID)"))
      #expect(selectors.contains("k8s_psat:agent_node_ip:\(agent.nodeIP)"))
      let svid = try fixture.ca.current.issueSVID(for: attestation.agentID, ttl: 3600, now: Date())
      #expect(svid.spiffeID == attestation.agentID)
    }
  }

  @Test("an api_role that does not trust the server's role: the TokenReview call fails getting credentials")
  func untrustedServerRole() async throws {
    let fixture = try await AttestationFixture.make()
    let stranger = try fixture.cloud.cloud.rootCredentials(account: "backend")
    let failure = try #require(try await fixture.failure(attestor: try fixture.attestor(credentials: stranger)))
    #expect(failure.cause == "TokenReview")
    let agent = try #require(fixture.agents.first)
    let backendID = LocalCloud.accountID(forProfile: "backend")
    #expect(
      failure.description
        == "agent eks-cluster-frontend/spire/\(agent.name) failed k8s_psat attestation: unable to validate token with TokenReview API for cluster \"frontend-k8s-cluster\": AccessDenied: getting credentials: sts:AssumeRole of \(AttestationFixture.accessRole) failed: User: arn:aws:iam::\(backendID):root is not authorized to perform: sts:AssumeRole on resource: \(AttestationFixture.accessRole)"
    )
    #expect(failure.fix.contains("trust policy"))
  }

  @Test("an api_role the cluster does not map: TokenReview answers Unauthorized")
  func unmappedRoleIsUnauthorized() async throws {
    let fixture = try await AttestationFixture.make { resources in
      resources.removeAll { $0.address.type == "eks.access" && $0.address.name.hasPrefix(AttestationFixture.frontend) }
    }
    let failure = try #require(try await fixture.failure())
    #expect(failure.cause == "TokenReview")
    #expect(
      failure.description.hasSuffix(
        "unable to validate token with TokenReview API for cluster \"frontend-k8s-cluster\": Unauthorized: error: You must be logged in to the server (Unauthorized)"
      ))
    #expect(failure.fix.hasPrefix("the cluster does not accept the server's credentials: map the role"))
  }

  @Test("a mapping without the rights to create tokenreviews: Forbidden")
  func mappedRoleWithoutRightsIsForbidden() async throws {
    let fixture = try await AttestationFixture.make { resources in
      let index = resources.firstIndex { $0.address.type == "eks.access" && $0.address.name.hasPrefix(AttestationFixture.frontend) }!
      resources[index] = resource(
        "eks.access", resources[index].address.name, account: "frontend", cluster: AttestationFixture.frontend,
        ["role": "frontend/eks-cluster-frontend-access-role", "mode": "aws_auth", "groups": ["viewers"]])
    }
    let failure = try #require(try await fixture.failure())
    #expect(failure.cause == "TokenReview")
    #expect(failure.description.contains("Forbidden: tokenreviews is forbidden: User \"eks-cluster-frontend-access-role\" cannot create resource \"tokenreviews\""))
  }

  @Test("the agents' service account outside the allow list, and a mistyped cluster name")
  func allowListAndClusterName() async throws {
    let fixture = try await AttestationFixture.make()
    let denied = try #require(try await fixture.failure(attestor: try fixture.attestor(allow: ["spire:spire-agent-front"])))
    #expect(denied.cause == "allow list")
    #expect(denied.description.hasSuffix(
      "\"spire:spire-agent\" is not an allowed service account for cluster \"frontend-k8s-cluster\": the allow list is [\"spire:spire-agent-front\"]"))
    var configuration = fixture.configuration
    configuration.cluster = "frontend-k8s-clustr"
    let unknown = try #require(try await fixture.failure(configuration: configuration))
    #expect(unknown.cause == "cluster name")
    #expect(unknown.description.hasSuffix("not configured for cluster \"frontend-k8s-clustr\": did you mean \"frontend-k8s-cluster\"?"))
  }

  @Test("no route from the agents' VPC to the server: the network is the first cause, with the drop point")
  func noRouteToTheServer() async throws {
    let fixture = try await AttestationFixture.make { resources in
      resources.removeAll { $0.address.type == "ec2.route" && $0.address.name.hasPrefix(AttestationFixture.frontend) }
    }
    // Even with nothing else right, the network comes first.
    var configuration = fixture.configuration
    configuration.cluster = "nobody"
    let failure = try #require(try await fixture.failure(configuration: configuration))
    #expect(failure.cause == "network")
    #expect(failure.description.hasSuffix(
      "cannot reach the SPIRE server at \(fixture.serverAddress): the route table of VPC eks-cluster-frontend has no route to \(fixture.serverAddress)"))
  }

  @Test("another trust domain, no bootstrap bundle, and a bundle gone stale when the CA rotated")
  func trustDomainAndBootstrapBundle() async throws {
    let fixture = try await AttestationFixture.make()
    var configuration = fixture.configuration
    configuration.trustDomain = try TrustDomain("am-multi-account-mesh.example")
    let otherDomain = try #require(try await fixture.failure(configuration: configuration))
    #expect(otherDomain.cause == "trust domain")
    #expect(otherDomain.description.hasSuffix(
      "is configured for the trust domain 'am-multi-account-mesh.example', but the server serves 'am-multi-account-mesh'"))

    configuration = fixture.configuration
    configuration.bootstrapBundle = nil
    #expect(try await fixture.failure(configuration: configuration)?.cause == "bootstrap bundle")
    configuration.insecureBootstrap = true
    #expect(try await fixture.failure(configuration: configuration) == nil)

    // The bundle copied once, then the CA rotates past its activation: the copy lacks the new CA.
    let copied = fixture.ca.bundle()
    var ca = fixture.ca
    try ca.advance(to: ServerCA.activationTime(of: ca.current) + 1)
    let server = ServerEndpoint(address: fixture.serverAddress, trustDomain: AttestationFixture.trustDomain, authority: ca.current)
    configuration = fixture.configuration
    configuration.bootstrapBundle = copied
    let stale = try #require(try await fixture.failure(configuration: configuration, server: server))
    #expect(stale.cause == "bootstrap bundle")
    #expect(stale.description.hasSuffix("bootstrap bundle (sequence 1) lacks the CA \(ca.current.keyID) that signs the server's SVID: it is stale"))
    configuration.bootstrapBundle = ca.bundle()
    #expect(try await fixture.failure(configuration: configuration, server: server) == nil)
  }
}
