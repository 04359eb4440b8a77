import Foundation
import SteepleTestSupport
import Testing

/// `steeple plan`, `apply`, `destroy`, `state` and `run` against the embedded local cloud, run as
/// a user runs them: a separate process, in a folder of its own, its output and exit status.
@Suite("steeple plan, apply, destroy, state and run")
struct DeployCLITests {
  /// A fresh folder holding a copy of a fixture script; its state goes in `.steeple/NAME` inside it.
  static func workspace(_ fixture: String = "deploy.spire") throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-deploy-")
    try FileManager.default.copyItem(at: try TestSupport.fixture(fixture), to: folder.appendingPathComponent(fixture))
    return folder
  }

  /// A fresh folder holding a copy of the tutorial's network, `stdlib/examples/network.spire`.
  static func networkWorkspace() throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-network-")
    let network = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/network.spire")
    try FileManager.default.copyItem(at: network, to: folder.appendingPathComponent("network.spire"))
    return folder
  }

  /// When each step started and ended, from an apply's plain progress lines.
  static func timeline(_ output: String) -> [String: (start: String, end: String?)] {
    var steps: [String: (start: String, end: String?)] = [:]
    for line in output.split(separator: "\n") {
      if let match = line.wholeMatch(of: /(\S+) start   \+ creating (\S+)/) {
        steps[String(match.2)] = (String(match.1), nil)
      } else if let match = line.wholeMatch(of: /(\S+) done    \+ (\S+) \(.*\)/) {
        steps[String(match.2)]?.end = String(match.1)
      }
    }
    return steps
  }

  @Test("the tutorial's network: plan, apply with the frontend and backend clusters at once, no changes, destroy")
  func network() throws {
    let folder = try Self.networkWorkspace()
    let plan = try Self.steeple("plan", "--detailed-exitcode", "network.spire", in: folder)
    #expect(plan.status == 2, "\(plan.stderr)")
    #expect(plan.stdout.hasSuffix("Plan: 28 to add, 0 to change, 0 to destroy.\n"))

    let apply = try Self.steeple("apply", "--auto-approve", "--time-scale", "0.001", "network.spire", in: folder)
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect(apply.stdout.hasSuffix("Apply complete: 28 done.\n"))
    let steps = Self.timeline(apply.stdout)
    let frontend = try #require(steps["eks.cluster.eks-cluster-frontend"])
    let backend = try #require(steps["eks.cluster.eks-cluster-backend"])
    // Timestamps of one format compare as text: each cluster started before the other was done.
    #expect(frontend.start < (backend.end ?? ""), "the clusters ran one after the other")
    #expect(backend.start < (frontend.end ?? ""), "the clusters ran one after the other")

    let again = try Self.steeple("apply", "--auto-approve", "network.spire", in: folder)
    #expect(again.status == 0)
    #expect(again.stdout.hasSuffix("No changes. What exists matches the script.\n"))
    let state = try Self.steeple("state", "network.spire", in: folder)
    #expect(state.stdout.hasSuffix("28 resources.\n"))

    let destroy = try Self.steeple("destroy", "--auto-approve", "network.spire", in: folder)
    #expect(destroy.status == 0, "\(destroy.stderr)")
    #expect(destroy.stdout.hasSuffix("Destroy complete: 28 done.\n"))
    #expect(try Self.steeple("state", "network.spire", in: folder).stdout == "The state is empty.\n")
  }

  @Test("the tutorial's network killed with kill -9 mid-apply: the next apply finishes it, as a clean apply would")
  func networkKillNine() throws {
    let clean = try Self.networkWorkspace()
    #expect(try Self.steeple("apply", "--auto-approve", "network.spire", in: clean).status == 0)
    // The local cloud derives IDs from what they name, so even they must match.
    let cleanState = try Self.comparable(try Self.steeple("state", "--json", "network.spire", in: clean).stdout, outputs: true)

    let folder = try Self.networkWorkspace()
    let victim = try Self.spawn(["apply", "--auto-approve", "--time-scale", "0.005", "network.spire"], in: folder)
    try Self.waitForJournal(in: folder, script: "network") {
      $0.contains(#""event":"intent","time":"#) && $0.contains("eks.cluster.eks-cluster-frontend")
    }
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    let resumed = try Self.steeple("apply", "--auto-approve", "network.spire", in: folder)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("resuming the apply of pid \(victim.processIdentifier) "))
    #expect(try Self.comparable(try Self.steeple("state", "--json", "network.spire", in: folder).stdout, outputs: true) == cleanState)
    #expect(try Self.steeple("plan", "--detailed-exitcode", "network.spire", in: folder).status == 0)
  }


  /// What a clean, uninterrupted apply of `deploy.spire` leaves, as `comparable` gives it.
  static func cleanApplyState() throws -> [String] {
    let clean = try workspace()
    #expect(try steeple("apply", "--auto-approve", "deploy.spire", in: clean).status == 0)
    return try comparable(try steeple("state", "--json", "deploy.spire", in: clean).stdout)
  }

  static func steeple(_ arguments: String..., in folder: URL) throws -> ProcessResult {
    try TestSupport.run("steeple", arguments, in: folder)
  }

  /// What a state holds, one JSON line a resource; without what the provider assigned (IDs,
  /// addresses) unless `outputs`.
  static func comparable(_ stateJSON: String, outputs: Bool = false) throws -> [String] {
    let document = try #require(try JSONSerialization.jsonObject(with: Data(stateJSON.utf8)) as? [String: Any])
    let resources = try #require(document["resources"] as? [[String: Any]])
    return try resources.map { resource in
      let kept = resource.filter { outputs || $0.key != "outputs" }
      return String(decoding: try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]), as: UTF8.self)
    }
  }

  @Test("plan on an empty state lists every create, grouped, and counts them")
  func planFresh() throws {
    let folder = try Self.workspace()
    let result = try Self.steeple("plan", "deploy.spire", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (try TestSupport.fixtureText("deploy-plan.expected")), "stdout:\n\(result.stdout)")
    let detailed = try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder)
    #expect(detailed.status == 2)
    let json = try Self.steeple("plan", "--json", "deploy.spire", in: folder)
    #expect(json.status == 0)
    #expect(json.stderr == "declared 2 accounts\n", "with --json the script's output goes to standard error")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let summary = try #require(document["summary"] as? [String: Int])
    #expect(summary["change"] == 0 && summary["destroy"] == 0 && (summary["add"] ?? 0) > 10)
  }

  @Test("apply does the plan, a second plan and apply find nothing, destroy empties the state")
  func applyLifecycle() throws {
    let folder = try Self.workspace()
    let apply = try Self.steeple("apply", "--auto-approve", "--parallelism", "4", "deploy.spire", in: folder)
    #expect(apply.status == 0, "\(apply.stderr)")
    let lines = apply.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z start   \+ creating eks\.cluster\.eks-frontend/) != nil })
    #expect(lines.contains { $0.wholeMatch(of: /\d{4}-\d\d-\d\dT\S+ done    \+ eks\.cluster\.eks-frontend \(\d+\.\ds\)/) != nil })
    let done = try #require(lines.last?.firstMatch(of: /^Apply complete: (\d+) done\.$/)?.1)
    let count = try #require(Int(done))
    #expect(count > 10)
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple/deploy/cloud.sqlite").path))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple/deploy/journal.jsonl").path))

    let plan = try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder)
    #expect(plan.status == 0)
    #expect(plan.stdout.hasSuffix("No changes. What exists matches the script.\n"))
    let again = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(again.status == 0)
    #expect(again.stdout == "declared 2 accounts\nNo changes. What exists matches the script.\n")

    let state = try Self.steeple("state", "deploy.spire", in: folder)
    #expect(state.status == 0)
    #expect(state.stdout.contains("account \"frontend\", cluster \"eks-frontend\"\n  eks.cluster.eks-frontend"))
    #expect(state.stdout.hasSuffix("\(count) resources.\n"))
    let stateJSON = try Self.steeple("state", "--json", "--state", ".steeple/deploy", in: folder)
    #expect(try Self.comparable(stateJSON.stdout).count == count)

    let destroy = try Self.steeple("destroy", "--auto-approve", "deploy.spire", in: folder)
    #expect(destroy.status == 0, "\(destroy.stderr)")
    #expect(destroy.stdout.contains("Plan: 0 to add, 0 to change, \(count) to destroy.\n"))
    #expect(destroy.stdout.hasSuffix("Destroy complete: \(count) done.\n"))
    #expect(try Self.steeple("state", "deploy.spire", in: folder).stdout == "The state is empty.\n")
  }

  @Test("run checks, plans, applies and reports each verify check: verify all of a script with no mesh service passes with nothing to disagree")
  func runDoesItAll() throws {
    let folder = try Self.workspace()
    let result = try Self.steeple("run", "--auto-approve", "deploy.spire", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("declared 2 accounts\n"))
    #expect(result.stdout.contains("Apply complete: "))
    #expect(result.stdout.contains("verify all (0 services): no mesh service was applied: no ordered pair to check"), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("Checks: 1 passed, 0 failed.\n"), "\(result.stdout)")
    #expect(result.stderr == "")
  }

  @Test("a failed verify check is an error on standard error at its statement, as a failed action is")
  func failedCheckIsDiagnostic() throws {
    let folder = try Self.workspace()
    let script = try String(contentsOf: folder.appendingPathComponent("deploy.spire"), encoding: .utf8)
      .replacingOccurrences(of: "verify all", with: #"verify reachable "10.10.0.5" -> "10.99.0.1""#)
    try Data(script.utf8).write(to: folder.appendingPathComponent("deploy.spire"))
    let result = try Self.steeple("run", "--auto-approve", "--color", "never", "deploy.spire", in: folder)
    #expect(result.status == 1)
    #expect(result.stdout.contains("  ✗ verify reachable \"10.10.0.5\" -> \"10.99.0.1\": "), "\(result.stdout)")
    #expect(result.stderr.contains("deploy.spire:9:1: error: verify reachable \"10.10.0.5\" -> \"10.99.0.1\" failed: "), "\(result.stderr)")
    #expect(result.stderr.contains(" 9 | verify reachable"))
    #expect(result.stderr.hasSuffix("1 error\n"))
  }

  @Test("a script with errors plans nothing and touches no state")
  func errorsStopBeforeState() throws {
    let folder = try Self.workspace()
    try Data(#"account "shared" { regoin: "us-east-2" }"#.utf8).write(to: folder.appendingPathComponent("bad.spire"))
    let result = try Self.steeple("apply", "--auto-approve", "bad.spire", in: folder)
    #expect(result.status == 1)
    #expect(result.stderr.contains("bad.spire:1:"))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple").path))
  }

  @Test("a second apply while one holds the lock fails at once, naming the holder; with --lock-timeout it waits")
  func lock() throws {
    let folder = try Self.workspace()
    let first = try Self.spawn(["apply", "--auto-approve", "--time-scale", "0.01", "deploy.spire"], in: folder)
    defer { if first.isRunning { first.terminate() } }
    try Self.waitForJournal(in: folder) { $0.contains(#""event":"intent""#) }
    let looking = try Self.steeple("plan", "deploy.spire", in: folder)
    #expect(looking.stderr.hasPrefix("note: apply (pid \(first.processIdentifier), since "), "\(looking.stderr)")
    #expect(looking.stderr.hasSuffix(") is running on this state; this shows what exists at this moment\n"), "not 'did not finish'")
    let second = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(second.status == 1)
    #expect(second.stderr.hasPrefix("steeple: error: the state is locked by apply (pid \(first.processIdentifier), since "), "\(second.stderr)")
    let waiting = try Self.steeple("apply", "--auto-approve", "--lock-timeout", "120", "deploy.spire", in: folder)
    #expect(waiting.status == 0, "\(waiting.stderr)")
    #expect(waiting.stdout.contains(" waiting for the lock, held by apply (pid \(first.processIdentifier), since "), "\(waiting.stdout)")
    #expect(waiting.stdout.hasSuffix("No changes. What exists matches the script.\n"))
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
  }

  @Test("an apply killed with kill -9 mid-apply is finished by the next, and the state equals a clean apply's")
  func killNine() throws {
    let cleanState = try Self.cleanApplyState()

    let folder = try Self.workspace()
    let victim = try Self.spawn(["apply", "--auto-approve", "--time-scale", "0.005", "--parallelism", "4", "deploy.spire"], in: folder)
    // Wait until some steps are done and others are still running, then kill it without warning.
    try Self.waitForJournal(in: folder) { journal in
      journal.components(separatedBy: #""event":"done""#).count > 3
    }
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    #expect(victim.terminationReason == .uncaughtSignal)
    let journal = try String(contentsOf: folder.appendingPathComponent(".steeple/deploy/journal.jsonl"), encoding: .utf8)
    #expect(!journal.contains(#""event":"end""#), "the apply must have been killed before it ended")

    let victimDone = journal.components(separatedBy: #""event":"done""#).count - 1
    let note = try Self.steeple("plan", "deploy.spire", in: folder)
    #expect(note.stderr.hasPrefix("note: the apply of pid \(victim.processIdentifier), begun "), "\(note.stderr)")

    let resumed = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stdout.contains("resuming the apply of pid \(victim.processIdentifier) "))
    #expect(resumed.stdout.contains("; in flight: "), "the journal says what was running when it was killed")
    // Nothing twice: the second apply does only what the first had not finished.
    let resumedDone = try #require(resumed.stdout.firstMatch(of: /Apply complete: (\d+) done\./)?.1)
    #expect(Int(resumedDone)! + victimDone <= cleanState.count)
    #expect(Int(resumedDone)! > 0)
    let state = try Self.comparable(try Self.steeple("state", "--json", "deploy.spire", in: folder).stdout)
    #expect(state == cleanState)
    let after = try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder)
    #expect(after.status == 0, "\(after.stdout)")
  }

  @Test("destroy does not evaluate the script: a script broken after apply can still be torn down; a missing one is refused")
  func destroyABrokenScript() throws {
    let folder = try Self.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let script = folder.appendingPathComponent("deploy.spire")
    try Data((try String(contentsOf: script, encoding: .utf8) + "\noops(\n").utf8).write(to: script)
    #expect(try Self.steeple("plan", "deploy.spire", in: folder).status == 1)
    let destroy = try Self.steeple("destroy", "--auto-approve", "deploy.spire", in: folder)
    #expect(destroy.status == 0, "\(destroy.stderr)")
    #expect(!destroy.stdout.contains("declared 2 accounts"), "the script ran")
    #expect(destroy.stdout.hasSuffix(" done.\n") && destroy.stdout.contains("Destroy complete: "))
    #expect(try Self.steeple("state", "deploy.spire", in: folder).stdout == "The state is empty.\n")

    let missing = try Self.steeple("destroy", "--auto-approve", "deplyo.spire", in: folder)
    #expect(missing.status == 2)
    #expect(missing.stderr == "steeple: error: no such file: deplyo.spire\n   = help: check the path; the state destroyed is ./.steeple/deplyo, or pass --state DIR to name a state\n")
  }

  @Test("bad option values, negative ones included, are usage errors (exit 2) that say what is allowed", arguments: [
    (["apply", "--parallelism", "0"], "Error: --parallelism must be at least 1\n"),
    (["apply", "--parallelism", "-3"], "Error: --parallelism must be at least 1\n"),
    (["apply", "--time-scale", "-1"], "Error: --time-scale must be a number from 0 to 1000, not -1.0\n"),
    (["run", "--time-scale", "nan"], "Error: --time-scale must be a number from 0 to 1000, not nan\n"),
    (["apply", "--time-scale", "1e19"], "Error: --time-scale must be a number from 0 to 1000, not 1e+19\n"),
    (["destroy", "--lock-timeout", "-5"], "Error: --lock-timeout must be from 0 to 86400 seconds (a day), not -5.0\n"),
    (["apply", "--lock-timeout", "1e16"], "Error: --lock-timeout must be from 0 to 86400 seconds (a day), not 1e+16\n"),
    (["plan", "--time-scale", "1"], "Error: Unknown option '--time-scale'"),
    (["state", "--time-scale", "1"], "Error: Unknown option '--time-scale'"),
  ])
  func badOptionValues(_ arguments: [String], _ message: String) throws {
    let folder = try Self.workspace()
    let result = try TestSupport.run("steeple", arguments + ["deploy.spire"], in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple").path))
  }

  @Test("a step the provider refuses is reported at the declaration that asked for it; what needs it is skipped, the rest done")
  func refusedStepPointsAtItsDeclaration() throws {
    let folder = try Self.workspace()
    // More nodes than the VPC has addresses for: a fact of the cloud, which no check can know.
    let script = #"""
      let a = account "a" { profile: "a", region: "us-east-2" }
      let x = cluster "x" in a { cidr: "10.0.0.0/24", nodes: 200 }
      let y = cluster "y" in a { cidr: "10.1.0.0/16" }
      """#
    try Data(script.utf8).write(to: folder.appendingPathComponent("refused.spire"))
    let apply = try Self.steeple("apply", "--auto-approve", "--color", "never", "refused.spire", in: folder)
    #expect(apply.status == 1)
    #expect(apply.stdout.contains("Apply failed: 6 done, 1 failed.\nfailed:\n  + eks.nodegroup.x/nodegroup: InsufficientFreeAddressesInSubnet: "), "\(apply.stdout)")
    #expect(apply.stderr.hasPrefix("""
      refused.spire:2:17: error: eks.nodegroup.x/nodegroup failed: InsufficientFreeAddressesInSubnet: There are not enough free addresses
      """), "\(apply.stderr)")
    #expect(apply.stderr.hasSuffix("""
       2 | let x = cluster "x" in a { cidr: "10.0.0.0/24", nodes: 200 }
         |                 ^~~
         = help: the provider refused what this declaration asks for; change it (or what it uses) and apply again
      1 error

      """), "\(apply.stderr)")
  }

  @Test("an apply whose reader goes away (steeple apply | head) still does all its work, then exits 1")
  func closedPipe() throws {
    let folder = try Self.workspace()
    let process = Process()
    process.executableURL = try TestSupport.product("steeple")
    process.arguments = ["apply", "--auto-approve", "--time-scale", "0.002", "deploy.spire"]
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    try pipe.fileHandleForWriting.close()
    // Read as `head` does, until the plan has been shown, then go away while steps still run.
    var seen = Data()
    while !String(decoding: seen, as: UTF8.self).contains(" start ") {
      guard let chunk = try pipe.fileHandleForReading.read(upToCount: 4096), !chunk.isEmpty else { break }
      seen += chunk
    }
    try pipe.fileHandleForReading.close()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit, "killed by SIGPIPE")
    #expect(process.terminationStatus == 1)
    #expect(try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder).status == 0, "the apply stopped half way")
  }

  @Test("plan and state only look: in a folder without a state they create no .steeple")
  func lookingCreatesNothing() throws {
    let folder = try Self.workspace()
    let plan = try Self.steeple("plan", "deploy.spire", in: folder)
    #expect(plan.status == 0, "\(plan.stderr)")
    #expect(plan.stdout.contains(" to add, 0 to change, 0 to destroy.\n"))
    let state = try Self.steeple("state", "deploy.spire", in: folder)
    #expect(state.status == 0, "\(state.stderr)")
    #expect(state.stdout == "The state is empty.\n")
    let elsewhere = try Self.steeple("state", "--state", "typo/dir", in: folder)
    #expect(elsewhere.stdout == "The state is empty.\n")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple").path))
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("typo").path))
  }

  @Test("a damaged state database, or a state path that is a file, is an error that says what to do")
  func damagedState() throws {
    let folder = try Self.workspace()
    let directory = folder.appendingPathComponent(".steeple/deploy")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    #expect(FileManager.default.createFile(
      atPath: directory.appendingPathComponent("cloud.sqlite").path,
      contents: Data("not a database at all, but long enough to be read as a header".utf8),
      attributes: [.posixPermissions: 0o600]))
    for command in ["plan", "apply", "state"] {
      let result = try Self.steeple(command, "deploy.spire", in: folder)
      #expect(result.status == 1, "\(command)")
      #expect(result.stderr.contains("steeple: error: cannot open the state in "), "\(command): \(result.stderr)")
      #expect(result.stderr.contains("/.steeple/deploy/cloud.sqlite is damaged or not a Steeple state; move it aside"), "\(result.stderr)")
    }
    try Data().write(to: folder.appendingPathComponent("afile"))
    let file = try Self.steeple("apply", "--auto-approve", "--state", "afile", "deploy.spire", in: folder)
    #expect(file.status == 1)
    #expect(file.stderr.hasSuffix("steeple: error: refusing the state: afile is not a directory\n   = help: a state holds keys and decides what is deleted, so only its owner may use it; pass --state DIR to use a directory of your own\n"), "\(file.stderr)")
  }

  @Test("Ctrl-C during apply: running steps finish, the rest are skipped, exit 1 with a summary, and the next apply finishes")
  func interrupt() throws {
    let cleanState = try Self.cleanApplyState()

    let folder = try Self.workspace()
    let output = folder.appendingPathComponent("apply.out"), errors = folder.appendingPathComponent("apply.err")
    let victim = try Self.spawn(["apply", "--auto-approve", "--time-scale", "0.005", "deploy.spire"], in: folder, stdout: output, stderr: errors)
    try Self.waitForJournal(in: folder) { $0.contains(#""event":"intent""#) && $0.contains("eks.cluster.") }
    kill(victim.processIdentifier, SIGINT)
    victim.waitUntilExit()
    #expect(victim.terminationReason == .exit && victim.terminationStatus == 1)
    let stdout = try String(contentsOf: output, encoding: .utf8), stderr = try String(contentsOf: errors, encoding: .utf8)
    #expect(stderr.contains("interrupted: letting the running steps finish (Ctrl-C again to stop at once)"), "\(stderr)")
    #expect(stderr.hasSuffix("  = help: run 'steeple apply' again to finish; what was done is kept\n"), "\(stderr)")
    #expect(stdout.contains(/\nApply stopped: \d+ done, \d+ skipped\.\nskipped:\n/), "\(stdout)")
    #expect(stdout.contains(": cancelled\n"))
    let journal = try String(contentsOf: folder.appendingPathComponent(".steeple/deploy/journal.jsonl"), encoding: .utf8)
    #expect(journal.contains(#""event":"end""#), "an interrupted apply still closes its journal")

    let resumed = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(try Self.comparable(try Self.steeple("state", "--json", "deploy.spire", in: folder).stdout) == cleanState)
    #expect(try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder).status == 0)
  }

  // MARK: helpers

  /// Starts `steeple` without waiting for it; its output is discarded, or written to the files given.
  static func spawn(_ arguments: [String], in folder: URL, stdout: URL? = nil, stderr: URL? = nil) throws -> Process {
    let process = Process()
    process.executableURL = try TestSupport.product("steeple")
    process.arguments = arguments
    process.currentDirectoryURL = folder
    func sink(_ url: URL?) throws -> FileHandle {
      guard let url else { return FileHandle.nullDevice }
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
      return try FileHandle(forWritingTo: url)
    }
    process.standardOutput = try sink(stdout)
    process.standardError = try sink(stderr)
    try process.run()
    return process
  }

  /// Polls the journal of `script`'s state until `ready` holds (at most two minutes).
  static func waitForJournal(in folder: URL, script: String = "deploy", until ready: (String) -> Bool) throws {
    let path = folder.appendingPathComponent(".steeple/\(script)/journal.jsonl").path
    for _ in 0..<12_000 {
      if let text = try? String(contentsOfFile: path, encoding: .utf8), ready(text) { return }
      usleep(10_000)
    }
    Issue.record("the journal never reached the state the test waits for")
    throw CancellationError()
  }
}
