import Foundation
import SteepleTestSupport
import Testing

/// The mesh's commands on a real mesh script (stdlib/examples/hello.spire), as a user runs them:
/// the plan's authorization gate and the data plane's counters.
@Suite("the mesh on the command line")
struct MeshCLITests {
  /// A folder holding a copy of hello.spire, applied (and verified when `verify` is set).
  static func applied(verify: Bool) throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-mesh-cli-")
    let hello = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire")
    try FileManager.default.copyItem(at: hello, to: folder.appendingPathComponent("hello.spire"))
    let result = try TestSupport.steeple(verify ? "run" : "apply", "--auto-approve", "--time-scale", "0", "hello.spire", in: folder)
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    return folder
  }

  @Test("plan --no-new-access on a mesh: a mesh.allow that lets yelb-ui reach yelb-db is an error at its line; without it, the plan passes")
  func noNewAccess() throws {
    let folder = try Self.applied(verify: false)
    defer { TemporaryDirectory.remove(folder) }
    let unchanged = try TestSupport.steeple("plan", "--no-new-access", "--detailed-exitcode", "hello.spire", in: folder)
    #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")

    let script = folder.appendingPathComponent("hello.spire")
    let text = try String(contentsOf: script, encoding: .utf8)
    // The denial check would now be one that can never pass, so the fork drops it for the grant.
    let granted = text.replacingOccurrences(of: "verify denied ui -> db\n", with: "mesh.allow(to: db, from: ui_id)\n")
    #expect(granted != text)
    try granted.write(to: script, atomically: true, encoding: .utf8)
    let line = granted.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("mesh.allow(") }.map { $0 + 1 } ?? 0

    let gated = try TestSupport.steeple("plan", "--no-new-access", "hello.spire", in: folder)
    #expect(gated.status == 1, "\(gated.stdout)\(gated.stderr)")
    #expect(
      gated.stderr.hasPrefix(
        "hello.spire:\(line):1: error: the plan lets am-multi-account-mesh/yelb-ui reach am-multi-account-mesh/yelb-db (admitted, not called), which it cannot now\n"),
      "\(gated.stderr)")
    #expect(gated.stdout.contains("  + am-multi-account-mesh/yelb-ui → am-multi-account-mesh/yelb-db (admitted, not called)\n"), "\(gated.stdout)")
    #expect(gated.stdout.contains("Authorization: 1 edge gained, 0 lost, 2 unchanged."), "\(gated.stdout)")
    let open = try TestSupport.steeple("plan", "hello.spire", in: folder)
    #expect(open.status == 0, "\(open.stderr)")
  }

  @Test("stats prints the counters the last verify left, per listener and upstream; --service and --json narrow and shape them")
  func stats() throws {
    let folder = try Self.applied(verify: true)
    defer { TemporaryDirectory.remove(folder) }
    let all = try TestSupport.steeple("stats", "hello.spire", in: folder)
    #expect(all.status == 0, "\(all.stderr)")
    let lines = all.stdout.split(separator: "\n").map(String.init)
    // The counters are those of the last data plane run, verify all's, which dialled every ordered
    // pair once: the appserver's listener admitted the ui, the database's refused the ui's ID.
    let value = { (name: String) in lines.first { $0.hasPrefix(name + ": ") }.flatMap { Int($0.split(separator: " ").last ?? "") } }
    #expect(value("listener.am-multi-account-mesh/yelb-appserver.ssl.handshake") == 1, "\(all.stdout)")
    #expect(value("listener.am-multi-account-mesh/yelb-db.ssl.fail_verify_san") == 1, "\(all.stdout)")
    #expect(value("listener.am-multi-account-mesh/yelb-db.ssl.handshake") == 1, "\(all.stdout)")
    #expect(lines.allSatisfy { $0.hasPrefix("listener.") || $0.hasPrefix("cluster.") }, "\(all.stdout)")

    let json = try TestSupport.steeple("stats", "--service", "yelb-db", "--json", "hello.spire", in: folder)
    #expect(json.status == 0, "\(json.stderr)")
    let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(!rows.isEmpty)
    #expect(rows.allSatisfy { $0["service"] as? String == "am-multi-account-mesh/yelb-db" }, "\(json.stdout)")
    #expect(rows.contains { $0["scope"] as? String == "listener.am-multi-account-mesh/yelb-db" && $0["stat"] as? String == "ssl.fail_verify_san" })

    let unknown = try TestSupport.steeple("stats", "--service", "yelb-dbb", "hello.spire", in: folder)
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("did you mean 'am-multi-account-mesh/yelb-db'?") || unknown.stderr.contains("did you mean 'yelb-db'?"), "\(unknown.stderr)")
  }
}
