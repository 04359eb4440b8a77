import Foundation
import NIOCore
import NIOEmbedded
import NIOSSL
import Testing
import X509

@testable import SteepleDataPlane
import SteepleSPIRE

/// The proxy's parts on their own: the workload stand-in and the ServerHello reader on EmbeddedChannel,
/// the verdict ledger, the SVID validator's order of checks, and the counters' snapshots.
@Suite struct ProxyPartsTests {
  @Test func theStandInAnswersOneHTTPRequestNamingTheCallerAndCloses() throws {
    let channel = EmbeddedChannel(handler: WorkloadStandIn(service: "svc") { "'spiffe://mesh.test/a'" })
    try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nhost: svc\r\n"))
    #expect(try channel.readOutbound(as: ByteBuffer.self) == nil, "no answer before the request is complete")
    try channel.writeInbound(ByteBuffer(string: "\r\n"))
    let answer = try #require(try channel.readOutbound(as: ByteBuffer.self))
    #expect(
      String(buffer: answer)
        == "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 36\r\nconnection: close\r\n\r\nsvc answered 'spiffe://mesh.test/a'\n")
    #expect(!channel.isActive, "it closes after answering")
    let parsed = RequestExchange.parse(answer)
    #expect(parsed == RequestExchange.Answer(status: 200, body: "svc answered 'spiffe://mesh.test/a'\n"))
    var truncated = answer
    truncated.moveWriterIndex(to: answer.writerIndex - 1)
    #expect(RequestExchange.parse(truncated) == nil, "a body shorter than its content-length is no answer")
  }

  @Test func theStandInRefusesWhatIsNotHTTP() throws {
    let channel = EmbeddedChannel(handler: WorkloadStandIn(service: "svc") { "x" })
    try channel.connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    try channel.writeInbound(ByteBuffer(string: "HELLO\r\n\r\n"))
    let answer = String(buffer: try #require(try channel.readOutbound(as: ByteBuffer.self)))
    #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
  }

  @Test func theServerHelloObserverReadsTheSuiteAndPassesEveryByteOn() throws {
    let observer = ServerHelloObserver()
    let channel = EmbeddedChannel(handler: observer)
    // A ServerHello record: type 22, TLS 1.2 legacy version, length; handshake type 2 and length;
    // legacy version, 32 random bytes, a 32-byte session ID, then TLS_AES_256_GCM_SHA384.
    var hello: [UInt8] = [0x16, 0x03, 0x03, 0x00, 0x7A, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03]
    hello += Array(repeating: 0xAB, count: 32) + [32] + Array(repeating: 0xCD, count: 32) + [0x13, 0x02, 0x00]
    try channel.writeInbound(ByteBuffer(bytes: hello.prefix(40)))
    #expect(observer.cipherSuite == nil, "not yet")
    try channel.writeInbound(ByteBuffer(bytes: hello.dropFirst(40)))
    #expect(observer.cipherSuite == 0x1302)
    #expect(ServerHelloObserver.name(of: 0x1302) == "TLS_AES_256_GCM_SHA384")
    #expect(ServerHelloObserver.name(of: 0xC02F) == "0xC02F")
    var passed: [UInt8] = []
    while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += buffer.readableBytesView }
    #expect(passed == hello)
    #expect(ServerHelloObserver.cipherSuite(inServerHello: ByteBuffer(bytes: [0x17, 0x03, 0x03])) == nil, "not a handshake record")
  }

  @Test func theLedgerAnswersAWaitingClientAndForgetsTheOldest() throws {
    let loop = EmbeddedEventLoop()
    let ledger = VerdictLedger(capacity: 2)
    let waiting = ledger.verdict(clientPort: 40_000, on: loop)
    ledger.record(.rejected(.noCertificate), clientPort: 40_000)
    #expect(try waiting.wait() == .rejected(.noCertificate))
    ledger.record(.failed("one"), clientPort: 1)
    ledger.record(.failed("two"), clientPort: 2)
    ledger.record(.failed("three"), clientPort: 3)
    #expect(try ledger.verdict(clientPort: 3, on: loop).wait() == .failed("three"))
    #expect(try ledger.verdict(clientPort: 2, on: loop).wait() == .failed("two"))
    let evicted = ledger.verdict(clientPort: 1, on: loop)
    ledger.record(.admitted(nil), clientPort: 1)
    #expect(try evicted.wait() == .admitted(nil), "port 1's old verdict was evicted: the client got the new one")
  }

  @Test func theValidatorChecksTheChainBeforeTheSANAndTheTimeItIsGiven() throws {
    let secrets = try TestSecrets(now: meshNow)
    let bundle = try secrets.bundle(for: TestSecrets.trustDomain)
    let admitted = TestSecrets.id("a")
    let validator = SVIDValidator(bundle: bundle, admitted: [admitted], role: .client)
    let good = try secrets.issue(admitted, now: meshNow).certificate
    let other = try secrets.issue(TestSecrets.id("b"), now: meshNow).certificate
    let stranger = try X509Authority.selfSigned(trustDomain: TestSecrets.trustDomain, keyType: .ecP256, ttl: 86_400, now: meshNow)
    let strangers = try stranger.issueSVID(for: TestSecrets.id("b"), ttl: 3600, now: meshNow).certificate
    #expect(try validator.validate([good], at: meshNow).get() == admitted)
    #expect(validator.validate([other], at: meshNow) == .failure(.notAdmitted(TestSecrets.id("b"), admitted: [admitted])))
    #expect(
      validator.validate([strangers], at: meshNow)
        == .failure(.untrusted("it is not signed by a CA of the bundle of 'mesh.test'")))
    #expect(validator.validate([], at: meshNow) == .failure(.noCertificate))
    guard case .failure(.untrusted(let late)) = validator.validate([good], at: meshNow + 3601) else {
      Issue.record("an expired SVID validated")
      return
    }
    #expect(late.hasPrefix("the leaf expired at "))
    guard case .failure(.untrusted(let early)) = validator.validate([good], at: meshNow - 3600) else {
      Issue.record("an SVID not yet valid validated")
      return
    }
    #expect(early.hasPrefix("the leaf is not valid before "))
    #expect(
      validator.validate([secrets.authority.certificate], at: meshNow)
        == .failure(.untrusted("the leaf is a CA certificate, not an X509-SVID")))
    let foreignDomain = try X509Authority.selfSigned(trustDomain: try TrustDomain("other.test"), keyType: .ecP256, ttl: 86_400, now: meshNow)
    let foreign = try foreignDomain.issueSVID(for: try SPIFFEID(parsing: "spiffe://other.test/a"), ttl: 3600, now: meshNow)
    #expect(
      validator.validate([foreign.certificate], at: meshNow)
        == .failure(.untrusted("'spiffe://other.test/a' is of the trust domain 'other.test', and the bundle is 'mesh.test's")))
  }

  @Test func aCachedChainIsStillJudgedAtEachHandshakesTimeAndPerRoleAndChain() throws {
    let secrets = try TestSecrets(now: meshNow)
    let bundle = try secrets.bundle(for: TestSecrets.trustDomain)
    let admitted = TestSecrets.id("a")
    let asClient = SVIDValidator(bundle: bundle, admitted: [admitted], role: .client)
    let good = try secrets.issue(admitted, now: meshNow)
    let presented = [try NIOSSLCertificate(bytes: good.certificateDER, format: .der)]
    let cache = ChainAnalysisCache()
    let first = ListenerPipeline.verify(presented, with: asClient, cache: cache, at: meshNow)
    #expect(try first.verdict.get() == admitted)
    #expect(first.serial == good.certificate.serialNumber.bytes.map { String(format: "%02X", $0) }.joined())
    // The same chain again, from the cache: an hour later it has expired, before its window it is not yet valid.
    guard case .failure(.untrusted(let late)) = ListenerPipeline.verify(presented, with: asClient, cache: cache, at: meshNow + 3601).verdict
    else {
      Issue.record("a cached analysis validated an expired SVID")
      return
    }
    #expect(late.hasPrefix("the leaf expired at "))
    #expect(try ListenerPipeline.verify(presented, with: asClient, cache: cache, at: meshNow).verdict.get() == admitted)
    // Another admitted set over the same cache still checks the SAN; garbage is refused, not cached as good.
    let strict = SVIDValidator(bundle: bundle, admitted: [TestSecrets.id("b")], role: .client)
    #expect(
      ListenerPipeline.verify(presented, with: strict, cache: cache, at: meshNow).verdict
        == .failure(.notAdmitted(admitted, admitted: [TestSecrets.id("b")])))
    let stranger = try X509Authority.selfSigned(trustDomain: TestSecrets.trustDomain, keyType: .ecP256, ttl: 86_400, now: meshNow)
    let strangers = [try NIOSSLCertificate(bytes: try stranger.issueSVID(for: admitted, ttl: 3600, now: meshNow).certificateDER, format: .der)]
    #expect(
      ListenerPipeline.verify(strangers, with: asClient, cache: cache, at: meshNow).verdict
        == .failure(.untrusted("it is not signed by a CA of the bundle of 'mesh.test'")))
  }

  @Test func snapshotsSayWhatMovedAndPrintAsStatsLines() {
    let before = StatsSnapshot(counters: [.listener("b"): [.handshake: 1, .failVerifySAN: 0]])
    let after = StatsSnapshot(counters: [
      .listener("b"): [.handshake: 3, .failVerifySAN: 0], .upstream(from: "a", to: "b"): [.connectionError: 1],
    ])
    #expect(after.moved(since: before) == [.listener("b"): [.handshake: 2], .upstream(from: "a", to: "b"): [.connectionError: 1]])
    #expect(after.lines == ["cluster.a -> b.ssl.connection_error: 1", "listener.b.ssl.fail_verify_san: 0", "listener.b.ssl.handshake: 3"])
    #expect(EnvoyStat.allCases.map(\.rawValue).sorted() == [
      "ssl.connection_error", "ssl.fail_verify_error", "ssl.fail_verify_san", "ssl.handshake", "ssl.no_certificate",
    ])
  }
}
