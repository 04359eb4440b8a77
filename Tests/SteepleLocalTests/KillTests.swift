import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A process applying actions is killed with SIGKILL at an arbitrary moment: every action it ran is
/// in the state whole or not at all, and applying again finishes the work.
@Suite("kill -9 during apply")
struct KillTests {
  static let probeVariable = "STEEPLE_LOCAL_KILL_PROBE"

  /// Runs only inside the child process the test below starts: creates and deletes the tutorial's
  /// resources over and over until it is killed (or, bounded, after 200 rounds), writing a line to
  /// standard output after each action so the parent knows how far it got.
  @Test func killProbeChild() async throws {
    guard let directory = ProcessInfo.processInfo.environment[Self.probeVariable] else { return }
    let provider = try LocalProvider(stateDirectory: directory)
    let resources = Tutorial.resources()
    var actions = 0
    func done() {
      actions += 1
      FileHandle.standardOutput.write(Data("\(Self.progressMarker)\(actions)\n".utf8))
    }
    for _ in 0..<200 {
      for resource in resources {
        _ = try await provider.apply(.create(resource))
        done()
      }
      let observed = Dictionary(uniqueKeysWithValues: try await provider.observe().map { ($0.address, $0) })
      for resource in resources.reversed() {
        _ = try await provider.apply(.delete(observed[resource.address]!))
        done()
      }
    }
  }

  static let progressMarker = "kill-probe: actions done: "

  /// Reads what `child` prints until it reports `target` actions done, then kills it with SIGKILL;
  /// returns how many actions it reported and what it printed. All of it on a thread of its own,
  /// not on the tasks' shared threads: the whole suite keeps those busy with tests that block them,
  /// and a watcher waiting for one let the child finish all its rounds before the kill.
  static func killAfter(_ target: Int, _ child: Process, output: FileHandle) async -> (done: Int, printed: String) {
    await withCheckedContinuation { continuation in
      Thread.detachNewThread {
        var printed = ""
        var done = 0
        while done < target {
          let data = output.availableData
          if data.isEmpty { break }
          printed += String(decoding: data, as: UTF8.self)
          done = printed.split(separator: "\n").compactMap { line in
            line.hasPrefix(progressMarker) ? Int(line.dropFirst(progressMarker.count)) : nil
          }.last ?? 0
        }
        kill(child.processIdentifier, SIGKILL)
        continuation.resume(returning: (done, printed))
      }
    }
  }

  static func sqlite(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, sql]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Kills the child after `actionsBeforeKill` of its actions are done (it is in the middle of
  /// the next ones when the signal lands).
  @Test(arguments: [13, 37, 101])
  func aKilledApplyLeavesEveryActionWholeOrNotAtAll(actionsBeforeKill: Int) async throws {
    // sqlite3 is SQLite's own command-line shell (scripts/setup installs it): the state is checked
    // by a program other than ours.
    try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3"), "install sqlite3 (scripts/setup does)")
    let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let directory = try TemporaryDirectory.make("steeple-kill-").path + "/state"
    let child = Process()
    child.executableURL = URL(fileURLWithPath: executable)
    child.arguments = ["--testing-library", "swift-testing", "--filter", "killProbeChild"]
    child.environment = ProcessInfo.processInfo.environment.merging([Self.probeVariable: directory]) { $1 }
    let output = Pipe()
    child.standardOutput = output
    child.standardError = output
    try child.run()
    // Kill it once it has done enough; its end of output before that (it stopped) is a failure
    // that shows what it printed.
    let (done, printed) = await Self.killAfter(actionsBeforeKill, child, output: output.fileHandleForReading)
    child.waitUntilExit()
    try #require(done >= actionsBeforeKill, "the child stopped after \(done) actions:\n\(printed.suffix(4_000))")
    #expect(child.terminationReason == .uncaughtSignal)

    let path = directory + "/cloud.sqlite"
    // SQLite's own check, then the cloud's: service rows and managed resources agree.
    #expect(try Self.sqlite(path, "PRAGMA integrity_check") == "ok")
    let provider = try LocalProvider(stateDirectory: directory)
    let observed = try await provider.observe()
    let pairs: [(type: String, table: String)] = [
      ("aws.account", "account"), ("iam.role", "role"), ("ec2.transit_gateway", "transitGateway"),
      ("ram.resource_share", "resourceShare"), ("ec2.vpc", "vpc"), ("ec2.transit_gateway_attachment", "attachment"),
      ("ec2.route", "route"), ("eks.cluster", "cluster"), ("eks.nodegroup", "nodegroup"), ("eks.access", "access"),
    ]
    for (type, table) in pairs {
      let rows = try Self.sqlite(path, "SELECT COUNT(*) FROM \(table)")
      #expect(rows == String(observed.filter { $0.address.type == type }.count), "\(type) resources vs \(table) rows")
    }
    let pods = observed.filter { $0.address.type == "k8s.pod" }.count
    #expect(try Self.sqlite(path, "SELECT COUNT(*) FROM pod") == String(pods))

    // Applying again finishes the work: every resource, as a clean apply makes it.
    let resources = Tutorial.resources()
    for resource in resources { _ = try await provider.apply(.create(resource)) }
    let finished = try await provider.observe()
    let clean = try CloudFixture()
    try await clean.createAll(resources)
    let reference = try await clean.provider.observe()
    #expect(finished.map(\.address) == reference.map(\.address))
    #expect(finished.map(\.attributes) == reference.map(\.attributes))
    #expect(finished.map { $0.outputs.map(\.name) } == reference.map { $0.outputs.map(\.name) })
  }
}
