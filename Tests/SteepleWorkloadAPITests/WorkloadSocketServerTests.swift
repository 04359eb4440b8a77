import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SteepleSPIRE
import SteepleTestSupport
import SteepleWorkloadAPI
import SwiftProtobuf
import Testing

/// The service on a real Unix socket, called by the generated gRPC client as any client calls it.
/// Rotations are published to the feed by the test: nothing waits on wall time.
@Suite("the Workload API on a Unix socket: messages, streams that follow rotations, JWT-SVIDs, the metadata rule")
struct WorkloadSocketServerTests {
  static let metadata: Metadata = ["workload.spiffe.io": "true"]

  /// Serves `identity` on a socket in a new folder, runs `body` with a client, then stops.
  static func serving(
    _ identity: WorkloadIdentity, signJWT: (@Sendable (SPIFFEID, [String]) throws -> SteepleSPIRE.JWTSVID)? = nil,
    _ body: (SpiffeWorkloadAPI.Client<HTTP2ClientTransport.Posix>, WorkloadIdentityFeed, WorkloadSocketServer) async throws -> Void
  ) async throws {
    let folder = try TemporaryDirectory.make("wapi-").appendingPathComponent("sockets")
    let feed = WorkloadIdentityFeed(identity)
    let ca = try TestIdentities().ca
    let service = WorkloadAPIService(
      feed: feed, signJWT: signJWT ?? { id, audience in try ca.issueJWTSVID(for: id, audience: audience, now: TestIdentities.now) },
      now: { TestIdentities.now })
    let server = try await WorkloadSocketServer.start(path: folder.path + "/web.sock", service: service)
    do {
      try await withGRPCClient(
        transport: .http2NIOPosix(target: .unixDomainSocket(path: server.path), transportSecurity: .plaintext)
      ) { client in
        try await body(SpiffeWorkloadAPI.Client(wrapping: client), feed, server)
      }
    } catch {
      await server.stop()
      throw error
    }
    await server.stop()
  }

  @Test("FetchX509SVID sends the DER chain leaf first, the PKCS#8 key and the bundle, then the renewed SVID")
  func x509SVIDStream() async throws {
    let identities = try TestIdentities()
    let first = try identities.identity("web")
    let renewed = try identities.identity("web")
    try await Self.serving(first) { api, feed, _ in
      try await api.fetchX509SVID(X509SVIDRequest(), metadata: Self.metadata) { response in
        var messages = response.messages.makeAsyncIterator()
        let initial = try #require(try await messages.next())
        #expect(initial.svids.count == 1)
        let svid = try #require(initial.svids.first)
        #expect(svid.spiffeID == "spiffe://example.org/web")
        #expect(svid.x509Svid == Data(first.svids[0].certificateDER))
        #expect(svid.x509SvidKey == first.svids[0].exportPrivateKeyPKCS8DER())
        #expect(svid.bundle == Data(first.bundles[0].x509AuthoritiesDER.joined()))
        #expect(initial.federatedBundles.isEmpty)
        feed.publish(renewed)
        let next = try #require(try await messages.next())
        #expect(next.svids.first?.x509Svid == Data(renewed.svids[0].certificateDER))
        #expect(next.svids.first?.x509Svid != svid.x509Svid)
      }
    }
  }

  @Test("FetchJWTBundles sends the JWT keys (use jwt-svid, with kid); FetchX509Bundles sends the bundle again when the CA rotates")
  func bundleStreams() async throws {
    let identities = try TestIdentities()
    let first = try identities.identity("web")
    let next = try ServerCA(trustDomain: TestIdentities.trustDomain, now: TestIdentities.now)
    let rotated = WorkloadIdentity(
      svids: first.svids,
      bundles: [try TrustBundle(
        trustDomain: TestIdentities.trustDomain,
        x509AuthoritiesDER: first.bundles[0].x509AuthoritiesDER + next.bundle().x509AuthoritiesDER, sequence: 2)])
    try await Self.serving(first) { api, feed, _ in
      try await api.fetchJWTBundles(JWTBundlesRequest(), metadata: Self.metadata) { response in
        var messages = response.messages.makeAsyncIterator()
        let initial = try #require(try await messages.next())
        let jwks = try #require(initial.bundles["spiffe://example.org"])
        let document = try #require(try JSONSerialization.jsonObject(with: jwks) as? [String: Any])
        let keys = try #require(document["keys"] as? [[String: Any]])
        #expect(!keys.isEmpty && keys.count == first.bundles[0].jwtAuthorities.count)
        #expect(keys.allSatisfy { $0["use"] as? String == "jwt-svid" && $0["kid"] is String }, "\(document)")
      }
      try await api.fetchX509Bundles(X509BundlesRequest(), metadata: Self.metadata) { response in
        var messages = response.messages.makeAsyncIterator()
        let initial = try #require(try await messages.next())
        #expect(initial.bundles == ["spiffe://example.org": Data(first.bundles[0].x509AuthoritiesDER.joined())])
        feed.publish(rotated)
        let after = try #require(try await messages.next())
        #expect(after.bundles["spiffe://example.org"] == Data(rotated.bundles[0].x509AuthoritiesDER.joined()))
      }
    }
  }

