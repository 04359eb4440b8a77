/// Draws a `TopologyGraph` as a Mermaid flowchart, which GitHub, GitLab and most Markdown viewers
/// render inside a ```` ```mermaid ```` block: boxes as `subgraph`s, nodes by shape, and edges as
/// `---` (attachment), `-->` (calls), `-.->` (admitted, attestation, SVIDs, the share) and `--x`
/// (denied, drawn red).
///
/// Labels are always quoted, with `"`, `#`, `&`, `<`, `>` and `|` written as Mermaid's `#…;` codes,
/// so no declared name can break the chart.
public enum MermaidRenderer {
  public static func render(_ graph: TopologyGraph) -> String {
    var out = "flowchart TB\n"
    for group in graph.groups { out += render(group, depth: 1) }
    for node in graph.nodes { out += indent(1) + render(node) + "\n" }
    var denied: [Int] = []
    for (index, edge) in graph.edges.enumerated() {
      let arrow: String
      switch edge.style {
      case .link: arrow = "---"
      case .call: arrow = "-->"
      case .dashed: arrow = "-.->"
      case .denied:
        arrow = "--x"
        denied.append(index)
      }
      out += indent(1) + "\(edge.from) \(arrow)|\"\(escape(edge.label))\"| \(edge.to)\n"
    }
    if !denied.isEmpty {
      out += indent(1) + "linkStyle " + denied.map(String.init).joined(separator: ",") + " stroke:#c0392b,color:#c0392b\n"
    }
    return out
  }

  /// Text as it goes between a label's quotes.
  public static func escape(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "#": out += "#35;"
      case "\"": out += "#quot;"
      case "&": out += "#amp;"
      case "<": out += "#lt;"
      case ">": out += "#gt;"
      case "|": out += "#124;"
      case "\n", "\r": out += " "
      default: out.append(character)
      }
    }
    return out
  }

  static func render(_ group: TopologyGraph.Group, depth: Int) -> String {
    var out = indent(depth) + "subgraph \(group.id) [\"\(escape(group.title))\"]\n"
    for node in group.nodes { out += indent(depth + 1) + render(node) + "\n" }
    for inner in group.groups { out += render(inner, depth: depth + 1) }
    return out + indent(depth) + "end\n"
  }

  static func render(_ node: TopologyGraph.Node) -> String {
    let label = "\"" + node.lines.map(escape).joined(separator: "<br/>") + "\""
    switch node.shape {
    case .box: return "\(node.id)[\(label)]"
    case .rounded: return "\(node.id)(\(label))"
    case .hexagon: return "\(node.id){{\(label)}}"
    case .cylinder: return "\(node.id)[(\(label))]"
    case .parallelogram: return "\(node.id)[/\(label)/]"
    case .circle: return "\(node.id)((\(label)))"
    }
  }

  static func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }
}
