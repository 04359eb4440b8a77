import Foundation
import SteepleEngine
import SteepleModel
import Testing

@Suite("journal and lock")
struct JournalAndLockTests {
  typealias F = Fixtures

  @Test("every step's intent is journaled before its outcome, between a begin and an end")
  func journalOfAnApply() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    _ = try await engine.apply(F.topology(["frontend"]))
    let entries = Journal.entries(in: directory)
    #expect(entries.first?.event == .begin)
    #expect(entries.first?.pid == getpid())
    #expect(entries.first?.steps == 4)
    #expect(entries.last?.event == .end)
    for step in 0..<4 {
      let intent = try #require(entries.firstIndex { $0.event == .intent && $0.step == step })
      let done = try #require(entries.firstIndex { $0.event == .done && $0.step == step })
      #expect(intent < done)
      #expect(entries[intent].verb == "create")
      #expect(entries[intent].address != nil)
    }
    #expect(engine.interruptedApply == nil)
    let mode = try FileManager.default.attributesOfItem(atPath: directory + "/journal.jsonl")[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  /// A provider that, as each call starts, reads the journal from disk as a new process would.
  struct JournalReadingProvider: Provider {
    let inner = FakeProvider()
    let directory: String
    let seen = EventLog()
    var name: String { "journal-reading" }
    var resourceTypes: Set<String> { inner.resourceTypes }
    func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] {
      try await inner.refresh(resources, unsettled: unsettled)
    }
    func check(_ check: Check) async throws -> CheckOutcome { try await inner.check(check) }
    func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource? {
      let journaled = Journal.entries(in: directory).contains {
        $0.event == .intent && $0.address == action.address.description && $0.verb == action.verb
      }
      if !journaled { throw ProviderError(code: "NotJournaled", message: "\(action.address) started before its intent was written") }
      return try await inner.apply(action, inputs: inputs)
    }
  }