  @Test("FetchJWTSVID signs for the audience; ValidateJWTSVID checks audience and signature; wrong asks are refused")
  func jwt() async throws {
    let identities = try TestIdentities()
    let ca = identities.ca
    try await Self.serving(
      try identities.identity("web"), signJWT: { id, audience in try ca.issueJWTSVID(for: id, audience: audience, now: TestIdentities.now) }
    ) { api, _, _ in
      var ask = JWTSVIDRequest()
      ask.audience = ["payments"]
      let issued = try await api.fetchJWTSVID(ask, metadata: Self.metadata)
      let token = try #require(issued.svids.first)
      #expect(token.spiffeID == "spiffe://example.org/web")
      var check = ValidateJWTSVIDRequest()
      check.audience = "payments"
      check.svid = token.svid
      let valid = try await api.validateJWTSVID(check, metadata: Self.metadata)
      #expect(valid.spiffeID == "spiffe://example.org/web")
      #expect(valid.claims.fields["sub"]?.stringValue == "spiffe://example.org/web")
      check.audience = "billing"
      await Self.expectRefusal(.invalidArgument, containing: "audience") { _ = try await api.validateJWTSVID(check, metadata: Self.metadata) }
      await Self.expectRefusal(.invalidArgument, containing: "audience must be specified") {
        _ = try await api.fetchJWTSVID(JWTSVIDRequest(), metadata: Self.metadata)
      }
      var foreign = ask
      foreign.spiffeID = "spiffe://example.org/db"
      await Self.expectRefusal(.permissionDenied, containing: "no SVID for spiffe://example.org/db") {
        _ = try await api.fetchJWTSVID(foreign, metadata: Self.metadata)
      }
    }
  }

  @Test("a call without 'workload.spiffe.io: true' is refused with InvalidArgument, unary and streaming")
  func metadataRequired() async throws {
    try await Self.serving(try TestIdentities().identity("web")) { api, _, _ in
      var ask = JWTSVIDRequest()
      ask.audience = ["payments"]
      await Self.expectRefusal(.invalidArgument, containing: "workload.spiffe.io") { _ = try await api.fetchJWTSVID(ask) }
      await Self.expectRefusal(.invalidArgument, containing: "workload.spiffe.io") {
        _ = try await api.fetchJWTSVID(ask, metadata: ["workload.spiffe.io": "false"])
      }
      await Self.expectRefusal(.invalidArgument, containing: "workload.spiffe.io") {
        try await api.fetchX509SVID(X509SVIDRequest()) { response in
          for try await _ in response.messages {}
        }
      }
    }
  }

  @Test("a workload no entry applies to gets PermissionDenied")
  func noIdentity() async throws {
    let bundle = try TestIdentities().ca.bundle()
    try await Self.serving(WorkloadIdentity(svids: [], bundles: [bundle])) { api, _, _ in
      await Self.expectRefusal(.permissionDenied, containing: "no identity issued") {
        try await api.fetchX509SVID(X509SVIDRequest(), metadata: Self.metadata) { response in
          for try await _ in response.messages {}
        }
      }
    }
  }

  @Test("the socket is mode 0600 in a folder of mode 0700, and gone after stop")
  func permissions() async throws {
    var path = ""
    try await Self.serving(try TestIdentities().identity("web")) { api, _, server in
      path = server.path
      var ask = JWTSVIDRequest()
      ask.audience = ["payments"]
      #expect(try await api.fetchJWTSVID(ask, metadata: Self.metadata).svids.count == 1)
      let folder = (server.path as NSString).deletingLastPathComponent
      let socketMode = try Self.mode(server.path)
      let folderMode = try Self.mode(folder)
      #expect(socketMode == 0o600)
      #expect(folderMode == 0o700)
    }
    #expect(!path.isEmpty && !FileManager.default.fileExists(atPath: path))
  }

  static func mode(_ path: String) throws -> Int {
    ((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
  }

  static func expectRefusal(
    _ code: RPCError.Code, containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ call: () async throws -> Void
  ) async {
    do {
      try await call()
      Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
      #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
      #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
    } catch {
      Issue.record("expected an RPCError \(code), got \(error)", sourceLocation: sourceLocation)
    }
  }
}
