import SteepleCatalog
import SteepleModel

/// The declared topology as text, as `steeple eval` prints it after the script's own output.
///
/// ```
/// topology: 2 accounts, 1 cluster, 1 check
///   account "shared" { profile: "shared", region: "us-east-2" }
///   cluster "hub" in account "shared" { nodes: 3 }
///   verify mtls "a" -> "b"
/// ```
///
/// Fields appear as written; a cluster's account is written after `in` and a check's subject and
/// peer as its operands, as in the script.
public enum TopologyReport {
  public static func render(_ topology: Topology) -> String {
    guard !topology.isEmpty else { return "" }
    var counts: [(kind: String, count: Int)] = []
    for declaration in topology.declarations {
      if let index = counts.firstIndex(where: { $0.kind == declaration.kind }) {
        counts[index].count += 1
      } else {
        counts.append((declaration.kind, 1))
      }
    }
    let order = Catalog.standard.kinds.map(\.kind)
    counts.sort { (order.firstIndex(of: $0.kind) ?? order.count) < (order.firstIndex(of: $1.kind) ?? order.count) }
    var out = "topology: " + counts.map { "\($0.count) \(noun($0.kind, $0.count))" }.joined(separator: ", ") + "\n"
    for declaration in topology.declarations {
      out += "  " + line(declaration) + "\n"
    }
    return out
  }

  /// `1 account`, `2 transit gateways`, `3 checks`, `1 agent set`.
  static func noun(_ kind: String, _ count: Int) -> String {
    let singular = kind == "verify" ? "check" : kind == "aws.cluster_access" ? "cluster access grant" : kind == "spire.agents" ? "agent set"
      : String(kind.split(separator: ".").last ?? Substring(kind)).replacing("_", with: " ")
    guard count != 1 else { return singular }
    if singular.hasSuffix("y") { return singular.dropLast() + "ies" }
    if singular.hasSuffix("sh") || singular.hasSuffix("s") { return singular + "es" }
    return singular + "s"
  }

  static func line(_ declaration: Declaration) -> String {
    var fields = declaration.fields
    func take(_ name: String) -> ModelValue? {
      guard let index = fields.firstIndex(where: { $0.name == name }) else { return nil }
      return fields.remove(at: index).value
    }
    var out = declaration.kind
    switch declaration.kind {
    case "verify":
      out += " " + declaration.name
      if let subject = take("subject") { out += " \(subject)" }
      if let peer = take("peer") { out += " -> \(peer)" }
      return fields.isEmpty ? out : out + " " + ModelValue.record(fields).description
    case "cluster":
      out += " \(ModelValue.string(declaration.name))"
      if let account = take("account") { out += " in \(account)" }
    default:
      out += " \(ModelValue.string(declaration.name))"
    }
    return out + " " + ModelValue.record(fields).description
  }
}
