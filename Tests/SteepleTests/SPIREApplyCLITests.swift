import Foundation
import SteepleTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A script with a mesh, agents and entries, applied as a user applies it: the embedded SPIRE's
/// server, CA, k8s_psat cluster, agents, bundle and entries are made, made once, resumed after
/// `kill -9`, shown by `steeple entries|svid|bundle`, and taken away by `destroy`, with no key
/// material anywhere but the owner-only key table.
@Suite("steeple apply and destroy of the embedded SPIRE")
struct SPIREApplyCLITests {
  static let fixture = "spire-apply.spire"
  static let script = "spire-apply"

  /// The SPIRE tables of the local cloud, every one a destroy must leave empty.
  static let spireTables = [
    "spireServer", "spireKey", "spireEntry", "spireAgent", "spireSVID", "spireServerRuntime", "spirePSATCluster", "spireAgentSet",
    "spireBundleDelivery", "spireClusterRoleBinding",
  ]

  static func steeple(_ arguments: String..., in folder: URL) throws -> ProcessResult {
    try TestSupport.run("steeple", arguments, in: folder)
  }

  static func database(_ folder: URL) -> String { folder.appendingPathComponent(".steeple/\(script)/cloud.sqlite").path }

  static func count(_ folder: URL, _ sql: String) throws -> Int {
    Int(try SPIRESQL.sqlite(database(folder), sql)) ?? -1
  }

  @Test("apply makes the SPIRE resources and attests the agents; a second apply has nothing to do; destroy removes every SPIRE record")
  func lifecycle() throws {
    let folder = try DeployCLITests.workspace(Self.fixture)
    let plan = try Self.steeple("plan", Self.fixture, in: folder)
    #expect(plan.status == 0, "\(plan.stderr)")
    for address in [
      "spire.server.am-multi-account-mesh", "spire.ca.am-multi-account-mesh", "spire.psat_cluster.am-multi-account-mesh/frontend-k8s-cluster",
      "spire.agents.am-multi-account-mesh/frontend-k8s-cluster", "spire.bundle.am-multi-account-mesh/frontend-k8s-cluster",
      "spire.entry.spiffe://am-multi-account-mesh/frontend",
    ] {
      #expect(plan.stdout.contains(address), "plan shows \(address)")
    }

    let apply = try Self.steeple("apply", "--auto-approve", Self.fixture, in: folder)
    #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
    #expect(apply.stdout.contains("Apply complete: "))
    // Two nodes on the edge: two agents, each attested and holding an SVID for both entries it may get.
    #expect(try Self.count(folder, "SELECT COUNT(*) FROM spireAgent") == 2)
    #expect(try Self.count(folder, "SELECT COUNT(*) FROM spireEntry") == 2)
    #expect(try Self.count(folder, "SELECT COUNT(*) FROM spireSVID WHERE spiffeID = 'spiffe://am-multi-account-mesh/frontend'") == 2)
    #expect(try Self.count(folder, "SELECT COUNT(*) FROM pod WHERE name LIKE 'spire-agent-%'") == 2)

    let state = try Self.steeple("state", Self.fixture, in: folder)
    #expect(state.stdout.contains("spire.server.am-multi-account-mesh  id=spiffe://am-multi-account-mesh/spire/server"), "\(state.stdout)")
    let json = try Self.steeple("state", "--json", Self.fixture, in: folder)
    #expect(json.stdout.contains("spiffe://am-multi-account-mesh/spire/agent/k8s_psat/frontend-k8s-cluster/"), "agent IDs are outputs")

    let entries = try Self.steeple("entries", Self.fixture, in: folder)
    #expect(entries.status == 0, "\(entries.stderr)")
    #expect(entries.stdout.hasPrefix("Found 2 entries\n"))
    #expect(entries.stdout.contains("SPIFFE ID               : spiffe://am-multi-account-mesh/frontend\n"))
    #expect(entries.stdout.contains("Parent ID               : spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front\n"))
    // An SVID an agent holds, written out and verified by openssl, a program other than ours.
    let svid = try Self.steeple("svid", "spiffe://am-multi-account-mesh/frontend", "--out", "creds", Self.fixture, in: folder)
    #expect(svid.status == 0, "\(svid.stderr)")
    let verify = try ExternalTool.run(["openssl", "verify", "-CAfile", "creds/bundle.pem", "creds/svid.pem"], in: folder)
    #expect(verify.output == "creds/svid.pem: OK\n", "\(verify.errors)")
    let bundle = try Self.steeple("bundle", Self.fixture, in: folder)
    #expect(bundle.status == 0 && bundle.stdout.hasPrefix("-----BEGIN CERTIFICATE-----"), "\(bundle.stderr)")

    let again = try Self.steeple("apply", "--auto-approve", Self.fixture, in: folder)
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.hasSuffix("No changes. What exists matches the script.\n"), "\(again.stdout)")

