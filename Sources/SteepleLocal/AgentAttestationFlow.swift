public import SteepleSPIRE

/// What one cluster's agents are configured with: the far side of the server's configuration, which a
/// real deployment can let drift from it.
public struct AgentConfiguration: Sendable {
  /// The `cluster` the agents send in their k8s_psat attestation data.
  public var cluster: String
  /// The trust domain the agents are configured for.
  public var trustDomain: TrustDomain
  /// The bootstrap bundle the agents trust the server with, or `nil` when none was delivered.
  public var bootstrapBundle: TrustBundle?
  /// `insecure_bootstrap`: the agents trust whatever server answers (for tests only).
  public var insecureBootstrap: Bool

  /// A configuration with the given fields.
  public init(cluster: String, trustDomain: TrustDomain, bootstrapBundle: TrustBundle?, insecureBootstrap: Bool = false) {
    self.cluster = cluster
    self.trustDomain = trustDomain
    self.bootstrapBundle = bootstrapBundle
    self.insecureBootstrap = insecureBootstrap
  }
}

/// The SPIRE server as its agents reach it.
public struct ServerEndpoint: Sendable {
  /// The address agents connect to: the server pod's, its node's or its load balancer's.
  public var address: String
  /// SPIRE's `bind_port`, 8081 by default.
  public var port: Int
  /// The server's trust domain.
  public var trustDomain: TrustDomain
  /// The CA that signs the server's own SVID now: the agents' bootstrap bundle must hold it.
  public var authority: X509Authority

  /// An endpoint with the given fields.
  public init(address: String, port: Int = 8081, trustDomain: TrustDomain, authority: X509Authority) {
    self.address = address
    self.port = port
    self.trustDomain = trustDomain
    self.authority = authority
  }
}

/// Why an agent could not join its trust domain: the first cause, in the order the chain is checked
/// (network, then node attestation: cluster name, TokenReview, allow list; then trust domain and
/// bootstrap bundle).
public enum AgentAttestationFailure: Error, Sendable, CustomStringConvertible {
  /// No network path from the agent's node to the server's address.
  case network(agent: String, server: String, ReachabilityReport)
  /// The server was stopped: nothing answers at its address.
  case serverStopped(agent: String, trustDomain: TrustDomain)
  /// The server's `k8s_psat` attestor refused the agent.
  case nodeAttestation(agent: String, K8sPSATError)
  /// The agents are configured for another trust domain than the server's.
  case trustDomain(agent: String, configured: TrustDomain, server: TrustDomain)
  /// The agent has no bootstrap bundle to trust the server with.
  case noBootstrapBundle(agent: String)
  /// The agent's bootstrap bundle lacks the CA that signs the server's SVID: it went stale.
  case staleBootstrapBundle(agent: String, sequence: UInt64, missingKeyID: String)

  /// The link of the chain that broke: `network`, `cluster name`, `TokenReview`, `allow list`,
  /// `node attestation`, `trust domain`, `bootstrap bundle`.
  public var cause: String {
    switch self {
    case .network: "network"
    case .serverStopped: "server stopped"
    case .nodeAttestation(_, let error):
      switch error {
      case .unknownCluster: "cluster name"
      case .tokenReviewFailed, .tokenReviewError, .notAuthenticated, .audienceMismatch: "TokenReview"
      case .serviceAccountNotAllowed: "allow list"
      default: "node attestation"
      }
    case .trustDomain: "trust domain"
    case .noBootstrapBundle, .staleBootstrapBundle: "bootstrap bundle"
    }
  }

  /// The one-line summary.
  public var description: String {
    switch self {
    case .network(let agent, let server, let report):
      "agent \(agent) cannot reach the SPIRE server at \(server): \(report.explanation)"
    case .serverStopped(let agent, let trustDomain):
      "agent \(agent) gets no answer: the SPIRE server of '\(trustDomain)' is stopped"
    case .nodeAttestation(let agent, let error): "agent \(agent) failed k8s_psat attestation: \(error)"
    case .trustDomain(let agent, let configured, let server):
      "agent \(agent) is configured for the trust domain '\(configured)', but the server serves '\(server)'"
    case .noBootstrapBundle(let agent): "agent \(agent) has no bootstrap bundle to trust the server with"
    case .staleBootstrapBundle(let agent, let sequence, let keyID):
      "agent \(agent)'s bootstrap bundle (sequence \(sequence)) lacks the CA \(keyID) that signs the server's SVID: it is stale"
    }
  }

  /// What to do about it.
  public var fix: String {
    switch self {
    case .network:
      "give the agent's VPC a route to the server's address (a transit gateway attachment and routes both ways), or expose the server where the agents can reach it"
    case .serverStopped: "a check's stop: stopped it; until it runs again, no agent attests and no SVID is renewed"
    case .nodeAttestation(_, let error): error.fix
    case .trustDomain: "configure the agents with the server's trust domain (or leave 'trust_domain' out to derive it)"
    case .noBootstrapBundle: "deliver the bundle to the agents' cluster (bundle: \"publish\"), or copy it once (bundle: \"copy\")"
    case .staleBootstrapBundle:
      "the CA rotated after the bundle was copied: publish it (bundle: \"publish\") so that it stays fresh, or copy it again"
    }
  }
}

extension LocalCloud {
  /// Attests `agent` to the server at `server`, as a SPIRE agent joins its trust domain, and says the
  /// first cause when it cannot: the agent's node must reach the server's address (the reachability
  /// query), the server's `attestor` must accept the agent's projected token (its TokenReview, allow
  /// list and cluster name), the agent must be configured for the server's trust domain, and its
  /// bootstrap bundle must hold the CA that signs the server's SVID.
  public func attest(
    _ agent: AgentPod, configuration: AgentConfiguration, server: ServerEndpoint, attestor: K8sPSATAttestor
  ) async throws(AgentAttestationFailure) -> AgentAttestation {
    let agentName = "\(agent.cluster)/\(agent.namespace)/\(agent.name)"
    let report: ReachabilityReport
    do {
      report = try reachability(from: agent.nodeIP, in: agent.vpc, to: server.address)
    } catch {
      throw .network(
        agent: agentName, server: server.address,
        ReachabilityReport(
          source: agent.nodeIP, destination: server.address, reachable: false, hops: [], dropReason: nil,
          explanation: "\(error)"))
    }
    guard report.reachable else { throw .network(agent: agentName, server: server.address, report) }
    let token: String
    do {
      token = try agentToken(agent)
    } catch {
      throw .nodeAttestation(agent: agentName, .missingToken)
    }
    let attestation: AgentAttestation
    do {
      attestation = try await attestor.attest(cluster: configuration.cluster, token: token)
    } catch {
      throw .nodeAttestation(agent: agentName, error)
    }
    guard configuration.trustDomain == server.trustDomain else {
      throw .trustDomain(agent: agentName, configured: configuration.trustDomain, server: server.trustDomain)
    }
    if !configuration.insecureBootstrap {
      guard let bundle = configuration.bootstrapBundle else { throw .noBootstrapBundle(agent: agentName) }
      guard bundle.contains(server.authority) else {
        throw .staleBootstrapBundle(agent: agentName, sequence: bundle.sequence, missingKeyID: server.authority.keyID)
      }
    }
    return attestation
  }
}
