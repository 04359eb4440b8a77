import Crypto
import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("Service-account tokens and TokenReview")
struct TokenTests {
  static let shared = "eks-cluster-shared"

  static func request(audiences: [String] = ["spire-server"], seconds: Int = 3600, issuedAt: Date? = nil) -> ServiceAccountTokenRequest {
    ServiceAccountTokenRequest(
      cluster: shared, namespace: "spire", serviceAccount: "spire-server", pod: "spire-server-0", audiences: audiences,
      expirationSeconds: seconds, issuedAt: issuedAt)
  }

  static func claims(of token: String) throws -> [String: Any] {
    let part = String(token.split(separator: ".")[1])
    var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    let data = try #require(Data(base64Encoded: base64))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  @Test func aProjectedTokenCarriesKubernetesClaims() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(Self.request())
    let claims = try Self.claims(of: token)
    let observed = try await fixture.provider.observe()
    let pod = try #require(observed.first { $0.address.name == "\(Self.shared)/spire/spire-server-0" })
    let account = try #require(observed.first { $0.address.name == "\(Self.shared)/spire/spire-server" })
    #expect(claims["iss"] as? String == (try fixture.cloud.issuer(cluster: Self.shared).issuer))
    #expect(claims["aud"] as? [String] == ["spire-server"])
    #expect(claims["sub"] as? String == "system:serviceaccount:spire:spire-server")
    let iat = try #require(claims["iat"] as? Int)
    #expect(claims["nbf"] as? Int == iat)
    #expect(claims["exp"] as? Int == iat + 3600)
    let kubernetes = try #require(claims["kubernetes.io"] as? [String: Any])
    #expect(kubernetes["namespace"] as? String == "spire")
    #expect((kubernetes["serviceaccount"] as? [String: String])?["uid"] == account.outputs.first?.value.string)
    #expect((kubernetes["pod"] as? [String: String])?["name"] == "spire-server-0")
    #expect((kubernetes["pod"] as? [String: String])?["uid"] == pod.outputs[field: "uid"]?.string)
    #expect((kubernetes["node"] as? [String: String])?["name"] == pod.outputs[field: "node"]?.string)

    let review = try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"])
    #expect(review.authenticated)
    #expect(review.error == nil)
    #expect(review.audiences == ["spire-server"])
    #expect(review.user?.username == "system:serviceaccount:spire:spire-server")
    #expect(review.user?.groups == ["system:serviceaccounts", "system:serviceaccounts:spire", "system:authenticated"])
    #expect(review.user?.extra["authentication.kubernetes.io/pod-name"] == ["spire-server-0"])
  }

