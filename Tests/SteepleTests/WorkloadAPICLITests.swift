import Foundation
import SteepleTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `steeple serve`'s Workload API sockets, run as a user runs them and judged by clients we did not
/// write: py-spiffe, joserfc, Python's ssl (OpenSSL) and a raw gRPC call.
@Suite("steeple serve's Workload API sockets, judged by py-spiffe, joserfc and OpenSSL", .serialized)
struct WorkloadAPICLITests {
  static let hasJudges = ExternalTool.succeeds(["python3", "-c", "import spiffe, grpc, joserfc, cryptography"])
  static let ui = "spiffe://am-multi-account-mesh/frontend"
  static let app = "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-appserver"
  static let db = "spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-db"

  /// hello.spire, changed by `edit`, built with `steeple run` in a new folder.
  static func applied(_ edit: (String) -> String = { $0 }) throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-wapi-")
    let hello = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire"), encoding: .utf8)
    try edit(hello).write(to: folder.appendingPathComponent("hello.spire"), atomically: true, encoding: .utf8)
    let run = try TestSupport.steeple("run", "hello.spire", "--auto-approve", in: folder)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    try FileManager.default.copyItem(
      at: TestSupport.fixture("workload-api-judge.py"), to: folder.appendingPathComponent("workload-api-judge.py"))
    return folder
  }

  /// Runs a judge mode; its output lines.
  static func judge(_ arguments: String..., in folder: URL) throws -> String {
    let outcome = try ExternalTool.run(["python3", "workload-api-judge.py"] + arguments, in: folder)
    #expect(outcome.status == 0, "\(arguments): \(outcome.output)\(outcome.errors)")
    return outcome.output
  }

  /// The socket path and port of each service in `serve`'s listing, by the service's short name.
  static func listing(_ lines: [String]) -> (sockets: [String: String], ports: [String: String]) {
    var sockets: [String: String] = [:]
    var ports: [String: String] = [:]
    for line in lines {
      let words = line.split(separator: " ").map(String.init)
      guard words.count >= 3, let name = words[0].split(separator: "/").last.map(String.init) else { continue }
      if words[1] == "socket", words[2].hasPrefix("unix://") { sockets[name] = String(words[2].dropFirst("unix://".count)) }
      if let port = words[1].split(separator: ":").last, words.count >= 5, words[3] == "tls" { ports[name] = String(port) }
    }
    return (sockets, ports)
  }

  @Test("each socket gives its workload's X.509 context, JWT-SVID and bundles to py-spiffe; mTLS with it; Ctrl-C removes the sockets")
  func judged() throws {
    guard Self.hasJudges else { return }
    let folder = try Self.applied()
    let socketFolder = try TemporaryDirectory.make("stw-").appendingPathComponent("sockets")
    let serve = try RunningCommand("steeple", ["serve", "hello.spire", "--sockets", socketFolder.path], in: folder)
    let lines = serve.waitForLines { lines in lines.filter { $0.contains(" socket unix://") }.count == 3 }
    let (sockets, ports) = Self.listing(lines)
    #expect(lines.contains("am-multi-account-mesh/yelb-ui socket unix://\(socketFolder.path)/yelb-ui.sock \(Self.ui)"), "\(lines)")
    #expect(sockets.count == 3 && ports.count == 3, "\(lines) \(serve.errors)")
    guard let ui = sockets["yelb-ui"], let app = sockets["yelb-appserver"], let db = sockets["yelb-db"],
      let appPort = ports["yelb-appserver"], let dbPort = ports["yelb-db"]
    else { return }

    // Owner-only: the folder 0700, each socket 0600.
    #expect(try Self.mode(socketFolder.path) == 0o700)
    #expect(try Self.mode(ui) == 0o600)

    // py-spiffe: the default SVID is the workload's, its chain verifies against the bundle; a
    // JWT-SVID for an audience validates (and not for another); joserfc verifies it on the JWT bundle.
    for (socket, id) in [(ui, Self.ui), (app, Self.app), (db, Self.db)] {
      let context = try Self.judge("context", socket, in: folder)
      #expect(context.contains("x509 default=\(id) svids=\(id) chain=verified bundles=am-multi-account-mesh\n"), "\(context)")
      #expect(context.contains("jwt sub=\(id) validated=\(id)\n"), "\(context)")
      #expect(context.contains("jwt other audience refused\n"), "\(context)")
      #expect(context.contains("jwt-bundle keys=1\n"), "\(context)")
      #expect(context.contains("joserfc sub=\(id) aud=['judge'] uses=jwt-svid\n") || context.contains("joserfc sub=\(id) aud=judge uses=jwt-svid\n"), "\(context)")
    }

    // One socket never hands out another workload's SVID.
    let foreign = try Self.judge("foreign", ui, Self.app, in: folder)
    #expect(foreign.hasPrefix("foreign refused PERMISSION_DENIED"), "\(foreign)")

    // Without the metadata the call is refused with InvalidArgument.
    let bare = try Self.judge("nometa", ui, in: folder)
    #expect(bare == "nometa INVALID_ARGUMENT\nnometa stream INVALID_ARGUMENT\n", "\(bare)")

    // OpenSSL with the SVID py-spiffe fetched: the appserver admits the ui, the database refuses it.
    let admitted = try Self.judge("mtls", ui, appPort, in: folder)
    #expect(admitted.hasPrefix("mtls admitted HTTP/1.1 200 OK"), "\(admitted)")
    let refused = try Self.judge("mtls", ui, dbPort, in: folder)
    #expect(refused.hasPrefix("mtls refused"), "\(refused)")

    // Ctrl-C: a clean stop that removes every socket.
    #expect(serve.stop() == 0, "\(serve.lines) \(serve.errors)")
    #expect(serve.lines.last == "stopped: every listener and socket closed; counters kept for 'steeple stats'", "\(serve.lines)")
    for socket in [ui, app, db] { #expect(!FileManager.default.fileExists(atPath: socket)) }
  }

  @Test("with a 2-minute SVID TTL and --time-scale 0.01, py-spiffe's X509Source gets the renewed SVID from the stream")
  func rotation() throws {
    guard Self.hasJudges else { return }
    let folder = try Self.applied { $0.replacingOccurrences(of: "{ server: { cluster: hub } }", with: #"{ server: { cluster: hub }, svid_ttl: "2m" }"#) }
    let socketFolder = try TemporaryDirectory.make("stw-").appendingPathComponent("sockets")
    let serve = try RunningCommand(
      "steeple", ["serve", "hello.spire", "--sockets", socketFolder.path, "--time-scale", "0.01"], in: folder)
    let lines = serve.waitForLines { lines in lines.filter { $0.contains(" socket unix://") }.count == 3 }
    guard let ui = Self.listing(lines).sockets["yelb-ui"] else {
      Issue.record("no socket for yelb-ui: \(lines) \(serve.errors)")
      return
    }
    let rotated = try Self.judge("rotation", ui, in: folder)
    #expect(rotated == "rotation \(Self.ui) renewed\n", "\(rotated)")
    #expect(serve.stop(with: SIGTERM) == 0, "\(serve.lines) \(serve.errors)")
  }

  @Test("serve refuses a --time-scale outside (0, 1] and names the range")
  func timeScaleRange() throws {
    let result = try TestSupport.steeple("serve", "hello.spire", "--time-scale", "0")
    #expect(result.status != 0)
    #expect(result.stderr.contains("--time-scale must be a number above 0 and at most 1 for serve, not 0.0"), "\(result.stderr)")
  }

  static func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1) & 0o777
  }
}
