import Foundation
import SteepleTestSupport
import Testing

/// The tutorial library as a user meets it: imported from a folder of their own, checked, and
/// applied to the local cloud.
@Suite("the tutorial library")
struct TutorialCLITests {
  static let tutorial = TestSupport.packageRoot.appendingPathComponent("stdlib/tutorial/multi-account.spire").path

  @Test("import \"tutorial/multi-account\" as t works from any folder")
  func importFromAnyFolder() throws {
    let folder = try TemporaryDirectory.make("steeple-fork-")
    defer { TemporaryDirectory.remove(folder) }
    try #"""
      import "tutorial/multi-account" as t
      print(t.region, t.td.id, t.hub.name, t.front.agents.name, t.back.alias.name)
      """#.write(to: folder.appendingPathComponent("fork.spire"), atomically: true, encoding: .utf8)
    let eval = try TestSupport.steeple("eval", "fork.spire", in: folder)
    #expect(eval.status == 0, "\(eval.stderr)")
    #expect(eval.stderr.isEmpty)
    #expect(
      eval.stdout.hasPrefix(
        "us-east-2 spiffe://am-multi-account-mesh eks-cluster-shared frontend-k8s-cluster spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-back\n"
      ))
  }

  @Test("steeple check finds nothing; plan and apply on the local provider, then no changes")
  func checkPlanApply() throws {
    let check = try TestSupport.steeple("check", Self.tutorial)
    #expect(check.status == 0 && check.stderr.isEmpty, "\(check.stderr)")
    #expect(check.stdout == "no errors in 1 file\n")

    let folder = try TemporaryDirectory.make("steeple-tutorial-")
    defer { TemporaryDirectory.remove(folder) }
    let state = folder.appendingPathComponent("state").path
    let apply = try TestSupport.steeple("apply", "--auto-approve", "--state", state, Self.tutorial, in: folder)
    #expect(apply.status == 0, "\(apply.stderr)")
    #expect(apply.stdout.contains("Apply complete:"), "\(apply.stdout)")
    let plan = try TestSupport.steeple("plan", "--detailed-exitcode", "--state", state, Self.tutorial, in: folder)
    #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
    #expect(plan.stdout.contains("No changes."))
  }

  @Test("steeple run applies the tutorial and verifies its agents and SVIDs; a second run changes nothing")
  func runVerifies() throws {
    let folder = try TemporaryDirectory.make("steeple-tutorial-run-")
    defer { TemporaryDirectory.remove(folder) }
    let state = folder.appendingPathComponent("state").path
    let run = try TestSupport.steeple("run", "--auto-approve", "--state", state, Self.tutorial, in: folder)
    #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    let td = "am-multi-account-mesh"
    for agents in ["frontend-k8s-cluster", "backend-k8s-cluster"] {
      #expect(run.stdout.contains("✓ verify attested \"\(td)/\(agents)\": 3 agents of \(td)/\(agents) attested"), "\(run.stdout)")
    }
    for (service, id) in [("yelb-ui", "frontend"), ("yelb-appserver", "yelbapp"), ("yelb-db", "yelbdb"), ("redis-server", "redis")] {
      #expect(run.stdout.contains("✓ verify svid \"\(td)/\(service)\": \(td)/\(service) (container envoy) holds spiffe://\(td)/\(id):"), "\(run.stdout)")
    }
    for (check, a, b) in [("mtls", "yelb-ui", "yelb-appserver"), ("mtls", "yelb-appserver", "yelb-db"), ("mtls", "yelb-appserver", "redis-server"), ("denied", "yelb-ui", "yelb-db")] {
      #expect(run.stdout.contains("✓ verify \(check) \"\(td)/\(a)\" -> \"\(td)/\(b)\""), "\(run.stdout)")
    }
    // The final matrix: observed beside declared, one row per caller (yelb-appserver calls yelb-db and redis-server).
    #expect(run.stdout.contains("✓ verify all (4 services): 12 ordered pairs of 4 services agree with the policy\n"), "\(run.stdout)")
    #expect(run.stdout.contains("      3 yelb-appserver ✓ ✓ · ✓             ✓ ✓ · ✓\n"), "\(run.stdout)")
    #expect(run.stdout.contains("Checks: 11 passed, 0 failed"), "\(run.stdout)")

    let again = try TestSupport.steeple("run", "--auto-approve", "--state", state, Self.tutorial, in: folder)
    #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
    #expect(again.stdout.contains("No changes."), "\(again.stdout)")
    #expect(again.stdout.contains("Checks: 11 passed, 0 failed"), "\(again.stdout)")
  }

  @Test("steeple doc yelb shows the module's comment once, and its function")
  func yelbDoc() throws {
    let doc = try TestSupport.steeple("doc", "yelb")
    #expect(doc.status == 0, "\(doc.stderr)")
    #expect(doc.stdout.hasPrefix("Module yelb (") && doc.stdout.contains("stdlib/yelb.spire):\n"), "\(doc.stdout)")
    #expect(doc.stdout.components(separatedBy: "yelb: the Yelb demo app").count == 2, "the comment is shown once: \(doc.stdout)")
    #expect(doc.stdout.contains("yelb.deploy(frontend, backend, namespace = \"yelb\", proxy = \"envoy\")"))
  }
}
