import Crypto
import Foundation
import GRDB
import SteepleEngine

/// A cluster's service-account token issuer: mints projected tokens signed ES256 with the cluster's
/// own P-256 key, and verifies them for TokenReview the way the API server's service-account
/// authenticator does.
enum TokenIssuer {
  /// The audience EKS's API server accepts by default (`--api-audiences`).
  static let apiServerAudience = "https://kubernetes.default.svc"
  /// go-jose's clock leeway for `exp` and `nbf`.
  static let leeway: TimeInterval = 60

  struct Header: Codable {
    var alg: String
    var kid: String
  }

  static func mint(_ request: ServiceAccountTokenRequest, now: Date, in db: Database) throws -> String {
    let cluster = try ClusterRecord.named(request.cluster, in: db)
    let seconds = request.expirationSeconds
    guard seconds >= 600 else {
      throw ProviderError(
        code: "Invalid",
        message: "TokenRequest.authentication.k8s.io \"\(request.serviceAccount)\" is invalid: spec.expirationSeconds: Invalid value: \(seconds): may not specify a duration less than 10 minutes")
    }
    guard seconds <= 1 << 32 else {
      throw ProviderError(
        code: "Invalid",
        message: "TokenRequest.authentication.k8s.io \"\(request.serviceAccount)\" is invalid: spec.expirationSeconds: Invalid value: \(seconds): may not specify a duration larger than 2^32 seconds")
    }
    _ = try KubernetesObjects.namespace(request.namespace, in: cluster.name, db)
    guard
      let account = try ServiceAccountRecord.fetchOne(
        db, key: ["cluster": cluster.name, "namespace": request.namespace, "name": request.serviceAccount])
    else { throw ProviderError.kubernetesNotFound("serviceaccounts", request.serviceAccount) }
    var podReference: ServiceAccountTokenClaims.ObjectReference?
    var nodeReference: ServiceAccountTokenClaims.ObjectReference?
    if let podName = request.pod {
      guard
        let pod = try PodRecord.fetchOne(db, key: ["cluster": cluster.name, "namespace": request.namespace, "name": podName])
      else { throw ProviderError.kubernetesNotFound("pods", podName) }
      guard pod.serviceAccount == account.name else {
        throw ProviderError(
          code: "BadRequest",
          message: "cannot bind token for serviceaccount \"\(account.name)\" to pod running with different serviceaccount name.")
      }
      podReference = .init(name: pod.name, uid: pod.uid)
      if let node = try NodeRecord.fetchOne(db, key: ["cluster": cluster.name, "name": pod.node]) {
        nodeReference = .init(name: node.name, uid: node.uid)
      }
    }
    let issuedAt = Int((request.issuedAt ?? now).timeIntervalSince1970)
    let claims = ServiceAccountTokenClaims(
      aud: request.audiences.isEmpty ? [apiServerAudience] : request.audiences, exp: issuedAt + seconds, iat: issuedAt,
      iss: cluster.oidcIssuer, jti: UUID().uuidString.lowercased(),
      kubernetes: .init(namespace: request.namespace, serviceaccount: .init(name: account.name, uid: account.uid), pod: podReference, node: nodeReference),
      nbf: issuedAt, sub: "system:serviceaccount:\(request.namespace):\(account.name)")
    return try sign(claims, with: try cluster.privateKey(), keyID: cluster.keyID)
  }

  static func sign(_ claims: ServiceAccountTokenClaims, with key: P256.Signing.PrivateKey, keyID: String) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let header = Base64URL.encode(try encoder.encode(Header(alg: "ES256", kid: keyID)))
    let payload = Base64URL.encode(try encoder.encode(claims))
    let signingInput = header + "." + payload
    let signature = try key.signature(for: Data(signingInput.utf8))
    return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
  }

  /// Verifies `token` as the cluster's API server would for a TokenReview asking for `audiences`
  /// (empty: the API server's own).
  static func review(_ token: String, cluster clusterName: String, audiences: [String], now: Date, in db: Database) throws
    -> TokenReviewStatus
  {
    let cluster = try ClusterRecord.named(clusterName, in: db)
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let headerData = Base64URL.decode(parts[0]), let payloadData = Base64URL.decode(parts[1]),
      let signatureData = Base64URL.decode(parts[2])
    else { return .refused("go-jose/go-jose: compact JWS format must have three parts") }
    struct Issuer: Decodable { var iss: String? }
    guard let header = try? JSONDecoder().decode(Header.self, from: headerData),
      let issuer = try? JSONDecoder().decode(Issuer.self, from: payloadData)
    else { return .refused("go-jose/go-jose: invalid JWS header or payload") }
    guard issuer.iss == cluster.oidcIssuer else { return .refused("token issuer \"\(issuer.iss ?? "")\" is invalid") }
    let key = try cluster.privateKey().publicKey
    guard header.kid == cluster.keyID else { return .refused("invalid signature, no keys found") }
    guard header.alg == "ES256", let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
      key.isValidSignature(signature, for: Data((parts[0] + "." + parts[1]).utf8))
    else { return .refused("go-jose/go-jose: error in cryptographic primitive") }
    guard let claims = try? JSONDecoder().decode(ServiceAccountTokenClaims.self, from: payloadData) else {
      return .refused("service account token claims could not be validated due to unexpected private claim")
    }
    let requested = audiences.isEmpty ? [apiServerAudience] : audiences
    let valid = claims.aud.filter(requested.contains)
    guard !valid.isEmpty else {
      func quoted(_ list: [String]) -> String { "[" + list.map { "\"\($0)\"" }.joined(separator: " ") + "]" }
      return .refused("token audiences \(quoted(claims.aud)) is invalid for the target audiences \(quoted(requested))")
    }
    let time = now.timeIntervalSince1970
    if time > TimeInterval(claims.exp) + leeway { return .refused("service account token has expired") }
    if time + leeway < TimeInterval(claims.nbf) { return .refused("service account token is not valid yet") }
    let bound = claims.kubernetes
    guard
      let account = try ServiceAccountRecord.fetchOne(
        db, key: ["cluster": cluster.name, "namespace": bound.namespace, "name": bound.serviceaccount.name])
    else { return .refused("serviceaccounts \"\(bound.serviceaccount.name)\" not found") }
    guard account.uid == bound.serviceaccount.uid else {
      return .refused("service account UID (\(account.uid)) does not match claim (\(bound.serviceaccount.uid))")
    }
    var extra: [String: [String]] = ["authentication.kubernetes.io/credential-id": ["JTI=\(claims.jti)"]]
    if let podReference = bound.pod {
      guard
        let pod = try PodRecord.fetchOne(
          db, key: ["cluster": cluster.name, "namespace": bound.namespace, "name": podReference.name])
      else { return .refused("service account token has been invalidated") }
      guard pod.uid == podReference.uid else {
        return .refused("pod UID (\(pod.uid)) does not match service account pod ref claim (\(podReference.uid))")
      }
      extra["authentication.kubernetes.io/pod-name"] = [pod.name]
      extra["authentication.kubernetes.io/pod-uid"] = [pod.uid]
    }
    if let node = bound.node {
      extra["authentication.kubernetes.io/node-name"] = [node.name]
      extra["authentication.kubernetes.io/node-uid"] = [node.uid]
    }
    return TokenReviewStatus(
      authenticated: true,
      user: KubernetesUser(
        username: "system:serviceaccount:\(bound.namespace):\(account.name)", uid: account.uid,
        groups: ["system:serviceaccounts", "system:serviceaccounts:\(bound.namespace)", "system:authenticated"],
        extra: extra),
      audiences: valid, error: nil)
  }
}
