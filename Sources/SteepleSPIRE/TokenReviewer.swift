/// A Kubernetes cluster's TokenReview API (`authentication.k8s.io/v1`), the narrow part SPIRE's
/// `k8s_psat` server attestor calls. The local cloud implements it for its clusters; a fake does in tests.
public protocol TokenReviewer: Sendable {
  /// Reviews `token` for `audiences`. Returns the review's status when the API answered (even when the
  /// token is not authenticated); throws ``KubernetesAPIError`` when the call itself was refused, such
  /// as `Unauthorized` when the caller's credentials are not accepted by the cluster, or `Forbidden`
  /// when its identity may not create tokenreviews.
  func review(token: String, audiences: [String]) async throws(KubernetesAPIError) -> TokenReviewStatus
}

/// The `status` of a TokenReview, with what SPIRE reads from it.
public struct TokenReviewStatus: Sendable, Equatable {
  /// Whether the token is valid.
  public var authenticated: Bool
  /// `system:serviceaccount:<namespace>:<name>` for a service account token.
  public var username: String
  /// The audiences the token was found valid for (a subset of those asked).
  public var audiences: [String]
  /// The pod the token is bound to (`authentication.kubernetes.io/pod-name` in `user.extra`).
  public var podName: String?
  /// The UID of that pod (`authentication.kubernetes.io/pod-uid`).
  public var podUID: String?
  /// The node the pod runs on (`authentication.kubernetes.io/node-name`).
  public var nodeName: String?
  /// The UID of that node (`authentication.kubernetes.io/node-uid`).
  public var nodeUID: String?
  /// The node's IP (SPIRE reads it from the pod's `status.hostIP`).
  public var nodeIP: String?
  /// The review's error text, when the token was not authenticated.
  public var error: String?

  /// A status with the given fields.
  public init(
    authenticated: Bool, username: String = "", audiences: [String] = [], podName: String? = nil,
    podUID: String? = nil, nodeName: String? = nil, nodeUID: String? = nil, nodeIP: String? = nil,
    error: String? = nil
  ) {
    self.authenticated = authenticated
    self.username = username
    self.audiences = audiences
    self.podName = podName
    self.podUID = podUID
    self.nodeName = nodeName
    self.nodeUID = nodeUID
    self.nodeIP = nodeIP
    self.error = error
  }
}

/// A refused Kubernetes API call, in Kubernetes' words: the HTTP status code, the `reason` of the
/// `Status` object (`Unauthorized`, `Forbidden`…) and its message.
public struct KubernetesAPIError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The HTTP status code: 401, 403…
  public var code: Int
  /// The `Status` object's `reason`: `Unauthorized`, `Forbidden`…
  public var reason: String
  /// The `Status` object's `message`.
  public var message: String

  /// An error with `code`, `reason` and `message`.
  public init(code: Int, reason: String, message: String) {
    self.code = code
    self.reason = reason
    self.message = message
  }

  /// 401 Unauthorized: the caller's credentials were not accepted.
  public static func unauthorized(_ message: String = "Unauthorized") -> KubernetesAPIError {
    KubernetesAPIError(code: 401, reason: "Unauthorized", message: message)
  }

  /// 403 Forbidden: the caller may not do this.
  public static func forbidden(_ message: String) -> KubernetesAPIError {
    KubernetesAPIError(code: 403, reason: "Forbidden", message: message)
  }

  /// The message, as `kubectl` shows it.
  public var description: String { message == reason ? reason : "\(reason): \(message)" }
}
