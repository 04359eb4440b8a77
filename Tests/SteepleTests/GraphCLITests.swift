import Foundation
import Steeple
import SteepleTestSupport
import Testing

/// `steeple graph` as a user runs it: its formats, its errors, and a DOT file Graphviz accepts.
@Suite("steeple graph")
struct GraphCLITests {
  static let tutorial = TestSupport.packageRoot.appendingPathComponent("stdlib/tutorial/multi-account.spire").path

  /// Whether Graphviz's `dot` is on PATH (`scripts/setup` installs the Debian package graphviz).
  static let hasDot = ExternalTool.succeeds(["dot", "-V"])

  @Test("the tutorial's DOT parses: Graphviz renders it to SVG", .enabled(if: hasDot, "Graphviz's dot is not installed: run scripts/setup"))
  func dotRendersToSVG() throws {
    let folder = try TemporaryDirectory.make("steeple-graph-")
    defer { TemporaryDirectory.remove(folder) }
    let graph = try TestSupport.steeple("graph", "--format", "dot", Self.tutorial, in: folder)
    #expect(graph.status == 0, "\(graph.stderr)")
    try graph.stdout.write(to: folder.appendingPathComponent("tutorial.dot"), atomically: true, encoding: .utf8)
    let rendered = try ExternalTool.run(["dot", "-Tsvg", "-o", "tutorial.svg", "tutorial.dot"], in: folder)
    #expect(rendered.status == 0, "dot refused the file: \(rendered.errors)")
    #expect(rendered.errors.isEmpty, "dot warned: \(rendered.errors)")
    let svg = try String(contentsOf: folder.appendingPathComponent("tutorial.svg"), encoding: .utf8)
    #expect(svg.contains("<svg"))
    #expect(svg.contains("eks&#45;cluster&#45;frontend") || svg.contains("eks-cluster-frontend"))
  }

  /// Every shape, nested boxes, every edge style and labels with DOT's special characters: what
  /// the tutorial does not draw (a call the policy refuses, a box inside a box inside a box) must
  /// parse too.
  @Test("every shape and edge style, and labels with quotes and backslashes, parse in Graphviz", .enabled(if: hasDot, "Graphviz's dot is not installed: run scripts/setup"))
  func everyConstructParses() throws {
    let tricky = #"say "hi" \ {x} <y> | z; # & é"#
    let shapes: [TopologyGraph.Shape] = [.box, .rounded, .hexagon, .cylinder, .parallelogram, .circle]
    let nodes = shapes.enumerated().map { TopologyGraph.Node(id: "n\($0.offset)", lines: [tricky, "second line"], shape: $0.element) }
    let inner = TopologyGraph.Group(id: "inner", title: tricky, nodes: Array(nodes[2...]))
    let outer = TopologyGraph.Group(id: "outer", title: "outer", nodes: [nodes[1]], groups: [inner])
    let styles: [TopologyGraph.EdgeStyle] = [.link, .call, .dashed, .denied]
    let edges = styles.enumerated().map { TopologyGraph.Edge(from: "n0", to: "n\($0.offset + 2)", label: tricky, style: $0.element) }
    let graph = TopologyGraph(groups: [outer], nodes: [nodes[0]], edges: edges)

    let folder = try TemporaryDirectory.make("steeple-graph-")
    defer { TemporaryDirectory.remove(folder) }
    try DOTRenderer.render(graph).write(to: folder.appendingPathComponent("all.dot"), atomically: true, encoding: .utf8)
    let rendered = try ExternalTool.run(["dot", "-Tsvg", "-o", "all.svg", "all.dot"], in: folder)
    #expect(rendered.status == 0 && rendered.errors.isEmpty, "dot: \(rendered.errors)")
    let svg = try String(contentsOf: folder.appendingPathComponent("all.svg"), encoding: .utf8)
    #expect(svg.contains("say &quot;hi&quot; \\ {x} &lt;y&gt; | z; # &amp; é"), "the label arrives whole: \(svg)")
  }

  /// Outside CI a machine without Graphviz skips the test above; CI must have it.
  @Test("CI has Graphviz's dot")
  func dotInCI() {
    guard ProcessInfo.processInfo.environment["CI"] != nil else { return }
    #expect(Self.hasDot, "CI must run the DOT test: scripts/setup installs graphviz")
  }

  @Test("Mermaid by default, on standard output alone; what the script prints goes to standard error")
  func mermaidByDefault() throws {
    let folder = try TemporaryDirectory.make("steeple-graph-")
    defer { TemporaryDirectory.remove(folder) }
    try #"""
      print("hello")
      let home = account "home" { region: "us-east-2" }
      cluster "c" in home { cidr: "10.0.0.0/16" }
      """#.write(to: folder.appendingPathComponent("small.spire"), atomically: true, encoding: .utf8)
    let graph = try TestSupport.steeple("graph", "small.spire", in: folder)
    #expect(graph.status == 0)
    #expect(graph.stderr == "hello\n")
    #expect(
      graph.stdout == """
        flowchart TB
          subgraph account_home ["account home · us-east-2"]
            subgraph cluster_c ["cluster c"]
              vpc_c["VPC 10.0.0.0/16"]
            end
          end

        """)
  }

  @Test("errors are reported at the script's line; a bad format or a missing file is a usage error")
  func errors() throws {
    let folder = try TemporaryDirectory.make("steeple-graph-")
    defer { TemporaryDirectory.remove(folder) }
    try "let home = account \"home\" { region: \"us-east-2\" }\ncluster \"c\" in home { cidr: \"10.0.0.0/33\" }\n"
      .write(to: folder.appendingPathComponent("bad.spire"), atomically: true, encoding: .utf8)
    let bad = try TestSupport.steeple("graph", "bad.spire", in: folder)
    #expect(bad.status == 1)
    #expect(bad.stdout.isEmpty)
    #expect(bad.stderr.hasPrefix("bad.spire:2:"), "\(bad.stderr)")

    let format = try TestSupport.steeple("graph", "--format", "svg", "bad.spire", in: folder)
    #expect(format.status == 2)
    #expect(format.stderr.contains("mermaid") && format.stderr.contains("dot"), "\(format.stderr)")

    let missing = try TestSupport.steeple("graph", "nowhere.spire", in: folder)
    #expect(missing.status == 2)
  }

  @Test("help says what it draws and how to render it")
  func help() throws {
    let help = try TestSupport.steeple("graph", "--help")
    #expect(help.status == 0)
    #expect(help.stdout.contains("--format <format>"))
    #expect(help.stdout.contains("dot -Tsvg"))
  }
}
