import Foundation
import SteepleTestSupport
import Testing

/// `steeple render` as a user runs it: its summary, the folder it writes, and its refusals.
@Suite("steeple render")
struct RenderCLITests {
  static let script = #"""
    print("hello")
    import "aws"
    let hub = account "hub" { profile: "hub", region: "us-east-2" }
    let spoke = account "spoke" { profile: "spoke", region: "us-east-2" }
    let tgw = aws.transit_gateway("tgw", owner: hub, share_with: [spoke], allow_external_principals: true)
    cluster "a" in hub { cidr: "10.10.0.0/16", network: tgw }
    cluster "b" in spoke { cidr: "10.20.0.0/16", network: tgw }
    """#

  static func workspace() throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-render-")
    try script.write(to: folder.appendingPathComponent("net.spire"), atomically: true, encoding: .utf8)
    return folder
  }

  @Test("writes the files and a summary on standard output; what the script prints goes to standard error")
  func summary() throws {
    let folder = try Self.workspace()
    defer { TemporaryDirectory.remove(folder) }
    let result = try TestSupport.steeple("render", "net.spire", "--provider", "aws", "--out", "out", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "hello\n")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("rendered ") == true && lines.first?.hasSuffix(" files into out/") == true)
    #expect(lines.contains("  cloudformation  4 stacks in 2 accounts (layers 0 to 2)"), "\(result.stdout)")
    #expect(lines.contains("  kubernetes      0 manifests for 0 clusters"))
    #expect(lines.contains("  commands        1 (registration entries and what no file makes; see out/README.md)"))
    #expect(!result.stdout.contains("App Mesh"), "no mesh, no word of App Mesh")
    let listed = try String(contentsOf: folder.appendingPathComponent("out/.steeple-render"), encoding: .utf8)
    #expect(listed.contains("cloudformation/hub/steeple-hub-0.yaml\n"))
    let readme = try String(contentsOf: folder.appendingPathComponent("out/README.md"), encoding: .utf8)
    #expect(readme.contains("aws ram accept-resource-share-invitation"))
  }

  @Test("refuses a folder it did not write, with what to do; --force writes into it and keeps its files")
  func refusesForeignFolder() throws {
    let folder = try Self.workspace()
    defer { TemporaryDirectory.remove(folder) }
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
    try "keep".write(to: folder.appendingPathComponent("out/mine.txt"), atomically: true, encoding: .utf8)
    let refused = try TestSupport.steeple("render", "net.spire", "--out", "out", in: folder)
    #expect(refused.status == 1)
    #expect(refused.stdout == "")
    #expect(
      refused.stderr
        == "hello\nsteeple: error: out is not empty and was not written by steeple render (it has mine.txt)\n"
        + "   = help: choose an empty or new folder for --out, or pass --force to write into this one (nothing else in it is removed)\n")
    let forced = try TestSupport.steeple("render", "net.spire", "--out", "out", "--force", in: folder)
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try String(contentsOf: folder.appendingPathComponent("out/mine.txt"), encoding: .utf8) == "keep")
  }

  @Test("a provider it cannot render for is a usage error")
  func unknownProvider() throws {
    let folder = try Self.workspace()
    defer { TemporaryDirectory.remove(folder) }
    let result = try TestSupport.steeple("render", "net.spire", "--provider", "local", "--out", "out", in: folder)
    #expect(result.status == 2)
    #expect(result.stderr.contains("--provider"), "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path))
  }
}
