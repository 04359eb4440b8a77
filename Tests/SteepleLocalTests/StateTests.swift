import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleTestSupport
import Testing

@Suite("Local cloud state")
struct StateTests {
  @Test func theStateIsOneOwnerOnlySQLiteFileInWALMode() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let manager = FileManager.default
    let directoryMode = try #require(manager.attributesOfItem(atPath: fixture.directory)[.posixPermissions] as? Int)
    #expect(directoryMode & 0o777 == 0o700)
    let path = fixture.directory + "/cloud.sqlite"
    #expect(fixture.cloud.databasePath == path)
    for file in [path, path + "-wal", path + "-shm"] where manager.fileExists(atPath: file) {
      let mode = try #require(manager.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
      #expect(mode & 0o777 == 0o600, "\(file) has mode \(String(mode, radix: 8))")
    }
    #expect(manager.fileExists(atPath: path + "-wal"))
    // The journal mode as SQLite itself reports it, through the sqlite3 tool when the machine has one.
    if let sqlite = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first(where: manager.isExecutableFile(atPath:)) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: sqlite)
      process.arguments = [path, "PRAGMA journal_mode;"]
      let pipe = Pipe()
      process.standardOutput = pipe
      try process.run()
      process.waitUntilExit()
      let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
    }
  }

  @Test func anExistingDirectoryIsLeftAsItIsButTheDatabaseIsOwnerOnly() throws {
    let directory = try TemporaryDirectory.make("steeple-local-").path + "/state"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    _ = try LocalProvider(stateDirectory: directory)
    let mode = try #require(FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int)
    #expect(mode & 0o777 == 0o755)
    let file = try #require(FileManager.default.attributesOfItem(atPath: directory + "/cloud.sqlite")[.posixPermissions] as? Int)
    #expect(file & 0o777 == 0o600)
  }

  @Test func theSchemaIsVersionedByMigrations() throws {
    let fixture = try CloudFixture()
    #expect(
      LocalCloud.schemaMigrations == [
        "v1: accounts, IAM, RAM, networks, EKS, Kubernetes objects",
        "v2: the embedded SPIRE: servers, keys, entries, agents, SVIDs",
        "v3-spire-runtime",
        "v3-mesh-policy: the mesh's services and admissions",
        "v4-mesh-stats: the data plane's last counters",
      ])
    #expect(try fixture.cloud.appliedMigrations() == LocalCloud.schemaMigrations)
    // Reopening migrates nothing again.
    #expect(try fixture.reopen().cloud.appliedMigrations() == LocalCloud.schemaMigrations)
  }

  @Test func aStateFromANewerSteepleIsRefused() throws {
    let fixture = try CloudFixture()
    let sqlite = "/usr/bin/sqlite3"
    guard FileManager.default.isExecutableFile(atPath: sqlite) else { return }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: sqlite)
    process.arguments = [fixture.cloud.databasePath, "INSERT INTO grdb_migrations VALUES ('v99: from the future');"]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let error = #expect(throws: ProviderError.self) { try fixture.reopen() }
    #expect(error?.code == "LocalStateError")
    #expect(error?.message.contains("newer Steeple") == true)
  }

  @Test func everythingSurvivesReopening() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let before = try await fixture.provider.observe()
    let after = try await fixture.reopen().observe()
    #expect(before == after)
    #expect(after.count == Tutorial.resources().count)
    let token = try fixture.cloud.mintServiceAccountToken(
      ServiceAccountTokenRequest(
        cluster: "eks-cluster-shared", namespace: "spire", serviceAccount: "spire-server", pod: "spire-server-0",
        audiences: ["spire-server"]))
    // The issuer's key is in the state, so a reopened cloud verifies the token.
    let review = try fixture.reopen().cloud.reviewToken(token, cluster: "eks-cluster-shared", audiences: ["spire-server"])
    #expect(review.authenticated)
  }

  @Test func reapplyingAnActionWhoseEffectHoldsDoesNothingTwice() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    try await fixture.createAll(resources)
    let first = try await fixture.provider.observe()
    // An interrupted apply is resumed by applying its actions again, creates and updates alike.
    for resource in resources {
      _ = try await fixture.provider.apply(.create(resource))
      let observed = try #require(first.first { $0.address == resource.address })
      _ = try await fixture.provider.apply(.update(resource, from: observed))
    }
    #expect(try await fixture.provider.observe() == first)
    // Deleting what is already gone succeeds.
    let route = try #require(first.first { $0.address.type == "ec2.route" })
    #expect(try await fixture.provider.apply(.delete(route)) == nil)
    #expect(try await fixture.provider.apply(.delete(route)) == nil)
  }

  @Test func twoCleanAppliesGiveTheSameIDs() async throws {
    let a = try CloudFixture()
    let b = try CloudFixture()
    try await a.createAll(Tutorial.resources())
    try await b.createAll(Tutorial.resources())
    #expect(try await a.provider.observe() == b.provider.observe())
  }

  @Test func aFailedActionLeavesNothingBehind() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { $0.address.type == "aws.account" || $0.address.type == "ec2.transit_gateway" })
    // The share's first principal is written before the second one fails: the whole action rolls back.
    let share = resource("ram.resource_share", "s", account: "shared", [
      "resources": ["tgw-shared"], "principals": ["frontend", "nobody"],
    ])
    let error = await fixture.failure(share)
    #expect(error?.code == "InvalidClientTokenId")
    #expect(try await fixture.provider.observe().contains { $0.address == share.address } == false)
    #expect(try fixture.cloud.shareInvitations(account: "frontend").isEmpty)
  }

  @Test func aRecreatedResourceGetsNewIDs() async throws {
    let fixture = try CloudFixture()
    let account = resource("aws.account", "a", account: "a", ["profile": "a", "region": "us-east-2"])
    let vpc = resource("ec2.vpc", "v", account: "a", ["cidr": "10.0.0.0/16"], dependsOn: [account.address])
    try await fixture.create(account)
    let first = try await fixture.create(vpc)
    try await fixture.delete(vpc.address)
    let second = try await fixture.create(vpc)
    #expect(first.outputs != second.outputs)
    #expect(second.outputs.first?.value.string?.hasPrefix("vpc-") == true)
  }
}