  @Test func anExpiredTokenFails() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(Self.request(seconds: 600, issuedAt: Date(timeIntervalSinceNow: -3600)))
    let review = try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"])
    #expect(!review.authenticated)
    #expect(review.user == nil)
    #expect(review.error == "[invalid bearer token, service account token has expired]")
    let future = try fixture.cloud.mintServiceAccountToken(Self.request(issuedAt: Date(timeIntervalSinceNow: 3600)))
    #expect(
      try fixture.cloud.reviewToken(future, cluster: Self.shared, audiences: ["spire-server"]).error
        == "[invalid bearer token, service account token is not valid yet]")
  }

  @Test func aForgedTokenFails() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(Self.request())
    let parts = token.split(separator: ".").map(String.init)
    // Claims changed after signing: the signature no longer matches.
    var claims = try Self.claims(of: token)
    var kubernetes = try #require(claims["kubernetes.io"] as? [String: Any])
    kubernetes["namespace"] = "kube-system"
    claims["kubernetes.io"] = kubernetes
    let forgedPayload = try JSONSerialization.data(withJSONObject: claims).base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    let tampered = [parts[0], forgedPayload, parts[2]].joined(separator: ".")
    #expect(
      try fixture.cloud.reviewToken(tampered, cluster: Self.shared, audiences: ["spire-server"]).error
        == "[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]")
    // Signed by another key under the same key ID.
    let attacker = P256.Signing.PrivateKey()
    let input = parts[0] + "." + parts[1]
    let signature = try attacker.signature(for: Data(input.utf8)).rawRepresentation.base64EncodedString()
      .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    let forged = input + "." + signature
    #expect(
      try fixture.cloud.reviewToken(forged, cluster: Self.shared, audiences: ["spire-server"]).error
        == "[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]")
    // Another cluster's token: another issuer.
    let frontend = try fixture.cloud.mintServiceAccountToken(
      ServiceAccountTokenRequest(cluster: "eks-cluster-frontend", namespace: "yelb", serviceAccount: "default", pod: "yelb-ui", audiences: ["spire-server"]))
    let other = try fixture.cloud.reviewToken(frontend, cluster: Self.shared, audiences: ["spire-server"])
    #expect(!other.authenticated)
    #expect(other.error?.hasPrefix("[invalid bearer token, token issuer \"https://oidc.eks.us-east-2.amazonaws.com/id/") == true)
    #expect(try fixture.cloud.reviewToken("not.a-token", cluster: Self.shared).authenticated == false)
  }

  @Test func aTokenForAnotherAudienceFails() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(Self.request(audiences: ["vault"]))
    let review = try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"])
    #expect(review.error == "[invalid bearer token, token audiences [\"vault\"] is invalid for the target audiences [\"spire-server\"]]")
    // With no audience asked, the API server's own is required.
    let apiServer = try fixture.cloud.mintServiceAccountToken(Self.request(audiences: []))
    #expect(try fixture.cloud.reviewToken(apiServer, cluster: Self.shared).audiences == ["https://kubernetes.default.svc"])
  }

  @Test func aTokenOfADeletedPodIsInvalidated() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    try await fixture.createAll(resources)
    let token = try fixture.cloud.mintServiceAccountToken(Self.request())
    let podAddress = address("k8s.pod", "\(Self.shared)/spire/spire-server-0")
    try await fixture.delete(podAddress)
    #expect(
      try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"]).error
        == "[invalid bearer token, service account token has been invalidated]")
    // The pod made again has a new UID: the old token stays refused.
    try await fixture.create(try #require(resources.first { $0.address == podAddress }))
    let review = try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"])
    #expect(review.error?.hasPrefix("[invalid bearer token, pod UID (") == true)
  }

  @Test func aPodsProjectedTokenIsForItsOwnServiceAccount() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.projectedToken(cluster: Self.shared, namespace: "spire", pod: "spire-server-0", audiences: ["spire-server"])
    let review = try fixture.cloud.reviewToken(token, cluster: Self.shared, audiences: ["spire-server"])
    #expect(review.user?.username == "system:serviceaccount:spire:spire-server")
    #expect(throws: ProviderError.self) {
      try fixture.cloud.projectedToken(cluster: Self.shared, namespace: "spire", pod: "ghost", audiences: ["spire-server"])
    }
  }

  @Test func tokenRequestsFollowKubernetesRules() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let short = #expect(throws: ProviderError.self) { try fixture.cloud.mintServiceAccountToken(Self.request(seconds: 599)) }
    #expect(short?.code == "Invalid")
    #expect(short?.message.hasSuffix("spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes") == true)
    let mismatch = #expect(throws: ProviderError.self) {
      try fixture.cloud.mintServiceAccountToken(
        ServiceAccountTokenRequest(cluster: Self.shared, namespace: "spire", serviceAccount: "default", pod: "spire-server-0", audiences: ["x"]))
    }
    #expect(mismatch?.code == "BadRequest")
    #expect(mismatch?.message == "cannot bind token for serviceaccount \"default\" to pod running with different serviceaccount name.")
  }

  @Test func aTokenReviewThroughTheClusterAPINeedsAMappedRole() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(
      ServiceAccountTokenRequest(cluster: "eks-cluster-frontend", namespace: "yelb", serviceAccount: "default", pod: "yelb-ui", audiences: ["spire-server"]))
    let node = try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-1")
    let role = try fixture.cloud.assumeRole(
      "arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role", with: node, sessionName: "spire")
    let response = try fixture.cloud.clusterRequest(
      .createTokenReview(token: token, audiences: ["spire-server"]), cluster: "eks-cluster-frontend", credentials: role)
    guard case .tokenReview(let status) = response else {
      Issue.record("expected a token review, got \(response)")
      return
    }
    #expect(status.authenticated)
    #expect(status.user?.username == "system:serviceaccount:yelb:default")
  }

  /// A third party checks the signature: Python's `cryptography` (and `joserfc` when it is there)
  /// verifies the ES256 token against the issuer's published JWK.
  @Test func aThirdPartyVerifiesTheSignatureWithTheIssuersJWK() async throws {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/python3")
    else { return }
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let token = try fixture.cloud.mintServiceAccountToken(Self.request())
    let jwks = try fixture.cloud.issuer(cluster: Self.shared).keys.json
    let script = """
      import base64, json, sys
      try:
          from cryptography.hazmat.primitives import hashes
          from cryptography.hazmat.primitives.asymmetric import ec
          from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
      except ImportError:
          print("SKIP"); sys.exit(0)
      def b64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
      token, jwks = sys.argv[1], json.loads(sys.argv[2])
      header, payload, signature = token.split(".")
      kid = json.loads(b64(header))["kid"]
      jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
      key = ec.EllipticCurvePublicNumbers(int.from_bytes(b64(jwk["x"]), "big"), int.from_bytes(b64(jwk["y"]), "big"), ec.SECP256R1()).public_key()
      raw = b64(signature)
      der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
      key.verify(der, (header + "." + payload).encode(), ec.ECDSA(hashes.SHA256()))
      result = "cryptography:ok"
      try:
          from joserfc import jwt
          from joserfc.jwk import KeySet
          decoded = jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["ES256"])
          result += " joserfc:" + decoded.claims["sub"]
      except ImportError:
          pass
      tampered = header + "." + payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
      try:
          key.verify(der, tampered.split(".", 2)[0].encode() + b"." + tampered.split(".")[1].encode(), ec.ECDSA(hashes.SHA256()))
          result += " tampered:accepted"
      except Exception:
          result += " tampered:rejected"
      print(result)
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script, token, jwks]
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "python3 failed: \(stderr)")
    if text == "SKIP" { return }
    #expect(text.hasPrefix("cryptography:ok"))
    #expect(text.hasSuffix("tampered:rejected"))
    if text.contains("joserfc") { #expect(text.contains("joserfc:system:serviceaccount:spire:spire-server")) }
  }
}
