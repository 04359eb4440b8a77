import Foundation
import Testing

/// A state that protects itself, run as a user runs steeple: no other user's files or links are
/// trusted, one script cannot change another's resources, nothing changes without a "yes", the
/// lock holds when its file is deleted, and looking writes nothing.
@Suite("state that protects itself")
struct StateSafetyCLITests {
  typealias D = DeployCLITests

  static func steeple(_ arguments: String..., in folder: URL) throws -> ProcessResult {
    try TestSupport.run("steeple", arguments, in: folder)
  }

  /// `deploy.spire`'s state directory in `folder`, made owner-only as steeple makes it.
  static func stateDirectory(in folder: URL) throws -> URL {
    let directory = folder.appendingPathComponent(".steeple/deploy")
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    return directory
  }

  @Test("a state directory others may write is refused, with the chmod that fixes it")
  func groupWritableDirectory() throws {
    let folder = try D.workspace()
    let directory = try Self.stateDirectory(in: folder)
    #expect(chmod(directory.path, 0o777) == 0)
    let apply = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(apply.status == 1)
    #expect(apply.stderr == """
      steeple: error: refusing the state: ./.steeple/deploy may be written by other users (mode 0777)
         = help: run chmod go-w './.steeple/deploy' (a state holds keys and decides what is deleted, so only its owner may use it), or pass --state DIR to use a directory of your own

      """, "\(apply.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty, "nothing was written")
  }

  @Test("a state directory or file owned by someone else is refused, with the chown that fixes it")
  func ownedBySomeoneElse() throws {
    let folder = try D.workspace()
    let directory = try Self.stateDirectory(in: folder)
    #expect(chown(directory.path, 4242, 4242) == 0)
    let apply = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(apply.status == 1)
    #expect(apply.stderr.hasPrefix("steeple: error: refusing the state: ./.steeple/deploy belongs to uid 4242, not to "), "\(apply.stderr)")
    #expect(apply.stderr.contains("= help: run chown "), "\(apply.stderr)")

    #expect(chown(directory.path, geteuid(), getegid()) == 0)
    let journal = directory.appendingPathComponent("journal.jsonl")
    #expect(FileManager.default.createFile(atPath: journal.path, contents: nil, attributes: [.posixPermissions: 0o600]))
    #expect(chown(journal.path, 4242, 4242) == 0)
    let again = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(again.status == 1)
    #expect(again.stderr.hasPrefix("steeple: error: refusing the state: ./.steeple/deploy/journal.jsonl belongs to uid 4242"), "\(again.stderr)")
  }

  @Test("a lock symlink planted in the state is not followed: the apply is refused and the link's target untouched")
  func plantedLockSymlink() throws {
    let folder = try D.workspace()
    let directory = try Self.stateDirectory(in: folder)
    let target = folder.appendingPathComponent("precious")
    try Data("keep me\n".utf8).write(to: target)
    try FileManager.default.createSymbolicLink(
      atPath: directory.appendingPathComponent("lock").path, withDestinationPath: target.path)
    let apply = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(apply.status == 1)
    #expect(apply.stderr.contains("steeple: error: refusing the state: ./.steeple/deploy/lock is a symbolic link\n"), "\(apply.stderr)")
    #expect(try String(contentsOf: target, encoding: .utf8) == "keep me\n")
  }

  @Test("a pre-created cloud.sqlite-wal that others may read is refused, not reused")
  func plantedReadableWAL() throws {
    let folder = try D.workspace()
    let directory = try Self.stateDirectory(in: folder)
    let wal = directory.appendingPathComponent("cloud.sqlite-wal")
    #expect(FileManager.default.createFile(atPath: wal.path, contents: nil, attributes: [.posixPermissions: 0o644]))
    let apply = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(apply.status == 1)
    #expect(apply.stderr.contains(
      "refusing the state: ./.steeple/deploy/cloud.sqlite-wal may be used by other users (mode 0644)\n"), "\(apply.stderr)")
    #expect(apply.stderr.contains("run chmod go-rwx './.steeple/deploy/cloud.sqlite-wal'"))
    #expect(try Data(contentsOf: wal).isEmpty, "the planted file was written to")
  }

  @Test("each script has its own state: running hello.spire beside the network leaves the network's resources alone")
  func eachScriptItsOwnState() throws {
    let folder = try D.networkWorkspace()
    try FileManager.default.copyItem(
      at: TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire"),
      to: folder.appendingPathComponent("hello.spire"))
    #expect(try Self.steeple("apply", "--auto-approve", "network.spire", in: folder).status == 0)
    let hello = try Self.steeple("run", "--auto-approve", "hello.spire", in: folder)
    #expect(hello.status == 0, "\(hello.stderr)")
    #expect(hello.stdout.contains(" to add, 0 to change, 0 to destroy.\n"), "\(hello.stdout)")
    #expect(try Self.steeple("state", "network.spire", in: folder).stdout.hasSuffix("28 resources.\n"))
    let record = try String(contentsOf: folder.appendingPathComponent(".steeple/network/script.json"), encoding: .utf8)
    #expect(record.contains(#""name":"network.spire""#), "\(record)")
  }

  @Test("a state of the earlier layout, .steeple shared by the folder, is pointed out, not read")
  func earlierLayout() throws {
    let folder = try D.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "--state", ".steeple", "deploy.spire", in: folder).status == 0)
    let plan = try Self.steeple("plan", "deploy.spire", in: folder)
    #expect(plan.stderr == """
      note: ./.steeple holds a state of the earlier layout, shared by every script beside it; this script's state is now ./.steeple/deploy
        = help: to go on with the old state, pass --state ./.steeple, or move its files into ./.steeple/deploy

      """, "\(plan.stderr)")
    #expect(try Self.steeple("plan", "--detailed-exitcode", "--state", ".steeple", "deploy.spire", in: folder).status == 0)
  }

  @Test("applying one script to another's state is refused with the plan shown, unless --force")
  func anotherScriptsState() throws {
    let folder = try D.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let script = #"account "other" { profile: "other", region: "us-east-2" }"#
    try Data(script.utf8).write(to: folder.appendingPathComponent("other.spire"))
    let refused = try Self.steeple("apply", "--auto-approve", "--state", ".steeple/deploy", "other.spire", in: folder)
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("- eks.cluster.eks-frontend"), "the plan shows what it would delete: \(refused.stdout)")
    #expect(refused.stderr.contains(
      "steeple: error: the state holds what deploy.spire (\(folder.resolvingSymlinksInPath().path)/deploy.spire) made; "),
      "\(refused.stderr)")
    #expect(refused.stderr.contains("or --force to apply it to this one anyway\n"))
    #expect(try Self.steeple("state", "deploy.spire", in: folder).stdout.contains("eks.cluster.eks-frontend"))

    let forced = try Self.steeple("apply", "--auto-approve", "--force", "--state", ".steeple/deploy", "other.spire", in: folder)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(!(try Self.steeple("state", "--state", ".steeple/deploy", in: folder).stdout.contains("eks.cluster.eks-frontend")))
    let record = try String(contentsOf: folder.appendingPathComponent(".steeple/deploy/script.json"), encoding: .utf8)
    #expect(record.contains(#""name":"other.spire""#))
  }

  @Test("apply, run and destroy without a terminal and without --auto-approve change nothing and say why")
  func noTerminalNoApproval() throws {
    let folder = try D.workspace()
    for command in ["apply", "run"] {
      let result = try Self.steeple(command, "deploy.spire", in: folder)
      #expect(result.status == 1)
      #expect(result.stdout.contains("Plan: "), "the plan is shown")
      #expect(result.stderr.hasSuffix("""
        steeple: error: \(command) asks before it changes anything, and standard input is not a terminal to answer on
           = help: pass --auto-approve to \(command) without asking (as scripts and CI do), or run it on a terminal

        """), "\(result.stderr)")
    }
    #expect(try Self.steeple("state", "deploy.spire", in: folder).stdout == "The state is empty.\n")
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let destroy = try Self.steeple("destroy", "deploy.spire", in: folder)
    #expect(destroy.status == 1)
    #expect(destroy.stderr.contains("destroy asks before it changes anything"))
    #expect(try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder).status == 0, "nothing was deleted")
  }

  @Test("on a terminal, apply shows the plan and asks: anything but 'yes' changes nothing; 'yes' applies")
  func confirmationOnATerminal() throws {
    let folder = try D.workspace()
    let script = folder.appendingPathComponent("deploy.spire").path
    let state = folder.appendingPathComponent(".steeple/deploy").path
    try ReplTests().drive([
      .expect("Plan: "), .expect("Do you want to apply these changes? Only 'yes' goes on: "), .send("no\n"),
      .expect("steeple: apply cancelled: nothing was changed"), .exit(1),
    ], command: "apply", arguments: ["--state", state, script])
    #expect(try Self.steeple("state", "--state", state, in: folder).stdout == "The state is empty.\n")
    try ReplTests().drive([
      .expect("Only 'yes' goes on: "), .send("yes\n"), .expect("Apply complete: "), .exit(0),
    ], command: "apply", arguments: ["--state", state, script])
    #expect(try Self.steeple("plan", "--detailed-exitcode", "deploy.spire", in: folder).status == 0)
  }

  @Test("deleting the lock file while an apply runs does not let a second apply run")
  func deletedLockFile() throws {
    let folder = try D.workspace()
    let first = try D.spawn(["apply", "--auto-approve", "--time-scale", "0.01", "deploy.spire"], in: folder)
    defer { if first.isRunning { first.terminate() } }
    try D.waitForJournal(in: folder) { $0.contains(#""event":"intent""#) }
    try FileManager.default.removeItem(at: folder.appendingPathComponent(".steeple/deploy/lock"))
    let second = try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder)
    #expect(second.status == 1)
    #expect(second.stderr.contains("steeple: error: the state is locked by "), "\(second.stderr)")
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
  }

  @Test("plan and state write nothing: an existing directory without a state stays empty")
  func lookingWritesNothing() throws {
    let folder = try D.workspace()
    let empty = folder.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
    let plan = try Self.steeple("plan", "--state", "empty", "deploy.spire", in: folder)
    #expect(plan.status == 0, "\(plan.stderr)")
    let state = try Self.steeple("state", "--state", "empty", in: folder)
    #expect(state.stdout == "The state is empty.\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path) == [])
  }

  /// Runs `steeple` in `folder` as the user `nobody` (uid 65534), through setpriv.
  static func asNobody(_ arguments: [String], in folder: URL) throws -> ProcessResult {
    try TestSupport.run(
      "steeple", arguments, in: folder,
      launcher: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
  }

  @Test(
    "a state the user may read but not write is read, writing nothing; one they may not read is a permission error naming it",
    .enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")))
  func readOnlyAndPermissions() throws {
    let folder = try D.workspace()
    // Workspaces are owner-only; this one must let nobody reach the script and the state in it.
    #expect(chmod(folder.path, 0o755) == 0)
    #expect(chmod(folder.appendingPathComponent("deploy.spire").path, 0o644) == 0)
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let directory = folder.appendingPathComponent(".steeple/deploy")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    for path in [folder.appendingPathComponent(".steeple"), directory] + files.map(directory.appendingPathComponent) {
      #expect(chown(path.path, 65534, 65534) == 0)
    }
    for file in files { #expect(chmod(directory.appendingPathComponent(file).path, 0o400) == 0) }
    #expect(chmod(directory.path, 0o500) == 0)
    let state = try Self.asNobody(["state", "deploy.spire"], in: folder)
    #expect(state.status == 0, "\(state.stderr)")
    #expect(state.stdout.contains("eks.cluster.eks-frontend"))
    let plan = try Self.asNobody(["plan", "--detailed-exitcode", "deploy.spire"], in: folder)
    #expect(plan.status == 0, "\(plan.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == files.sorted())

    #expect(chmod(directory.path, 0o700) == 0)
    #expect(chown(directory.path, 0, 0) == 0)
    let refused = try Self.asNobody(["state", "deploy.spire"], in: folder)
    #expect(refused.status == 1)
    #expect(refused.stderr.hasPrefix("steeple: error: cannot look at ./.steeple/deploy/cloud.sqlite: Permission denied\n"), "\(refused.stderr)")
    #expect(refused.stderr.contains("= help: you lack permission on ./.steeple/deploy/cloud.sqlite"), "\(refused.stderr)")
    #expect(!refused.stderr.contains("move it aside"))
  }

  @Test("after a killed destroy, plan and state advise 'steeple destroy', not apply")
  func killedDestroy() throws {
    let folder = try D.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let victim = try D.spawn(["destroy", "--auto-approve", "--time-scale", "0.005", "deploy.spire"], in: folder)
    try D.waitForJournal(in: folder) { $0.contains(#""command":"destroy""#) && $0.contains(#""event":"intent""#) }
    kill(victim.processIdentifier, SIGKILL)
    victim.waitUntilExit()
    for command in ["plan", "state"] {
      let result = try Self.steeple(command, "deploy.spire", in: folder)
      #expect(result.stderr.hasPrefix("note: the destroy of pid \(victim.processIdentifier), begun "), "\(result.stderr)")
      #expect(result.stderr.hasSuffix("  = help: run 'steeple destroy' to finish it; what it had done is kept\n"), "\(result.stderr)")
    }
  }

  @Test("applies with nothing to do leave the journal of the last real apply")
  func noOpAppliesKeepTheJournal() throws {
    let folder = try D.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let journal = folder.appendingPathComponent(".steeple/deploy/journal.jsonl")
    let real = try String(contentsOf: journal, encoding: .utf8)
    for _ in 0..<2 { #expect(try Self.steeple("apply", "deploy.spire", in: folder).status == 0) }
    #expect(try String(contentsOf: journal, encoding: .utf8) == real)
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple/deploy/journal.previous.jsonl").path))
  }

  @Test("destroy needs no FILE: --state names the state; with neither, a usage error lists the states here")
  func destroyByState() throws {
    let folder = try D.workspace()
    #expect(try Self.steeple("apply", "--auto-approve", "deploy.spire", in: folder).status == 0)
    let neither = try Self.steeple("destroy", "--auto-approve", in: folder)
    #expect(neither.status == 2)
    #expect(neither.stderr.hasPrefix(
      "Error: 'steeple destroy' needs FILE, or --state DIR to name the state; the states here: .steeple/deploy\n"),
      "\(neither.stderr)")
    try FileManager.default.removeItem(at: folder.appendingPathComponent("deploy.spire"))
    let destroy = try Self.steeple("destroy", "--auto-approve", "--state", ".steeple/deploy", in: folder)
    #expect(destroy.status == 0, "\(destroy.stderr)")
    #expect(destroy.stderr.hasPrefix("note: the state in .steeple/deploy belongs to deploy.spire ("), "\(destroy.stderr)")
    #expect(destroy.stdout.contains("Destroy complete: "))
  }

  @Test("with --detailed-exitcode, usage errors exit 1, since 2 means changes", arguments: [
    ["plan", "--detailed-exitcode", "--no-such-option", "deploy.spire"],
    ["plan", "--detailed-exitcode", "missing.spire"],
    ["plan", "--detailed-exitcode"],
  ])
  func detailedExitcodeUsageErrors(_ arguments: [String]) throws {
    let result = try TestSupport.run("steeple", arguments, in: try D.workspace())
    #expect(result.status == 1, "\(result.stderr)")
  }
}
