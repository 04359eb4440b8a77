import Foundation
import SteepleEngine
import Testing

/// The engine's side of a state that protects itself: the lock, the journal, the script record
/// and the plan that was agreed to.
@Suite("state safety in the engine")
struct StateSafetyTests {
  typealias F = Fixtures

  @Test("the lock holds when its file is deleted: a second apply is still refused")
  func lockSurvivesUnlink() async throws {
    let directory = try F.temporaryDirectory()
    let lock = try await StateLock.acquire(directory: directory, command: "apply")
    defer { lock.release() }
    try FileManager.default.removeItem(atPath: directory + "/" + StateLock.fileName)
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    await #expect(throws: EngineError.self) { try await engine.apply(F.topology(["frontend"])) }
    #expect(engine.runningApply != nil)
    #expect(try await engine.state().isEmpty)
  }

  @Test("an apply with nothing to do writes no journal, so the last real apply's stays")
  func noOpKeepsJournal() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let desired = F.topology(["frontend"])
    _ = try await engine.apply(desired)
    let journal = try String(contentsOfFile: directory + "/" + Journal.fileName, encoding: .utf8)
    for _ in 0..<2 {
      let report = try await engine.apply(desired)
      #expect(report.plan.isEmpty && report.succeeded)
    }
    #expect(try String(contentsOfFile: directory + "/" + Journal.fileName, encoding: .utf8) == journal)
    #expect(!FileManager.default.fileExists(atPath: directory + "/" + Journal.previousFileName))
  }

  @Test("an approved plan that now has more to do is not carried out")
  func planChanged() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let approved = try await engine.plan(F.topology(["frontend"]))
    await #expect(throws: EngineError.planChanged) {
      try await engine.apply(F.topology(["frontend", "backend"]), approved: approved)
    }
    #expect(try await engine.state().isEmpty)
    let report = try await engine.apply(F.topology(["frontend"]), approved: approved)
    #expect(report.succeeded && !report.plan.isEmpty)
  }

  @Test("the state records its script; another script's apply is refused while the state holds resources, unless forced")
  func otherScript() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let network = ScriptRecord(name: "network.spire", path: "/work/network.spire")
    let hello = ScriptRecord(name: "hello.spire", path: "/work/hello.spire")
    _ = try await engine.apply(F.topology(["frontend"]), options: ApplyOptions(script: network))
    #expect(engine.recordedScript == network)
    let moved = ScriptRecord(name: "network.spire", path: "/elsewhere/network.spire")
    #expect(try await engine.conflict(with: moved) == nil, "a moved script is the same script")
    #expect(try await engine.conflict(with: hello) == network)
    await #expect(throws: EngineError.otherScript(recorded: network, applying: hello)) {
      try await engine.apply([], options: ApplyOptions(script: hello))
    }
    #expect(try await engine.state().isEmpty == false, "nothing was deleted")
    _ = try await engine.apply([], options: ApplyOptions(script: hello, force: true))
    #expect(engine.recordedScript == hello)
    #expect(try await engine.state().isEmpty)
  }

  @Test("a state directory others may write, or a state file of another user's, is refused")
  func unsafeDirectory() async throws {
    let directory = try F.temporaryDirectory()
    #expect(chmod(directory, 0o770) == 0)
    #expect(throws: EngineError.self) { try StateDirectory.prepare(directory) }
    #expect(chmod(directory, 0o700) == 0)
    try StateDirectory.prepare(directory)
    let file = directory + "/journal.jsonl"
    #expect(FileManager.default.createFile(atPath: file, contents: nil, attributes: [.posixPermissions: 0o600]))
    #expect(chown(file, 4242, 4242) == 0)
    #expect(throws: EngineError.self) { try StateDirectory.checkFile(file, forWriting: true) }
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    await #expect(throws: EngineError.self) { try await engine.apply(F.topology(["frontend"])) }
  }
}
