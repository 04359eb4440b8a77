import Foundation
import SteepleTestSupport
import Testing

/// The forks of the tutorial in stdlib/examples, each checked, applied on the local provider and
/// verified: the tutorial's checks and the fork's own.
@Suite("the tutorial's forks")
struct TutorialForkTests {
  /// A fork, and what its own checks must show: the agent sets attested and the services holding
  /// their SVIDs.
  struct Fork: CustomTestStringConvertible, Sendable {
    var file: String
    var agents: [String]
    var services: [(name: String, id: String)]
    var testDescription: String { file }
  }

  static let forks = [
    Fork(file: "tracker.spire", agents: ["tracker-k8s-cluster"], services: [("vote-tracker", "tracker")]),
    Fork(file: "two-clusters.spire", agents: ["frontend-west-k8s-cluster"], services: [("yelb-ui-west", "frontend-west")]),
    Fork(
      file: "same-name-clusters.spire", agents: ["frontend-second", "backend-second"],
      services: [("yelb-ui-second", "frontend-second"), ("yelb-appserver-second", "yelbapp-second")]),
    Fork(
      file: "many-frontends.spire", agents: ["frontend-a-k8s-cluster", "frontend-b-k8s-cluster", "frontend-c-k8s-cluster"],
      services: [("yelb-ui-frontend-a", "frontend-a"), ("yelb-ui-frontend-b", "frontend-b"), ("yelb-ui-frontend-c", "frontend-c")]),
  ]

  @Test("each fork checks clean, applies, and verifies the tutorial's agents and SVIDs and its own", arguments: forks)
  func forkRunsAndVerifies(_ fork: Fork) throws {
    let file = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/\(fork.file)").path
    let check = try TestSupport.steeple("check", file)
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")

    let folder = try TemporaryDirectory.make("steeple-fork-run-")
    defer { TemporaryDirectory.remove(folder) }
    let run = try TestSupport.steeple(
      "run", "--auto-approve", "--state", folder.appendingPathComponent("state").path, file, in: folder)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    let td = "am-multi-account-mesh"
    for agents in ["frontend-k8s-cluster", "backend-k8s-cluster"] + fork.agents {
      #expect(run.stdout.contains("✓ verify attested \"\(td)/\(agents)\": 3 agents of \(td)/\(agents) attested"), "\(agents): \(run.stdout)")
    }
    let services = [("yelb-ui", "frontend"), ("yelb-appserver", "yelbapp"), ("yelb-db", "yelbdb"), ("redis-server", "redis")] + fork.services
    for (service, id) in services {
      #expect(run.stdout.contains("✓ verify svid \"\(td)/\(service)\": \(td)/\(service) (container envoy) holds spiffe://\(td)/\(id):"), "\(service): \(run.stdout)")
    }
    // The tutorial's handshakes hold in every fork: three calls by real mTLS, and yelb-ui refused by yelb-db.
    for (check, a, b) in [("mtls", "yelb-ui", "yelb-appserver"), ("mtls", "yelb-appserver", "yelb-db"), ("mtls", "yelb-appserver", "redis-server"), ("denied", "yelb-ui", "yelb-db")] {
      #expect(run.stdout.contains("✓ verify \(check) \"\(td)/\(a)\" -> \"\(td)/\(b)\""), "\(run.stdout)")
    }
    // Every check passed: as many passed as the run printed with a tick, and none failed.
    let passed = run.stdout.split(separator: "\n").filter { $0.hasPrefix("  ✓ verify") || $0.hasPrefix("✓ verify") }.count
    #expect(passed >= 6 + fork.agents.count + services.count)
    #expect(run.stdout.contains("Checks: \(passed) passed, 0 failed"), "\(run.stdout)")
  }
}
