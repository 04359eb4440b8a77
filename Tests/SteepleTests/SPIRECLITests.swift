import Foundation
import SteepleTestSupport
import SteepleLocal
import SteepleSPIRE
import Testing

/// A state whose embedded SPIRE server has two entries and an agent holding the workload's SVID.
struct SPIREStateFixture {
  static let trustDomain = try! TrustDomain("am-multi-account-mesh")
  let directory: URL
  let ca: ServerCA
  let entries: EntryStore
  let held: HeldSVID

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-spire-cli-\(UUID().uuidString)")
    let cloud = try LocalCloud(stateDirectory: directory.path)
    let now = Date()
    ca = try ServerCA(trustDomain: Self.trustDomain, now: now)
    try cloud.saveServer(ca)
    var entries = EntryStore(trustDomain: Self.trustDomain)
    let node = try entries.create(
      RegistrationEntry(
        id: "node-front", spiffeID: try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front"),
        parentID: Self.trustDomain.serverID, selectors: [try Selector(parsing: "k8s_psat:cluster:frontend-k8s-cluster")]),
      now: now)
    try entries.create(
      RegistrationEntry(
        id: "yelb-ui", spiffeID: try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/yelb/frontend"), parentID: node.spiffeID,
        selectors: [try Selector(parsing: "k8s:ns:yelb"), try Selector(parsing: "k8s:pod-label:app:yelb-ui")], x509SVIDTTL: 600,
        jwtSVIDTTL: 120),
      now: now)
    self.entries = entries
    try cloud.saveEntries(entries)
    let agentID = try Self.trustDomain.agentID(attestor: "k8s_psat", "frontend-k8s-cluster", "node-1")
    held = HeldSVID(
      entryID: "yelb-ui", agentID: agentID,
      svid: try ca.current.issueSVID(for: try SPIFFEID(parsing: "spiffe://am-multi-account-mesh/yelb/frontend"), ttl: 600, now: now))
    try cloud.saveSVID(held)
  }
}

