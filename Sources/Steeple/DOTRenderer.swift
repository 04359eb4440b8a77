/// Draws a `TopologyGraph` in Graphviz's DOT language (`steeple graph --format dot | dot -Tsvg`):
/// boxes as `cluster_` subgraphs, nodes by shape, attachments without arrowheads, dashed arrows for
/// what is admitted but not called, attestation, SVIDs and the share, and red arrows ending in a
/// bar for what the policy denies.
///
/// Every identifier and label is a quoted string with `\` and `"` escaped, so no declared name can
/// break the file.
public enum DOTRenderer {
  public static func render(_ graph: TopologyGraph) -> String {
    var out = "digraph steeple {\n"
    out += "  rankdir=TB;\n  fontname=\"Helvetica\";\n"
    out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
    for group in graph.groups { out += render(group, depth: 1) }
    for node in graph.nodes { out += "  " + render(node) + "\n" }
    for edge in graph.edges {
      var attributes = ["label=\(quote(edge.label))"]
      switch edge.style {
      case .link: attributes.append("dir=none")
      case .call: break
      case .dashed: attributes.append("style=dashed")
      case .denied: attributes += ["color=\"#c0392b\"", "fontcolor=\"#c0392b\"", "arrowhead=tee"]
      }
      out += "  \(quote(edge.from)) -> \(quote(edge.to)) [\(attributes.joined(separator: ", "))];\n"
    }
    return out + "}\n"
  }

  /// A DOT quoted string: `\` and `"` escaped, line breaks as DOT's `\n`.
  public static func quote(_ text: String) -> String {
    var out = "\""
    for character in text {
      switch character {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n", "\r": out += "\\n"
      default: out.append(character)
      }
    }
    return out + "\""
  }

  static func render(_ group: TopologyGraph.Group, depth: Int) -> String {
    let indent = String(repeating: "  ", count: depth)
    var out = indent + "subgraph \(quote("cluster_" + group.id)) {\n"
    out += indent + "  label=\(quote(group.title));\n"
    for node in group.nodes { out += indent + "  " + render(node) + "\n" }
    for inner in group.groups { out += render(inner, depth: depth + 1) }
    return out + indent + "}\n"
  }

  static func render(_ node: TopologyGraph.Node) -> String {
    let label = node.lines.map { String(quote($0).dropFirst().dropLast()) }.joined(separator: "\\n")
    let shape: String
    switch node.shape {
    case .box: shape = "shape=box"
    case .rounded: shape = "shape=box, style=rounded"
    case .hexagon: shape = "shape=hexagon"
    case .cylinder: shape = "shape=cylinder"
    case .parallelogram: shape = "shape=parallelogram"
    case .circle: shape = "shape=circle"
    }
    return "\(quote(node.id)) [label=\"\(label)\", \(shape)];"
  }
}
