public import SteepleEngine
public import SteepleModel

/// Kubernetes TokenReview, as a cluster's API server answers it: what the embedded SPIRE's
/// `k8s_psat` attestation needs of the local cloud, and nothing more.
public protocol TokenReviewing: Sendable {
  func reviewToken(_ token: String, cluster: String, audiences: [String]) throws -> TokenReviewStatus
}

/// STS, as a node or a workload reaches it: what `aws_iid`-style attestation and the data plane's
/// role assumptions need.
public protocol SecurityTokenService: Sendable {
  func nodeCredentials(cluster: String, node: String) throws -> AWSCredentials
  func assumeRole(_ roleArn: String, with caller: AWSCredentials, sessionName: String, durationSeconds: Int) throws
    -> AWSCredentials
}

/// The network's answer to "does a packet from here reach there": what the mTLS data plane needs to
/// decide whether a connection can be made at all.
public protocol NetworkReachability: Sendable {
  func reachability(from source: String, in sourceVPC: String?, to destination: String) throws -> ReachabilityReport
}

/// What a part of the local provider may ask of the local cloud: narrow on purpose, so the embedded
/// SPIRE and data plane depend on these protocols, not on the cloud's database.
public typealias LocalServices = TokenReviewing & SecurityTokenService & NetworkReachability

extension LocalCloud: TokenReviewing, SecurityTokenService, NetworkReachability {}

/// A part of the local provider that serves resource types of its own (the embedded SPIRE server and
/// agents, the mTLS data plane), registered when the provider is made. The provider gives it the
/// actions and refreshes of its types, and the cloud's services through `LocalServices`; a part
/// keeps its own state. Like the provider, a part's actions are idempotent.
public protocol LocalPart: Sendable {
  /// The resource types this part serves; none may be one the cloud or another part serves.
  var resourceTypes: Set<String> { get }

  /// Makes one change (see `Provider.apply`).
  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]], services: any LocalServices) async throws
    -> ObservedResource?

  /// What exists now of `resources` (see `Provider.refresh`).
  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>, services: any LocalServices)
    async throws -> [ObservedResource]
}