  @Test("every call's intent is in the journal file before the call starts")
  func intentBeforeCall() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: JournalReadingProvider(directory: directory), stateDirectory: directory)
    let report = try await engine.apply(F.topology(["frontend", "backend"]), options: ApplyOptions(parallelism: 3))
    #expect(report.succeeded, "\(report.failed)")
    let destroy = try await engine.destroy()
    #expect(destroy.succeeded, "\(destroy.failed)")
  }


  func interruptedJournal() async throws {
    let directory = try F.temporaryDirectory()
    let vpc = F.vpc("frontend", in: "frontend", cidr: "10.1.0.0/16")
    let account = F.account("frontend")
    let journal = try Journal(directory: directory)
    journal.append(JournalEntry(event: .begin, pid: 4242, command: "apply", steps: 2))
    journal.append(JournalEntry(event: .intent, step: 0, address: "aws.account.frontend", action: .create(account)))
    journal.append(JournalEntry(event: .done, step: 0, address: "aws.account.frontend"))
    journal.append(JournalEntry(event: .intent, step: 1, address: "ec2.vpc.frontend", action: .create(vpc)))
    try journal.sync()
    // A crash mid-write leaves half a line; it is ignored.
    let handle = try #require(FileHandle(forWritingAtPath: directory + "/journal.jsonl"))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(#"{"event":"done","st"#.utf8))
    try handle.close()

    let provider = FakeProvider()
    await provider.cloud.store(ObservedResource(
      address: account.address, placement: account.placement, attributes: account.attributes))
    let engine = try Engine(provider: provider, stateDirectory: directory)
    let interrupted = try #require(engine.interruptedApply)
    #expect(interrupted.pid == 4242)
    #expect(interrupted.finished == 1 && interrupted.steps == 2)
    #expect(interrupted.inFlight == [JournaledAction(verb: "create", address: "ec2.vpc.frontend")])

    let log = EventLog()
    let report = try await engine.apply([account, vpc], progress: log.append)
    #expect(report.resumed == interrupted)
    #expect(report.done.map(\.step.address) == [vpc.address], "only what had not finished is done again")
    guard case .resuming(let resumed, let command)? = log.all.first else {
      Issue.record("the first event must say the apply resumes")
      return
    }
    #expect(command == "apply")
    let line = ApplyProgress.line(for: .resuming(resumed, by: command))
    #expect(line.contains(" resuming the apply of pid 4242 "))
    #expect(line.contains("in flight: create ec2.vpc.frontend"))
    #expect(engine.interruptedApply == nil)
    #expect(Journal.entries(in: directory, file: Journal.previousFileName).first?.pid == 4242)
  }

  @Test("an apply after a killed destroy does not say it resumes the destroy: it says it creates again what was deleted")
  func applyAfterKilledDestroy() async throws {
    let directory = try F.temporaryDirectory()
    let account = F.account("frontend")
    let journal = try Journal(directory: directory)
    journal.append(JournalEntry(event: .begin, pid: 4343, command: "destroy", steps: 2))
    try journal.sync()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let log = EventLog()
    _ = try await engine.apply([account], progress: log.append)
    guard case .resuming(let interrupted, let command)? = log.all.first else {
      Issue.record("the first event must name the destroy that did not finish")
      return
    }
    #expect(command == "apply")
    let line = ApplyProgress.line(for: .resuming(interrupted, by: command))
    #expect(!line.contains("resuming"), "\(line)")
    #expect(line.hasSuffix(
      "the destroy of pid 4343 (began \(ApplyProgress.timestamp(interrupted.started)), 0 of 2 steps finished) did not "
        + "finish; this apply does not resume it: it makes what exists match the script, creating again what was deleted"))
  }

  @Test("while an apply holds the lock, its unfinished journal is a running apply, not an interrupted one")
  func runningIsNotInterrupted() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    #expect(engine.runningApply == nil)
    let journal = try Journal(directory: directory)
    journal.append(JournalEntry(event: .begin, pid: getpid(), command: "apply", steps: 2))
    try journal.sync()
    let lock = try await StateLock.acquire(directory: directory, command: "apply")
    #expect(engine.runningApply?.pid == getpid())
    #expect(engine.runningApply?.command == "apply")
    #expect(engine.interruptedApply == nil, "an apply that is still running has not been interrupted")
    lock.release()
    #expect(engine.runningApply == nil)
    #expect(engine.interruptedApply?.pid == getpid(), "once the lock is free, the open journal is an interrupted apply")
  }

  @Test("a second apply on a locked state fails at once, saying who holds the lock")
  func lockedFailsAtOnce() async throws {
    let directory = try F.temporaryDirectory()
    let lock = try await StateLock.acquire(directory: directory, command: "apply")
    defer { lock.release() }
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    do {
      _ = try await engine.apply(F.topology(["frontend"]))
      Issue.record("the apply must not run while the state is locked")
    } catch {
      guard case .locked(let holder, _) = error else {
        Issue.record("expected .locked, got \(error)")
        return
      }
      #expect(holder.pid == getpid())
      #expect(holder.command == "apply")
      #expect(holder.since != nil)
      #expect(error.description.hasPrefix("the state is locked by apply (pid \(getpid()), since "))
    }
    #expect(try await engine.state().isEmpty)
  }

  @Test("with a lock timeout, a second apply says whose lock it waits for, and goes on when it is let go")
  func lockWaits() async throws {
    let directory = try F.temporaryDirectory()
    let lock = try await StateLock.acquire(directory: directory, command: "destroy")
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let log = EventLog()
    // The holder lets go only once the apply has said that it waits.
    let report = try await engine.apply(F.topology(["frontend"]), options: ApplyOptions(lockTimeout: .seconds(600))) {
      event in
      log.append(event)
      if case .waitingForLock = event { lock.release() }
    }
    #expect(report.succeeded)
    guard case .waitingForLock(let holder)? = log.all.first else {
      Issue.record("the first event is not waitingForLock: \(log.all.first.map { "\($0)" } ?? "none")")
      return
    }
    #expect(holder.pid == getpid() && holder.command == "destroy" && holder.since != nil)
    #expect(log.all.filter { if case .waitingForLock = $0 { true } else { false } }.count == 1)
    let line = ApplyProgress.line(for: .waitingForLock(held: holder), at: Date(timeIntervalSince1970: 0))
    #expect(line == "1970-01-01T00:00:00.000Z waiting for the lock, held by \(holder)")
    #expect(line.contains("held by destroy (pid \(getpid()), since "))
  }

  @Test("an apply that gets the lock at once, or may not wait, says nothing of waiting")
  func noWaitingEvent() async throws {
    let directory = try F.temporaryDirectory()
    let engine = try Engine(provider: FakeProvider(), stateDirectory: directory)
    let log = EventLog()
    _ = try await engine.apply(F.topology(["frontend"]), options: ApplyOptions(lockTimeout: .seconds(600))) {
      log.append($0)
    }
    let lock = try await StateLock.acquire(directory: directory, command: "apply")
    defer { lock.release() }
    await #expect(throws: EngineError.self) {
      _ = try await engine.apply(F.topology(["frontend"])) { log.append($0) }
    }
    #expect(!log.all.contains { if case .waitingForLock = $0 { true } else { false } })
  }

  @Test("two applies at once on one state: one runs, the other waits, nothing is done twice")
  func concurrentApplies() async throws {
    let directory = try F.temporaryDirectory()
    let gates = StepGates()
    let provider = FakeProvider(gates: gates)
    let engine = try Engine(provider: provider, stateDirectory: directory)
    let desired = F.topology(["frontend", "backend"])
    let options = ApplyOptions(lockTimeout: .seconds(600))
    let first = Task { try await engine.apply(desired, options: options) }
    // The first apply holds the lock while its first step waits at the gate; the second starts then.
    _ = await gates.nextStarted()
    let second = Task { try await engine.apply(desired, options: options) }
    await gates.openAll()
    let reports = try await [first.value, second.value]
    #expect(reports.map(\.done.count) == [8, 0])
    #expect(await provider.cloud.calls.count == 8)
  }
}