    let destroy = try Self.steeple("destroy", "--auto-approve", Self.fixture, in: folder)
    #expect(destroy.status == 0, "\(destroy.stdout)\n\(destroy.stderr)")
    #expect(try Self.steeple("state", Self.fixture, in: folder).stdout == "The state is empty.\n")
    for table in Self.spireTables {
      #expect(try Self.count(folder, "SELECT COUNT(*) FROM \(table)") == 0, "\(table) is empty after destroy")
    }
    #expect(try Self.count(folder, "SELECT COUNT(*) FROM pod") == 0)
  }

  @Test("steeple run applies the embedded SPIRE and runs verify svid: the workload's envoy holds the entry's SVID")
  func runVerifiesTheSVID() throws {
    let folder = try DeployCLITests.workspace(Self.fixture)
    let run = try Self.steeple("run", "--auto-approve", Self.fixture, in: folder)
    #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
    let line = try #require(run.stdout.split(separator: "\n").first { $0.contains("verify svid") }.map(String.init))
    #expect(
      line.hasPrefix(
        "  ✓ verify svid \"eks-cluster-frontend/yelb/yelb-ui\": eks-cluster-frontend/yelb/yelb-ui (container envoy) holds spiffe://am-multi-account-mesh/frontend: serial "),
      "\(line)")
    #expect(line.hasSuffix("s), chain of 2 to the CA in the bundle"), "\(line)")
    #expect(run.stdout.hasSuffix("Checks: 1 passed, 0 failed.\n"))
  }

  @Test("an apply of SPIRE resources killed with kill -9 is finished by the next, as a clean apply makes it")
  func killNine() throws {
    let clean = try DeployCLITests.workspace(Self.fixture)
    #expect(try Self.steeple("apply", "--auto-approve", Self.fixture, in: clean).status == 0)
    let cleanState = try DeployCLITests.comparable(try Self.steeple("state", "--json", Self.fixture, in: clean).stdout)

    let folder = try DeployCLITests.workspace(Self.fixture)
    let victim = try DeployCLITests.spawn(
      ["apply", "--auto-approve", "--time-scale", "0.01", "--parallelism", "4", Self.fixture], in: folder)
    // Killed once the CA is made: the agents, their attestation and the entries are in flight or to come.
    try DeployCLITests.waitForJournal(in: folder, script: Self.script) { journal in
      journal.split(separator: "\n").contains { $0.contains(#""event":"done""#) && $0.contains("spire.ca.") }
    }
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    #expect(victim.terminationReason == .uncaughtSignal)
    let journal = try String(contentsOf: folder.appendingPathComponent(".steeple/\(Self.script)/journal.jsonl"), encoding: .utf8)
    #expect(!journal.contains(#""event":"end""#), "the apply must have been killed before it ended")

    let resumed = try Self.steeple("apply", "--auto-approve", Self.fixture, in: folder)
    #expect(resumed.status == 0, "\(resumed.stdout)\n\(resumed.stderr)")
    #expect(resumed.stdout.contains("resuming the apply of pid \(victim.processIdentifier) "))
    let state = try DeployCLITests.comparable(try Self.steeple("state", "--json", Self.fixture, in: folder).stdout)
    #expect(state == cleanState)
    for (table, sql) in [
      ("agents", "SELECT COUNT(*) FROM spireAgent"), ("entries", "SELECT COUNT(*) FROM spireEntry"),
      ("SVIDs", "SELECT COUNT(*) FROM spireSVID"), ("agent pods", "SELECT COUNT(*) FROM pod WHERE name LIKE 'spire-%'"),
      ("keys", "SELECT COUNT(*) FROM spireKey"),
    ] {
      #expect(try Self.count(folder, sql) == (try Self.count(clean, sql)), "\(table) as a clean apply makes them")
    }
    #expect(try Self.steeple("plan", "--detailed-exitcode", Self.fixture, in: folder).status == 0)
  }

  @Test("no key material outside the owner-only key table: outputs, journal, ledger, script record, logs and the database dump")
  func noKeyMaterial() throws {
    let folder = try DeployCLITests.workspace(Self.fixture)
    var outputs: [String] = []
    for arguments in [
      ["apply", "--auto-approve", Self.fixture], ["state", Self.fixture], ["state", "--json", Self.fixture], ["entries", Self.fixture],
      ["entries", "--json", Self.fixture], ["bundle", Self.fixture], ["bundle", "--format", "spiffe", Self.fixture],
      ["plan", Self.fixture],
    ] {
      let result = try TestSupport.run("steeple", arguments, in: folder)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      outputs.append(result.stdout + result.stderr)
    }
    let stateDirectory = folder.appendingPathComponent(".steeple/\(Self.script)")
    for name in try FileManager.default.contentsOfDirectory(atPath: stateDirectory.path) where !name.hasPrefix("cloud.sqlite") {
      var isDirectory: ObjCBool = false
      let path = stateDirectory.appendingPathComponent(name).path
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
      outputs.append(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
    }
    // The database, as sqlite3 dumps it, without the key table's own rows.
    let dump = try SPIRESQL.sqlite(Self.database(folder), ".dump").split(separator: "\n")
      .filter { !$0.hasPrefix("INSERT INTO spireKey ") }.joined(separator: "\n")
    outputs.append(dump)

    let keys = try SPIRESQL.sqlite(Self.database(folder), "SELECT hex(pkcs8) FROM spireKey").split(separator: "\n").map(String.init)
    try #require(keys.count >= 5, "the CA, two agents and their workload SVIDs have keys")
    var needles = ["PRIVATE KEY"]
    for key in keys {
      let bytes = Self.bytes(hex: key)
      needles += [key, key.lowercased(), Data(bytes).base64EncodedString()]
      // The private scalar of an EC key: the OCTET STRING after ECPrivateKey's version 1.
      if let range = key.range(of: "0201010420") {
        let scalar = String(key[range.upperBound...].prefix(64))
        needles += [scalar, scalar.lowercased(), Data(Self.bytes(hex: scalar)).base64EncodedString()]
      }
    }
    for (index, text) in outputs.enumerated() {
      for needle in needles { #expect(!text.contains(needle), "output \(index) holds key material") }
    }
  }

  static func bytes(hex: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
      bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
      index = next
    }
    return bytes
  }
}

/// SQLite's own shell, a program other than ours, reading the state.
enum SPIRESQL {
  static func sqlite(_ path: String, _ sql: String) throws -> String {
    try ExternalTool.run(["sqlite3", path, sql], in: URL(fileURLWithPath: "/")).output.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
