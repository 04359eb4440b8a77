public import Foundation

/// The claims of a projected service-account token, as the API server's TokenRequest writes them.
public struct ServiceAccountTokenClaims: Hashable, Sendable, Codable {
  /// An object the token is bound to, by name and UID.
  public struct ObjectReference: Hashable, Sendable, Codable {
    public let name: String
    public let uid: String
  }

  /// The `kubernetes.io` claim: what the token is bound to.
  public struct KubernetesClaims: Hashable, Sendable, Codable {
    public let namespace: String
    public let serviceaccount: ObjectReference
    public let pod: ObjectReference?
    public let node: ObjectReference?
  }

  public let aud: [String]
  public let exp: Int
  public let iat: Int
  public let iss: String
  public let jti: String
  public let kubernetes: KubernetesClaims
  public let nbf: Int
  public let sub: String

  enum CodingKeys: String, CodingKey {
    case aud, exp, iat, iss, jti, nbf, sub
    case kubernetes = "kubernetes.io"
  }
}

/// A token request: which service account, bound to which pod, for which audiences, for how long.
public struct ServiceAccountTokenRequest: Hashable, Sendable {
  public var cluster: String
  public var namespace: String
  public var serviceAccount: String
  /// The pod the token is bound to (a projected volume's token always is), or `nil` for an unbound one.
  public var pod: String?
  public var audiences: [String]
  public var expirationSeconds: Int
  /// When the token is issued; `nil` for now.
  public var issuedAt: Date?

  public init(
    cluster: String, namespace: String, serviceAccount: String, pod: String? = nil, audiences: [String],
    expirationSeconds: Int = 3600, issuedAt: Date? = nil
  ) {
    self.cluster = cluster
    self.namespace = namespace
    self.serviceAccount = serviceAccount
    self.pod = pod
    self.audiences = audiences
    self.expirationSeconds = expirationSeconds
    self.issuedAt = issuedAt
  }
}

/// What a TokenReview answers (`status` of `authentication.k8s.io/v1` TokenReview).
public struct TokenReviewStatus: Hashable, Sendable, Codable {
  public let authenticated: Bool
  public let user: KubernetesUser?
  /// The audiences the token was valid for, of those asked.
  public let audiences: [String]
  /// Why the token was refused, worded as the API server words it.
  public let error: String?

  static func refused(_ reason: String) -> TokenReviewStatus {
    TokenReviewStatus(authenticated: false, user: nil, audiences: [], error: "[invalid bearer token, \(reason)]")
  }
}
