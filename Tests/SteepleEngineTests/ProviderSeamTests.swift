import Foundation
import SteepleEngine
import SteepleModel
import Testing

@Suite("the engine's ledger and the provider's seams: refresh, inputs, supported types, rendering")
struct ProviderSeamTests {
  typealias F = Fixtures

  @Test("the engine records what it manages in its ledger, with what the provider assigned")
  func ledgerRecordsApplies() async throws {
    let directory = try F.temporaryDirectory()
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: directory)
    _ = try await engine.apply(F.topology(["frontend"]))
    let ledger = try #require(try Ledger.read(directory: directory))
    #expect(ledger.unsettled.isEmpty)
    #expect(ledger.resources.values.sorted { $0.address < $1.address } == (await provider.observe()))
    let vpc = try #require(ledger.resources[F.address("ec2.vpc", "frontend")])
    #expect(vpc.outputs == [ModelField("id", .string("id-frontend"))])
    #expect(vpc.dependencies == [F.address("aws.account", "frontend")])
  }

  @Test("plan reads the ledger and the provider's refresh: a resource that vanished is created again")
  func refreshFindsWhatVanished() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    let desired = F.topology(["frontend"])
    _ = try await engine.apply(desired)
    await provider.cloud.vanish(F.address("eks.nodegroup", "eks-frontend/nodegroup"))
    let plan = try await engine.plan(desired)
    #expect(plan.actions.map { "\($0.kind) \($0.address)" } == ["create eks.nodegroup.eks-frontend/nodegroup"])
    #expect(try await engine.state().count == 3)
  }

  @Test("what exists outside the ledger is not Steeple's: plan neither sees nor deletes it")
  func onlyTheLedgerIsManaged() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    await provider.cloud.store(ObservedResource(F.account("someone-else"), outputs: []))
    let plan = try await engine.plan([F.account("frontend")])
    #expect(plan.actions.map(\.address) == [F.address("aws.account", "frontend")])
  }

  @Test("a create whose call ended but whose outcome was not recorded is settled by the refresh")
  func unsettledCreateThatHappened() async throws {
    let directory = try F.temporaryDirectory()
    let provider = FakeProvider()
    let account = F.account("frontend")
    // An apply killed after the provider's call and before the ledger's outcome.
    let ledger = try Ledger(directory: directory, contents: LedgerContents())
    ledger.intend(.create(account))
    try ledger.sync()
    _ = try await provider.apply(.create(account))

    let engine = try Engine(provider: provider, stateDirectory: directory)
    #expect(try await engine.plan([account]).isEmpty)
    #expect(try await engine.plan([]).actions.map(\.kind) == [.delete])
    let report = try await engine.apply([account])
    #expect(report.outcomes.isEmpty)
    let settled = try #require(try Ledger.read(directory: directory))
    #expect(settled.unsettled.isEmpty)
    #expect(settled.resources[account.address]?.outputs == [ModelField("id", .string("id-frontend"))])
  }

  @Test("a create that was under way and did not happen is planned again, and an update's outcome comes from the provider")
  func unsettledActionsThatDidNotHappen() async throws {
    let directory = try F.temporaryDirectory()
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: directory)
    var old = F.account("frontend", region: "us-east-2")
    old.replaceOnChange = []
    _ = try await engine.apply([old])
    var new = old
    new.attributes = [ModelField("profile", .string("frontend")), ModelField("region", .string("eu-west-1"))]
    let vpc = F.vpc("frontend", in: "frontend", cidr: "10.1.0.0/16")
    // Killed with both calls in flight: the update happened, the create did not.
    var contents = try #require(try Ledger.read(directory: directory))
    let ledger = try Ledger(directory: directory, contents: contents)
    ledger.intend(.update(new, from: try #require(contents.resources[old.address])))
    ledger.intend(.create(vpc))
    try ledger.sync()
    _ = try await provider.apply(.update(new, from: try #require(contents.resources[old.address])))

    contents = try #require(try Ledger.read(directory: directory))
    #expect(Set(contents.unsettled.keys) == [old.address, vpc.address])
    // Back to the old region: the provider says the update took effect, so it must be undone.
    let back = try await engine.plan([old, vpc])
    #expect(back.actions.map { "\($0.kind) \($0.address)" } == ["update aws.account.frontend", "create ec2.vpc.frontend"])
    #expect(try await engine.plan([new, vpc]).actions.map { "\($0.kind) \($0.address)" } == ["create ec2.vpc.frontend"])
    // An apply settles every unsettled entry, even one it has nothing to do for.
    let ledgerOnly = try Ledger(directory: directory, contents: try #require(try Ledger.read(directory: directory)))
    ledgerOnly.intend(.delete(ObservedResource(new, outputs: [])))
    try ledgerOnly.sync()
    #expect(try await engine.apply([new, vpc]).succeeded)
    #expect(try #require(try Ledger.read(directory: directory)).unsettled.isEmpty)
    #expect(try await engine.plan([new, vpc]).isEmpty)
  }

  @Test("the ledger keeps every kind of value exactly, and a line cut short by a crash is left out")
  func ledgerRoundTrip() async throws {
    let directory = try F.temporaryDirectory()
    let odd = ObservedResource(
      address: F.address("k8s.pod", "a/\"b\"\n"), placement: Placement(account: "é", cluster: nil),
      attributes: [
        ModelField("s", .string("tab\t\u{1}✓")), ModelField("i", .int(-7)), ModelField("f", .float(0.1)),
        ModelField("big", .float(1e300)), ModelField("inf", .float(-.infinity)), ModelField("b", .bool(false)),
        ModelField("l", .list([.int(1), .list([])])),
        ModelField("r", .record([ModelField("x", .reference(DeclarationID(kind: "cluster", name: "c")))])),
      ],
      outputs: [ModelField("id", .string("i-1"))], dependencies: [F.address("aws.account", "x")])
    let ledger = try Ledger(directory: directory, contents: LedgerContents())
    ledger.record(odd)
    try ledger.sync()
    let path = directory + "/" + Ledger.fileName
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("{\"put\":{\"address\":{\"ty".utf8))
    try handle.close()
    let read = try #require(try Ledger.read(directory: directory))
    #expect(read.resources == [odd.address: odd])
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test("a damaged line in the middle is an error that names the file and the line, not a state silently lost")
  func damagedLedger() async throws {
    let directory = try F.temporaryDirectory()
    try Data("{\"remove\":{\"type\":\"a\",\"name\":\"b\"}}\nnot json\n{\"remove\":{\"type\":\"a\",\"name\":\"c\"}}\n".utf8)
      .write(to: URL(fileURLWithPath: directory + "/" + Ledger.fileName))
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    await #expect {
      _ = try await engine.plan([])
    } throws: { error in
      "\(error)" == "\(directory)/\(Ledger.fileName) is damaged at line 2, byte 1: expected an object; restore it from a backup, or move the state aside to start again"
    }
  }

  @Test("the ledger is compacted when superseded records outnumber live ones")
  func compaction() async throws {
    let directory = try F.temporaryDirectory()
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: directory)
    for round in 0..<60 {
      let report = try await engine.apply(F.topology(["frontend"], nodes: round % 2 + 1))
      #expect(report.succeeded)
    }
    let text = try String(contentsOfFile: directory + "/" + Ledger.fileName, encoding: .utf8)
    #expect(text.split(separator: "\n").count < 80)
    #expect(try await engine.plan(F.topology(["frontend"], nodes: 2)).isEmpty)
    #expect(try #require(try Ledger.read(directory: directory)).resources.count == 4)
  }

  @Test("apply gives each call the outputs of what its resource depends on")
  func applyReceivesInputs() async throws {
    let provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    _ = try await engine.apply(F.topology(["frontend"]))
    let inputs = await provider.cloud.inputs
    #expect(inputs[F.address("eks.cluster", "eks-frontend")] == [F.address("ec2.vpc", "frontend"): [ModelField("id", .string("id-frontend"))]])
    #expect(inputs[F.address("aws.account", "frontend")] == [:])
    // A later apply gives the outputs the ledger recorded, not only those of this apply's steps.
    _ = try await engine.apply(F.topology(["frontend"], nodes: 3))
    #expect(
      await provider.cloud.inputs[F.address("eks.nodegroup", "eks-frontend/nodegroup")]
        == [F.address("eks.cluster", "eks-frontend"): [ModelField("id", .string("id-eks-frontend"))]])
  }

  @Test("plan, not apply, refuses a resource type the provider does not support, naming resource, declaration and provider")
  func unsupportedTypeRefusedAtPlan() async throws {
    var provider = FakeProvider()
    provider.resourceTypes = ["aws.account", "ec2.vpc", "eks.cluster", "eks.nodegroups"]
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    var desired = F.topology(["frontend"])
    desired[3].origin = DeclarationID(kind: "cluster", name: "eks-frontend")
    let expected =
      "eks.nodegroup.eks-frontend/nodegroup, declared by cluster \"eks-frontend\", has the type eks.nodegroup, which the "
      + "fake provider does not support (did you mean eks.nodegroups?); it supports aws.account, ec2.vpc, eks.cluster, "
      + "eks.nodegroups, so use a provider that supports it or remove the declaration"
    await #expect { _ = try await engine.plan(desired) } throws: { "\($0)" == expected }
    await #expect { _ = try await engine.apply(desired) } throws: { "\($0)" == expected }
    #expect(await provider.cloud.calls.isEmpty)
  }

  @Test("rendering is a step of its own: a provider turns the plan into files without applying it")
  func rendering() async throws {
    var provider = FakeProvider()
    let engine = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    #expect(try await engine.render([F.account("frontend")]).isEmpty)
    provider.renders = true
    let rendering = try Engine(provider: provider, stateDirectory: try F.temporaryDirectory())
    let artifacts = try await rendering.render([F.account("frontend"), F.vpc("frontend", in: "frontend", cidr: "10.1.0.0/16")])
    #expect(artifacts.map(\.path) == ["aws.account.frontend.yaml", "ec2.vpc.frontend.yaml"])
    #expect(artifacts[0].contents == "kind: aws.account\nspec:\n  profile: \"frontend\"\n  region: \"us-east-2\"\n")
    #expect(await provider.cloud.calls.isEmpty)
  }
}

@Suite("journal timestamps")
struct JournalTimestampTests {
  @Test("the journal's timestamps read back by hand as a date formatter reads them")
  func timestampsRoundTrip() throws {
    for seconds in [0.0, 951_782_400.5, 1_796_280_662.123, 4_107_542_399.999, 1_709_164_800.25] {
      let date = Date(timeIntervalSince1970: seconds)
      let text = ApplyProgress.timestamp(date)
      let parsed = try #require(JournalEntry.parseTimestamp(text))
      #expect(abs(parsed.timeIntervalSince1970 - (seconds * 1000).rounded(.down) / 1000) < 0.0005, "\(text)")
    }
    #expect(JournalEntry.parseTimestamp("2026-13-01T00:00:00.000Z") == nil)
  }
}
