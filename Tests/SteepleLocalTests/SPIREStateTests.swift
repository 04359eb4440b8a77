import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleSPIRE
import Testing

@Suite("the embedded SPIRE's state in the local state store")
struct SPIREStateTests {
  static let trustDomain = try! TrustDomain("am-multi-account-mesh")
  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  static func id(_ path: String) throws -> SPIFFEID { try SPIFFEID(trustDomain: trustDomain, path: path) }

  /// A server whose CA has prepared its successor, two entries (one updated), an agent and a workload SVID.
  static func populate(_ cloud: LocalCloud) throws -> (ca: ServerCA, entries: EntryStore, agent: AttestedAgent, held: HeldSVID) {
    var ca = try ServerCA(trustDomain: trustDomain, now: start)
    try ca.advance(to: ServerCA.preparationTime(of: ca.current) + 1)
    #expect(ca.next != nil)
    try cloud.saveServer(ca)
    var entries = EntryStore(trustDomain: trustDomain)
    let node = try entries.create(
      RegistrationEntry(
        id: "node-front", spiffeID: try id("/ns/spire/sa/spire-agent-front"), parentID: trustDomain.serverID,
        selectors: [Selector(type: "k8s_psat", value: "cluster:frontend-k8s-cluster")]), now: start)
    var workload = try entries.create(
      RegistrationEntry(
        id: "yelb-ui", spiffeID: try id("/yelb/frontend"), parentID: node.spiffeID,
        selectors: [Selector(type: "k8s", value: "ns:yelb")]), now: start)
    workload.x509SVIDTTL = 600
    try entries.update(workload)
    try cloud.saveEntries(entries)
    let agentID = try trustDomain.agentID(attestor: "k8s_psat", "frontend-k8s-cluster", "node-uid-1")
    let agent = AttestedAgent(
      cluster: "eks-cluster-frontend", namespace: "spire", pod: "spire-agent-abcde", node: "ip-10-20-0-4",
      selectors: [Selector(type: "k8s_psat", value: "cluster:frontend-k8s-cluster")],
      svid: try ca.current.issueSVID(for: agentID, ttl: 3600, now: start), attestedAt: start)
    try cloud.saveAgent(agent)
    let held = HeldSVID(
      entryID: "yelb-ui", agentID: agentID, svid: try ca.current.issueSVID(for: try id("/yelb/frontend"), ttl: 600, now: start))
    try cloud.saveSVID(held)
    return (ca, entries, agent, held)
  }

  @Test("servers, entries with revisions, agents and their SVIDs survive reopening the state")
  func roundTrip() throws {
    let fixture = try CloudFixture()
    let saved = try Self.populate(fixture.cloud)
    let reopened = try fixture.reopen().cloud
    #expect(try reopened.spireTrustDomains() == [Self.trustDomain])
    let ca = try #require(try reopened.server(Self.trustDomain))
    #expect(ca.snapshot == saved.ca.snapshot)
    #expect(ca.exportPrivateKeys() == saved.ca.exportPrivateKeys())
    // The restored CA still signs SVIDs that chain to the bundle it publishes.
    let svid = try ca.current.issueSVID(for: try Self.id("/check"), ttl: 60, now: Self.start)
    #expect(ca.bundle().contains(ca.current))
    #expect(svid.authorityDER == ca.current.certificateDER)

    let entries = try reopened.entries(Self.trustDomain)
    #expect(entries == saved.entries)
    #expect(entries.entries.map(\.revisionNumber) == [0, 1])
    #expect(entries.revision == 3)
    #expect(EntryShowFormat.text(entries.entries) == EntryShowFormat.text(saved.entries.entries))

    let agents = try reopened.attestedAgents(Self.trustDomain)
    #expect(agents.map(\.agentID) == [saved.agent.agentID])
    #expect(agents.first?.svid.serialNumber == saved.agent.svid.serialNumber)
    #expect(agents.first?.svid.exportPrivateKeyPKCS8DER() == saved.agent.svid.exportPrivateKeyPKCS8DER())
    #expect(agents.first?.selectors == saved.agent.selectors)
    let held = try reopened.heldSVIDs(Self.trustDomain)
    #expect(held.map(\.svid.serialNumber) == [saved.held.svid.serialNumber])
    #expect(held.first?.entryID == "yelb-ui")

    try reopened.removeAgent(saved.agent.agentID)
    #expect(try reopened.attestedAgents(Self.trustDomain).isEmpty)
    #expect(try reopened.heldSVIDs(Self.trustDomain).isEmpty)
    try reopened.removeServer(Self.trustDomain)
    #expect(try reopened.server(Self.trustDomain) == nil)
    #expect(try reopened.entries(Self.trustDomain).entries.isEmpty)
  }

  @Test("keys are only in the owner-only key table: no other row, output or description holds them")
  func keysStayInTheKeyTable() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let saved = try Self.populate(fixture.cloud)
    let keys =
      Array(saved.ca.exportPrivateKeys().values) + [
        saved.agent.svid.exportPrivateKeyPKCS8DER(), saved.held.svid.exportPrivateKeyPKCS8DER(),
      ]
    let file = try #require(FileManager.default.attributesOfItem(atPath: fixture.cloud.databasePath)[.posixPermissions] as? Int)
    #expect(file & 0o077 == 0)

    var texts = [
      "\(saved.ca.current)", "\(saved.agent)", "\(saved.held)", String(reflecting: saved.agent), "\(saved.entries)",
      "\(try await fixture.provider.observe())",
    ]
    var dumped = ""
    dump(saved.agent, to: &dumped)
    dump(saved.ca, to: &dumped)
    texts.append(dumped)
    let sqlite = "/usr/bin/sqlite3"
    if FileManager.default.isExecutableFile(atPath: sqlite) {
      let process = Process()
      let pipe = Pipe()
      process.executableURL = URL(fileURLWithPath: sqlite)
      process.arguments = [fixture.cloud.databasePath, ".dump"]
      process.standardOutput = pipe
      try process.run()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      let lines = output.split(separator: "\n")
      let keyRows = lines.filter { $0.hasPrefix("INSERT INTO spireKey") }
      #expect(keyRows.count == keys.count)
      texts.append(lines.filter { !$0.hasPrefix("INSERT INTO spireKey") }.joined(separator: "\n"))
    }
    for text in texts {
      #expect(!text.contains("PRIVATE KEY"))
      for key in keys {
        // The private scalar of a P-256 PKCS#8 key: bytes 36..<68 (the public key after it is in certificates).
        #expect(!text.contains(key.base64EncodedString().dropFirst(48).prefix(40)))
        #expect(!text.uppercased().contains(key[36..<68].map { String(format: "%02X", $0) }.joined()))
      }
    }
  }
}
