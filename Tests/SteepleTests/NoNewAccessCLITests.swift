import Foundation
import SteepleTestSupport
import Testing

/// `steeple plan`'s authorization section and `--no-new-access` on the command line. A script
/// with a mesh needs the mesh's lowering; here a script without one shows the JSON shape, the
/// flag's exit statuses and its help.
@Suite("plan --no-new-access")
struct NoNewAccessCLITests {
  @Test("a plan that grants no edge passes the gate; --detailed-exitcode still counts its resource changes")
  func noEdges() throws {
    let folder = try DeployCLITests.workspace()
    defer { TemporaryDirectory.remove(folder) }
    let gated = try TestSupport.steeple("plan", "--no-new-access", "deploy.spire", in: folder)
    #expect(gated.status == 0, "\(gated.stderr)")
    #expect(gated.stdout == (try TestSupport.fixtureText("deploy-plan.expected")), "no mesh, no section:\n\(gated.stdout)")
    let detailed = try TestSupport.steeple("plan", "--no-new-access", "--detailed-exitcode", "deploy.spire", in: folder)
    #expect(detailed.status == 2, "\(detailed.stderr)")
  }

  @Test("plan --json carries the authorization section, the same shape with nothing in it")
  func json() throws {
    let folder = try DeployCLITests.workspace()
    defer { TemporaryDirectory.remove(folder) }
    let result = try TestSupport.steeple("plan", "--json", "deploy.spire", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let authorization = try #require(document["authorization"] as? [String: Any])
    #expect(authorization["changes"] as? Bool == false)
    #expect(authorization["summary"] as? [String: Int] == ["gained": 0, "gained_cross_account": 0, "lost": 0, "unchanged": 0])
    #expect((authorization["gained"] as? [Any])?.isEmpty == true && (authorization["lost"] as? [Any])?.isEmpty == true)
  }

  @Test("plan --help explains the section and the gate")
  func help() throws {
    let result = try TestSupport.steeple("plan", "--help")
    #expect(result.status == 0)
    let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(text.contains("--no-new-access Exit 1, naming each, when the plan would let a service reach one it cannot reach now."), "\(text)")
    #expect(text.contains("who may talk to whom"))
    #expect(text.contains("as IAM Access Analyzer's CheckNoNewAccess is for IAM"))
  }
}
