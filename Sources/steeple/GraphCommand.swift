import ArgumentParser
import Steeple

struct GraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph",
    abstract: "Draw the topology a script declares, as Mermaid or Graphviz DOT.",
    discussion: """
      Evaluates and checks the script, touching no provider and no state, and prints the picture \
      of what it declares: organizations and accounts holding their clusters, each transit \
      gateway with its attachments and RAM share, the SPIRE server and the agent sets with their \
      attestation, the SVIDs entries issue to workloads, and the mesh's services with who may \
      call whom (solid: calls it; dashed: admitted, not called; crossed: denied). What the script \
      prints goes to standard error, so standard output is the picture alone.

      Mermaid renders inside a ```mermaid block on GitHub and in most Markdown viewers; DOT \
      renders with Graphviz: steeple graph FILE --format dot | dot -Tsvg > topology.svg
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to draw; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @Option(name: .customLong("format"), help: "mermaid (for Markdown) or dot (for Graphviz).")
  var format: GraphFormat = .mermaid

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    let topology = try ScriptLoader.evaluate(file, options: options, quiet: true)
    let graph = TopologyGraph(topology: topology, resources: DesiredState.resources(for: topology))
    switch format {
    case .mermaid: try writeOutput(MermaidRenderer.render(graph))
    case .dot: try writeOutput(DOTRenderer.render(graph))
    }
    finishWithoutTeardown()
  }
}

enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
  case mermaid, dot
}
