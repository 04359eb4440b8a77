public import Foundation
import GRDB
import SteepleEngine

/// The embedded cloud's own API: what a caller inside it can ask, beyond making resources.
///
/// Tests use it to exercise the services' rules, and the embedded SPIRE uses it to attest nodes
/// with service-account tokens. Every call reads or writes the state in
/// `<stateDirectory>/cloud.sqlite`, so several `LocalCloud`s (and processes) on one directory see
/// the same cloud.
public final class LocalCloud: Sendable {
  /// The directory holding `cloud.sqlite`.
  public let stateDirectory: String
  private let pool: DatabasePool
  let clock: @Sendable () -> Date
  /// Where concurrent provider calls share write transactions (``groupWrite(_:)``).
  let group: GroupCommit

  /// Opens the cloud in `stateDirectory` (made 0700 when missing), migrating its database; with
  /// `readOnly`, opens an existing one and writes nothing. `clock` is the services' idea of now,
  /// for token lifetimes.
  public init(stateDirectory: String, readOnly: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }) throws {
    self.stateDirectory = stateDirectory
    let pool = try CloudDatabase.open(directory: stateDirectory, readOnly: readOnly)
    self.pool = pool
    self.clock = clock
    self.group = GroupCommit { body in try pool.write { db in try body(db) } }
  }

  /// Reads the state on the calling thread, in one transaction. The cloud reads only so, never with
  /// GRDB's async `read`, which keeps its reader connection until a cooperative thread resumes the
  /// awaiting task: once every cooperative thread waits in a synchronous read for a reader that such
  /// tasks hold, nothing resumes them (a 30-account apply hung so, attesting its agents in parallel).
  /// A synchronous read holds a connection only while it runs, and never suspends.
  func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

  /// Writes the state on the calling thread, in one transaction (never suspending while it holds the
  /// writer, as ``read(_:)`` says why).
  func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

  /// Writes in a savepoint of a transaction shared with the writes that arrive at the same time
  /// (``GroupCommit``), kept on `.commit`, rolled back on `.rollback`; returns once it is committed.
  /// The caller suspends instead of holding a thread while it waits.
  func groupWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> (T, Database.TransactionCompletion)) async throws
    -> T
  {
    try await group.write(body)
  }

  /// The database's file name in the state directory, `cloud.sqlite`.
  public static var databaseFileName: String { CloudDatabase.fileName }

  /// `<stateDirectory>/cloud.sqlite`.
  public var databasePath: String { pool.path }

  /// The schema migrations this Steeple knows, oldest first.
  public static var schemaMigrations: [String] { CloudSchema.migrationIdentifiers }

  /// The migrations applied to this database, oldest first.
  public func appliedMigrations() throws -> [String] {
    try read { try CloudSchema.migrator.appliedIdentifiers($0) }.sorted {
      (CloudSchema.migrationIdentifiers.firstIndex(of: $0) ?? .max) < (CloudSchema.migrationIdentifiers.firstIndex(of: $1) ?? .max)
    }
  }

  // MARK: Accounts and STS

  /// The 12-digit account ID a named profile resolves to.
  public static func accountID(forProfile profile: String) -> String { Identifiers.accountID(profile: profile) }

  /// The account's ID, or `nil` when no such account exists.
  public func accountID(of account: String) throws -> String? {
    try read { try AccountRecord.fetchOne($0, key: account)?.id }
  }

  /// The account root's credentials, as its named profile gives them.
  public func rootCredentials(account name: String) throws -> AWSCredentials {
    try read { db in
      let account = try AccountRecord.named(name, in: db)
      return AWSCredentials(
        account: account.name, accountID: account.id, arn: account.rootArn, roleArn: nil, roleResource: nil, sessionName: nil,
        chained: false, expiration: .distantFuture)
    }
  }

  /// The credentials a service hands to what runs as `role` (`<account>/<role-name>`): EC2 through an
  /// instance profile, EKS to its control plane. The role must trust the service.
  public func serviceCredentials(role: String, service: String, sessionName: String) throws -> AWSCredentials {
    let now = clock()
    return try read { db in
      guard let record = try RoleRecord.find(resourceName: role, in: db) else {
        throw ProviderError(code: "NoSuchEntity", message: "The role with name \(role) cannot be found.")
      }
      guard record.trust.contains("service:\(service)") else {
        throw ProviderError.accessDenied(caller: service, action: "sts:AssumeRole", resource: record.arn)
      }
      return try Self.session(for: record, sessionName: sessionName, chained: false, expiration: now + 3600, db)
    }
  }

  /// What a process on one of the cluster's nodes gets from the instance metadata service: the node
  /// group's role, in a session named after the node. A node group without a role gives none.
  public func nodeCredentials(cluster: String, node: String) throws -> AWSCredentials {
    let now = clock()
    return try read { db in
      _ = try ClusterRecord.named(cluster, in: db)
      guard try NodeRecord.fetchOne(db, key: ["cluster": cluster, "name": node]) != nil else {
        throw ProviderError.kubernetesNotFound("nodes", node)
      }
      guard let roleName = try NodegroupRecord.find(cluster, in: db)?.nodeRole,
        let role = try RoleRecord.find(resourceName: roleName, in: db)
      else {
        throw ProviderError(
          code: "NoCredentialProviders", message: "no valid providers in chain: the node group of \(cluster) has no node role")
      }
      return try Self.session(for: role, sessionName: node, chained: false, expiration: now + 3600, db)
    }
  }

  /// `sts assume-role`: succeeds only if the role's trust policy names the caller (its account, or
  /// its role), as IAM decides it; otherwise `AccessDenied` naming the caller and the role.
  public func assumeRole(_ roleArn: String, with caller: AWSCredentials, sessionName: String, durationSeconds: Int = 3600)
    throws -> AWSCredentials
  {
    let now = clock()
    guard caller.expiration > now else {
      throw ProviderError(code: "ExpiredToken", message: "The security token included in the request is expired")
    }
    guard (2...64).contains(sessionName.count),
      sessionName.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || "_+=,.@-".unicodeScalars.contains($0) })
    else {
      throw ProviderError(
        code: "ValidationError",
        message:
          "1 validation error detected: Value '\(sessionName)' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]{2,64}")
    }
    let chained = caller.roleArn != nil
    if chained && durationSeconds > 3600 {
      throw ProviderError(
        code: "ValidationError", message: "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
    }
    guard (900...43200).contains(durationSeconds) else {
      throw ProviderError(
        code: "ValidationError",
        message:
          "1 validation error detected: Value '\(durationSeconds)' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200")
    }
    return try read { db in
      let denied = ProviderError.accessDenied(caller: caller.arn, action: "sts:AssumeRole", resource: roleArn)
      guard let role = try RoleRecord.filter(Column("arn") == roleArn).fetchOne(db) else { throw denied }
      let trusted = role.trust.compactMap(TrustPrincipal.init).contains { principal in
        switch principal {
        case .account(let account): return account == caller.account
        case .role(let account, let roleName): return caller.roleResource == "\(account)/\(roleName)"
        case .service: return false
        }
      }
      guard trusted else { throw denied }
      return try Self.session(
        for: role, sessionName: sessionName, chained: chained, expiration: now + TimeInterval(durationSeconds), db)
    }
  }

  static func session(for role: RoleRecord, sessionName: String, chained: Bool, expiration: Date, _ db: Database) throws
    -> AWSCredentials
  {
    let account = try AccountRecord.named(role.account, in: db)
    return AWSCredentials(
      account: account.name, accountID: account.id, arn: "arn:aws:sts::\(account.id):assumed-role/\(role.roleName)/\(sessionName)",
      roleArn: role.arn, roleResource: "\(role.account)/\(role.roleName)", sessionName: sessionName, chained: chained,
      expiration: expiration)
  }

  // MARK: RAM

  /// One invitation (or organization association) to a resource share.
  public struct ShareInvitation: Hashable, Sendable, Codable {
    public let share: String
    public let account: String
    public let arn: String
    /// `PENDING`, `ACCEPTED`, or `ASSOCIATED` (one organization: no invitation needed).
    public let status: String
  }

  /// `ram get-resource-share-invitations` for the account.
  public func shareInvitations(account: String) throws -> [ShareInvitation] {
    try read { db in
      try ShareInvitationRecord.filter(Column("account") == account).order(Column("share")).fetchAll(db).map {
        ShareInvitation(share: $0.share, account: $0.account, arn: $0.arn, status: $0.status)
      }
    }
  }

  /// `ram accept-resource-share-invitation` by the receiving account.
  public func acceptShareInvitation(share: String, account: String) throws -> ShareInvitation {
    try write { db in
      let invitation = try ShareAcceptanceHandler.accept(share: share, account: account, in: db)
      return ShareInvitation(share: invitation.share, account: invitation.account, arn: invitation.arn, status: invitation.status)
    }
  }

  /// `ec2 accept-transit-gateway-vpc-attachment` by the gateway's owner, for a gateway that does not
  /// accept shared attachments automatically.
  public func acceptTransitGatewayAttachment(vpc: String, account: String) throws {
    try write { db in
      guard var attachment = try AttachmentRecord.find(vpc, in: db) else {
        throw ProviderError(
          code: "InvalidTransitGatewayAttachmentID.NotFound", message: "Transit Gateway Attachment for \(vpc) was deleted or does not exist.")
      }
      guard try TransitGatewayRecord.find(attachment.transitGateway, in: db)?.account == account else {
        throw ProviderError(
          code: "InvalidTransitGatewayAttachmentID.NotFound", message: "Transit Gateway Attachment \(attachment.id) was deleted or does not exist.")
      }
      attachment.state = AttachmentRecord.available
      try attachment.update(db)
    }
  }

  // MARK: Networks

  /// Follows a packet from `source` (in `sourceVPC`, needed only when the address is in several VPCs)
  /// to `destination`, and says where it is dropped.
  public func reachability(from source: String, in sourceVPC: String? = nil, to destination: String) throws
    -> ReachabilityReport
  {
    try read { try Reachability.query(from: source, sourceVPC: sourceVPC, to: destination, in: $0) }
  }

  /// The VPCs, routes, attachments and gateways as they are now, to trace many paths through
  /// (``Reachability/Network/report(from:sourceVPC:to:)``) without reading them again for each.
  func reachabilityNetwork() throws -> Reachability.Network {
    try read { try Reachability.Network($0) }
  }

  /// A route of a transit gateway's default route table, propagated by an attachment.
  public struct TransitGatewayRoute: Hashable, Sendable, Codable {
    public let destination: String
    public let attachment: String
    public let vpc: String
  }

  /// The transit gateway's default route table (`ec2 search-transit-gateway-routes`): every available
  /// attachment is associated with it and propagates its VPC's CIDR; of identical CIDRs only the
  /// first attachment's is propagated.
  public func transitGatewayRoutes(_ gateway: String) throws -> [TransitGatewayRoute] {
    try read { db in
      guard try TransitGatewayRecord.find(gateway, in: db) != nil else {
        throw ProviderError(code: "InvalidTransitGatewayID.NotFound", message: "The transitGateway ID '\(gateway)' does not exist.")
      }
      return try Reachability.Network(db).propagated(by: gateway).map {
        TransitGatewayRoute(destination: $0.network.description, attachment: $0.attachment.id, vpc: $0.attachment.vpc)
      }
    }
  }

  // MARK: EKS and Kubernetes

  /// A cluster's service-account token issuer: its URL and its public keys.
  public struct ClusterIssuer: Hashable, Sendable {
    public let cluster: String
    /// The `iss` of its tokens, the cluster's OIDC issuer URL.
    public let issuer: String
    public let keys: JSONWebKeySet
  }

  /// The cluster's token issuer and its public keys, as `/.well-known/openid-configuration` and
  /// `/openid/v1/jwks` publish them: what a verifier such as SPIRE's k8s_psat attestor trusts.
  public func issuer(cluster: String) throws -> ClusterIssuer {
    try read { db in
      let record = try ClusterRecord.named(cluster, in: db)
      return ClusterIssuer(
        cluster: record.name, issuer: record.oidcIssuer, keys: JSONWebKeySet(keys: [JSONWebKey(try record.privateKey().publicKey)]))
    }
  }

  /// A TokenRequest: a signed, projected service-account token.
  public func mintServiceAccountToken(_ request: ServiceAccountTokenRequest) throws -> String {
    let now = clock()
    return try read { try TokenIssuer.mint(request, now: now, in: $0) }
  }

  /// The token the kubelet writes into a pod's projected service-account volume: for the pod's own
  /// service account, bound to the pod (and its node).
  public func projectedToken(cluster: String, namespace: String, pod: String, audiences: [String], expirationSeconds: Int = 3600)
    throws -> String
  {
    let serviceAccount = try read { db in
      guard let record = try PodRecord.fetchOne(db, key: ["cluster": cluster, "namespace": namespace, "name": pod]) else {
        throw ProviderError.kubernetesNotFound("pods", pod)
      }
      return record.serviceAccount
    }
    return try mintServiceAccountToken(
      ServiceAccountTokenRequest(
        cluster: cluster, namespace: namespace, serviceAccount: serviceAccount, pod: pod, audiences: audiences,
        expirationSeconds: expirationSeconds))
  }

  /// A TokenReview, as the cluster's API server answers it (without the caller's authorization; see
  /// `clusterRequest` for a review made with credentials).
  public func reviewToken(_ token: String, cluster: String, audiences: [String] = []) throws -> TokenReviewStatus {
    let now = clock()
    return try read { try TokenIssuer.review(token, cluster: cluster, audiences: audiences, now: now, in: $0) }
  }

  /// A call to the cluster's API with IAM credentials (as `aws eks get-token` gives `kubectl`):
  /// unmapped roles get 401 `Unauthorized`, mapped ones without the rights get 403 `Forbidden`.
  public func clusterRequest(_ request: ClusterRequest, cluster: String, credentials: AWSCredentials) throws -> ClusterResponse {
    let now = clock()
    return try read { try ClusterAPI.call(request, cluster: cluster, credentials: credentials, now: now, in: $0) }
  }

  /// The `mapRoles` of the cluster's `aws-auth` ConfigMap.
  public func awsAuthMapRoles(cluster: String) throws -> String {
    try read { db in
      _ = try ClusterRecord.named(cluster, in: db)
      return try ClusterAccessHandler.awsAuthMapRoles(cluster: cluster, in: db)
    }
  }
}
