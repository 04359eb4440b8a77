import Foundation
import SteepleAWS
import SteepleEngine
import SteepleTestSupport
import Testing

/// `--print-commands`: the runbook as a shell script that bash accepts, in the order apply runs.
@Suite struct RunbookTests {
  static func script(_ runbook: Runbook) -> String {
    RunbookScript.text(runbook, renderedFolder: "/srv/steeple/rendered", heading: ["steeple apply fixture.spire --provider aws"])
  }

  @Test func theApplyRunbookIsTheGoldenScriptAndBashParsesIt() throws {
    let text = Self.script(try Runbook.apply(DriveFixture.rendering, resources: DriveFixture.resources))
    #expect(text == (try DriveFixture.golden("hand-built-runbook.sh", updatingTo: text)), "script:\n\(text)")
    try Self.expectBashParses(text)
  }

  @Test func stacksOfOneLayerRunInParallelAndEveryParameterIsCapturedBeforeItsDeploy() throws {
    var rendering = DriveFixture.rendering
    rendering.stacks.append(
      RenderedStack(
        name: "steeple-backend-network", access: DriveFixture.frontend, layer: 1, templatePath: "cloudformation/backend-network.yaml",
        parameters: [StackParameter(name: "TransitGatewayId", fromStack: "steeple-shared-network", output: "TgwTransitGatewayId")]))
    let text = Self.script(try Runbook.apply(rendering, resources: DriveFixture.resources))
    try Self.expectBashParses(text)
    let lines = text.split(separator: "\n").map(String.init)
    let parallel = try #require(lines.firstIndex { $0.contains("stacks of layer 1, independent of one another: deployed in parallel") })
    let capture = try #require(lines.firstIndex { $0.hasPrefix("STEEPLE_SHARED_NETWORK_TGWTRANSITGATEWAYID=\"$(aws cloudformation describe-stacks") })
    let deploy = try #require(lines.firstIndex { $0.contains("deploy --stack-name steeple-backend-network") })
    #expect(capture < parallel && parallel < deploy)
    #expect(lines[deploy].contains("--parameter-overrides \"TransitGatewayId=${STEEPLE_SHARED_NETWORK_TGWTRANSITGATEWAYID}\""))
    #expect(lines.contains("for pid in \"${pids[@]}\"; do wait \"$pid\"; done"))
  }

  @Test func theDestroyRunbookDeletesManifestsThenStacksLastLayerFirst() throws {
    let text = Self.script(Runbook.destroy(DriveFixture.rendering, resources: DriveFixture.resources))
    try Self.expectBashParses(text)
    let deletes = text.split(separator: "\n").filter { $0.contains("delete-stack") || $0.contains(" delete ") }
    #expect(deletes.count == 5, "two manifests, three stacks")
    #expect(deletes.first?.contains("kubectl") == true)
    #expect(deletes.last?.contains("steeple-shared-network") == true)
  }

  @Test func wordsThatTheShellWouldSplitOrExpandAreQuoted() {
    #expect(ShellWord("Stacks[0].Outputs[?OutputKey=='A'].OutputValue").shellText == #"'Stacks[0].Outputs[?OutputKey=='\''A'\''].OutputValue'"#)
    #expect(ShellWord("us-east-2").shellText == "us-east-2")
    #expect(ShellWord(parts: [.text("Id=$x \"q\""), .variable("V")]).shellText == #""Id=\$x \"q\"${V}""#)
    #expect(ShellWord("").shellText == "''")
  }

  /// `bash -n`: the script parses.
  static func expectBashParses(_ text: String) throws {
    let folder = try TemporaryDirectory.make("steeple-runbook-")
    let file = folder.appendingPathComponent("runbook.sh")
    try Data(text.utf8).write(to: file)
    let outcome = try ExternalTool.run(["bash", "-n", file.path], in: folder)
    #expect(outcome.status == 0, "bash -n: \(outcome.errors)")
  }
}