@Suite("steeple entries, svid, jwt and bundle")
struct SPIRECLITests {
  @Test("jwt prints a JWT-SVID for the workload and audiences, expiring per its entry, that the bundle's keys verify")
  func jwt() throws {
    let state = try SPIREStateFixture()
    defer { try? FileManager.default.removeItem(at: state.directory) }
    let run = try TestSupport.steeple(
      "jwt", "yelb/frontend", "--audience", "yelb-db", "--audience", "redis", "--state", state.directory.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasSuffix("\n") && run.stdout.split(separator: "\n").count == 1)
    let token = String(run.stdout.dropLast())
    let svid = try JWTSVID.validate(token, audience: "redis", bundle: state.ca.bundle(), now: Date())
    #expect(svid.spiffeID == state.held.svid.spiffeID)
    #expect(svid.audience == ["yelb-db", "redis"])
    #expect(svid.expiresAt.timeIntervalSince(try #require(svid.issuedAt)) == 120)
    #expect(svid.keyID == state.ca.currentJWTKey.keyID)

    let typo = try TestSupport.steeple("jwt", "yelb/frontnd", "--audience", "a", "--state", state.directory.path)
    #expect(typo.status == 1)
    #expect(
      typo.stderr == """
        steeple: error: no workload named 'yelb/frontnd' has an identity in 'am-multi-account-mesh'
           = help: did you mean 'spiffe://am-multi-account-mesh/yelb/frontend'? the workloads: \
        spiffe://am-multi-account-mesh/yelb/frontend

        """)
    let noAudience = try TestSupport.steeple("jwt", "yelb/frontend", "--state", state.directory.path)
    #expect(noAudience.status != 0)
    #expect(noAudience.stderr.contains("a JWT-SVID needs an audience: pass --audience A"))
  }

  @Test("entries prints SPIRE 1.15's entry show layout, and its JSON with --json")
  func entries() throws {
    let state = try SPIREStateFixture()
    defer { try? FileManager.default.removeItem(at: state.directory) }
    let text = try TestSupport.steeple("entries", "--state", state.directory.path)
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout == EntryShowFormat.text(state.entries.entries))
    #expect(text.stdout.hasPrefix("Found 2 entries\nEntry ID                : node-front\n"))
    #expect(text.stdout.contains("X509-SVID TTL           : 600\n"))
    let json = try TestSupport.steeple("entries", "--state", state.directory.path, "--json")
    #expect(json.status == 0)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let listed = try #require(document["entries"] as? [[String: Any]])
    #expect(listed.map { $0["id"] as? String } == ["node-front", "yelb-ui"])
  }

  @Test("bundle prints the CA certificates as PEM, or a JWK Set with --format spiffe")
  func bundle() throws {
    let state = try SPIREStateFixture()
    defer { try? FileManager.default.removeItem(at: state.directory) }
    let pem = try TestSupport.steeple("bundle", "--state", state.directory.path)
    #expect(pem.status == 0, "\(pem.stderr)")
    #expect(pem.stdout == state.ca.bundle().pem)
    let spiffe = try TestSupport.steeple("bundle", "--state", state.directory.path, "--format", "spiffe")
    #expect(spiffe.status == 0)
    let document = try #require(try JSONSerialization.jsonObject(with: Data(spiffe.stdout.utf8)) as? [String: Any])
    let keys = try #require(document["keys"] as? [[String: Any]])
    #expect(keys.map { $0["use"] as? String } == ["x509-svid", "jwt-svid"])
    #expect(keys.first?["kid"] == nil)
    #expect(keys.last?["kid"] as? String == state.ca.currentJWTKey.keyID)
    let wrong = try TestSupport.steeple("bundle", "--state", state.directory.path, "--format", "jwks")
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("'pem'") && wrong.stderr.contains("'spiffe'"))
  }

  @Test("svid writes svid.pem and bundle.pem, and svid.key owner-only only with --key; openssl and py-spiffe accept them")
  func svid() throws {
    let state = try SPIREStateFixture()
    defer { try? FileManager.default.removeItem(at: state.directory) }
    let out = state.directory.appendingPathComponent("out")
    let plain = try TestSupport.steeple("svid", "yelb/frontend", "--state", state.directory.path, "--out", out.path)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(try String(contentsOf: out.appendingPathComponent("svid.pem"), encoding: .utf8) == state.held.svid.chainPEM)
    #expect(try String(contentsOf: out.appendingPathComponent("bundle.pem"), encoding: .utf8) == state.ca.bundle().pem)
    #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("svid.key").path))
    #expect(!plain.stdout.contains("PRIVATE KEY") && !plain.stderr.contains("PRIVATE KEY"))

    let keyed = try TestSupport.steeple(
      "svid", "spiffe://am-multi-account-mesh/yelb/frontend", "--state", state.directory.path, "--out", out.path, "--key")
    #expect(keyed.status == 0, "\(keyed.stderr)")
    let keyPath = out.appendingPathComponent("svid.key").path
    let mode = try #require(FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
    #expect(mode & 0o777 == 0o600)
    #expect(try String(contentsOfFile: keyPath, encoding: .utf8) == state.held.svid.exportPrivateKeyPKCS8PEM())
    #expect(!keyed.stdout.contains("PRIVATE KEY") && !keyed.stderr.contains("PRIVATE KEY"))

    if Self.has(["openssl", "version"]) {
      let verify = try Self.run(["openssl", "verify", "-CAfile", "bundle.pem", "svid.pem"], in: out)
      #expect(verify.status == 0 && verify.output == "svid.pem: OK\n", "\(verify.errors)")
    }
    if Self.has(["python3", "-c", "import spiffe"]) {
      let script = """
        import sys
        from cryptography.hazmat.primitives import serialization
        from spiffe import X509Svid, X509Bundle, TrustDomain
        svid = X509Svid.load("svid.pem", "svid.key", serialization.Encoding.PEM)
        bundle = X509Bundle.load(TrustDomain(sys.argv[1]), "bundle.pem", serialization.Encoding.PEM)
        print(svid.spiffe_id, len(bundle.x509_authorities))
        """
      let parsed = try Self.run(["python3", "-c", script, SPIREStateFixture.trustDomain.name], in: out)
      #expect(parsed.output == "spiffe://am-multi-account-mesh/yelb/frontend 1\n", "\(parsed.errors)")
    }
  }

  @Test("clear errors: no state, no such SVID (with the closest), and --help")
  func errors() throws {
    let state = try SPIREStateFixture()
    defer { try? FileManager.default.removeItem(at: state.directory) }
    let missing = state.directory.appendingPathComponent("nowhere").path
    let noState = try TestSupport.steeple("entries", "--state", missing)
    #expect(noState.status == 1)
    #expect(
      noState.stderr
        == "steeple: error: there is no state in \(missing)\n   = help: apply a script with a mesh first, or pass --state DIR to name another state\n")
    let unknown = try TestSupport.steeple("svid", "yelb/frontnd", "--state", state.directory.path, "--out", state.directory.path + "/x")
    #expect(unknown.status == 1)
    #expect(
      unknown.stderr
        == "steeple: error: no agent holds an SVID named 'yelb/frontnd' in 'am-multi-account-mesh'\n   = help: did you mean 'spiffe://am-multi-account-mesh/yelb/frontend'? the SVIDs: spiffe://am-multi-account-mesh/yelb/frontend\n")
    let noTarget = try TestSupport.steeple("svid", "yelb/frontend", "--state", state.directory.path)
    #expect(noTarget.status == 2)
    #expect(noTarget.stderr.contains("--out"))
    for command in ["entries", "svid", "bundle"] {
      let help = try TestSupport.steeple(command, "--help")
      #expect(help.status == 0)
      #expect(help.stdout.contains("--state"))
    }
  }

  static func has(_ arguments: [String]) -> Bool { ExternalTool.succeeds(arguments) }

  static func run(_ arguments: [String], in directory: URL) throws -> ExternalTool.Outcome {
    try ExternalTool.run(arguments, in: directory)
  }
}
