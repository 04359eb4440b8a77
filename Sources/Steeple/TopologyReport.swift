/// The declared topology as text, as `steeple run` prints it after the script's own output.
///
/// ```
/// topology: 2 accounts, 1 cluster, 1 check
///   account "shared" { profile: "shared", region: "us-east-2" }
///   cluster "hub" in account "shared" { nodes: 3 }
///   verify mtls "a" -> "b"
/// ```
public enum TopologyReport {
  public static func render(_ declarations: [DeclarationRecord]) -> String {
    guard !declarations.isEmpty else { return "" }
    var counts: [(String, Int)] = []
    for kind in DeclarationKind.allCases {
      let count = declarations.filter { $0.kind == kind }.count
      guard count > 0 else { continue }
      let noun: String
      switch kind {
      case .account: noun = count == 1 ? "account" : "accounts"
      case .cluster: noun = count == 1 ? "cluster" : "clusters"
      case .mesh: noun = count == 1 ? "mesh" : "meshes"
      case .entry: noun = count == 1 ? "entry" : "entries"
      case .verify: noun = count == 1 ? "check" : "checks"
      }
      counts.append((noun, count))
    }
    var out = "topology: " + counts.map { "\($0.1) \($0.0)" }.joined(separator: ", ") + "\n"
    for declaration in declarations {
      out += "  " + line(declaration) + "\n"
    }
    return out
  }

  static func line(_ declaration: DeclarationRecord) -> String {
    var out = declaration.kind.rawValue
    if declaration.kind == .verify {
      out += " " + declaration.name
      if let subject = declaration.arguments.first { out += " " + subject.literal }
      if declaration.arguments.count > 1 { out += " -> " + declaration.arguments[1].literal }
    } else {
      out += " " + Value.quote(declaration.name)
    }
    if let parent = declaration.parent { out += " in " + parent.literal }
    if declaration.kind != .verify || declaration.fields.count > 0 {
      out += " " + (declaration.fields.count == 0 ? "{}" : Value.record(declaration.fields).literal)
    }
    return out
  }
}
