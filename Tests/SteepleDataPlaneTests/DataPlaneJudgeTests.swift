import Foundation
import SteepleDataPlane
import SteepleSPIRE
import SteepleTestSupport
import Testing

/// Our listeners judged by TLS stacks we did not write: Python's `ssl` (OpenSSL) as a workload holding
/// an SVID the embedded SPIRE wrote, and `openssl s_client`. Certificates are issued at the wall
/// clock's time here, because these judges check validity against it.
@Suite struct DataPlaneJudgeTests {
  static let hasPython = ExternalTool.succeeds(["python3", "-c", "import ssl; ssl.TLSVersion.TLSv1_3"])
  static let hasOpenSSL = ExternalTool.succeeds(["openssl", "version"])

  /// A mutual TLS 1.3 client: connects to the port, presents the chain and key unless they are `-`,
  /// prints the server's URI SANs, version and suite, sends one request and prints the answer; exits 3
  /// when the server refuses it after the handshake.
  static let client = """
    import socket, ssl, sys
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.check_hostname = False
    ctx.load_verify_locations("bundle.pem")
    if cert != "-":
        ctx.load_cert_chain(cert, key)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            with ctx.wrap_socket(raw) as tls:
                uris = [v for k, v in tls.getpeercert().get("subjectAltName", ()) if k == "URI"]
                print("server", uris, tls.version(), tls.cipher()[0])
                tls.sendall(b"GET / HTTP/1.1\\r\\nhost: backend\\r\\nconnection: close\\r\\n\\r\\n")
                data = b""
                while True:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
    except (ssl.SSLError, ConnectionError) as error:
        print("refused", error)
        sys.exit(3)
    if not data:
        print("refused", "closed without an answer")
        sys.exit(3)
    print("answer", data.split(b"\\r\\n\\r\\n", 1)[1].decode(), end="")
    """

  /// Starts backend (admitting frontend) and writes bundle.pem and each SVID and key into `directory`.
  func start(in directory: URL) async throws -> MeshDataPlane {
    let now = Date()
    let secrets = try TestSecrets(now: now)
    for name in ["frontend", "backend", "intruder"] {
      let svid = try secrets.issue(TestSecrets.id(name), now: now)
      try Data(svid.chainPEM.utf8).write(to: directory.appendingPathComponent("\(name).pem"))
      try Data(svid.exportPrivateKeyPKCS8PEM().utf8).write(to: directory.appendingPathComponent("\(name).key"))
    }
    try Data(try secrets.bundle(for: TestSecrets.trustDomain).pem.utf8).write(to: directory.appendingPathComponent("bundle.pem"))
    return try await MeshDataPlane.start(
      services: [
        MeshServiceConfiguration(name: "backend", identity: TestSecrets.id("backend"), admitted: [TestSecrets.id("frontend")])
      ], source: secrets)
  }

  @Test(.enabled(if: hasPython)) func pythonsSSLCompletesAMutualHandshakeWhenAdmittedAndIsRefusedOtherwise() async throws {
    let directory = try TemporaryDirectory.make("steeple-mesh-judge-")
    defer { TemporaryDirectory.remove(directory) }
    let plane = try await start(in: directory)
    let port = String(try #require(plane.port(of: "backend")))
    let admitted = try ExternalTool.run(["python3", "-c", Self.client, port, "frontend.pem", "frontend.key"], in: directory)
    let intruder = try ExternalTool.run(["python3", "-c", Self.client, port, "intruder.pem", "intruder.key"], in: directory)
    let anonymous = try ExternalTool.run(["python3", "-c", Self.client, port, "-", "-"], in: directory)
    let stats = plane.stats()
    try await plane.stop()
    #expect(admitted.status == 0, "\(admitted.output)\(admitted.errors)")
    #expect(admitted.output.hasPrefix("server ['spiffe://mesh.test/backend'] TLSv1.3 TLS_"), "\(admitted.output)")
    #expect(admitted.output.hasSuffix("answer backend answered 'spiffe://mesh.test/frontend'\n"), "\(admitted.output)")
    #expect(intruder.status == 3 && intruder.output.contains("refused"), "\(intruder.output)\(intruder.errors)")
    #expect(anonymous.status == 3 && anonymous.output.contains("refused"), "\(anonymous.output)\(anonymous.errors)")
    #expect(stats[.listener("backend"), .handshake] == 1)
    #expect(stats[.listener("backend"), .failVerifySAN] == 1)
    #expect(stats[.listener("backend"), .noCertificate] == 1)
  }

  @Test(.enabled(if: hasOpenSSL)) func opensslSClientShowsTheListenersChainAndURISAN() async throws {
    let directory = try TemporaryDirectory.make("steeple-mesh-judge-")
    defer { TemporaryDirectory.remove(directory) }
    let plane = try await start(in: directory)
    let port = try #require(plane.port(of: "backend"))
    let session = try ExternalTool.run(
      [
        "sh", "-c",
        "openssl s_client -connect 127.0.0.1:\(port) -tls1_3 -cert frontend.pem -key frontend.key -CAfile bundle.pem -showcerts </dev/null",
      ], in: directory)
    try await plane.stop()
    #expect(session.output.contains("Verify return code: 0 (ok)"), "\(session.output)\(session.errors)")
    #expect(session.output.contains("Protocol  : TLSv1.3") || session.output.contains("New, TLSv1.3"), "\(session.output)")
    #expect(session.output.contains(" 0 s:C = US, O = SPIRE"), "\(session.output)")
    #expect(session.output.contains("i:C = US, O = SPIFFE"), "\(session.output)")
    let begin = try #require(session.output.range(of: "-----BEGIN CERTIFICATE-----"))
    let end = try #require(session.output.range(of: "-----END CERTIFICATE-----"))
    try Data(session.output[begin.lowerBound..<end.upperBound].utf8).write(to: directory.appendingPathComponent("served.pem"))
    let san = try ExternalTool.run(["openssl", "x509", "-in", "served.pem", "-noout", "-ext", "subjectAltName"], in: directory)
    #expect(san.output.contains("URI:spiffe://mesh.test/backend"), "\(san.output)\(san.errors)")
  }
}
