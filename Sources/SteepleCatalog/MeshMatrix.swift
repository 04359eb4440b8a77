/// One cell of `verify all`'s matrix: what one ordered pair of services did when tried.
public enum MeshCell: String, Sendable {
  case talks = "✓"
  case refused = "✗"
  case noCall = "·"
}

/// `verify all`'s matrix as every provider prints it: a header, then a row per caller, its cells
/// in the same order as the rows (the callees), observed beside declared.
public enum MeshMatrix {
  /// The matrix of `names` (`<trust domain>/<service>`); `observed[i][j]` is row `i` calling
  /// column `j`; `declared` holds the edges the policy declares, as `"A -> B"`.
  public static func text(_ names: [String], observed: [[MeshCell]], declared: Set<String>) -> String {
    let short = names.map { $0.split(separator: "/").last.map(String.init) ?? $0 }
    let width = short.map(\.count).max() ?? 0
    let columns = names.indices.map { String($0 + 1) }.joined(separator: " ")
    var lines = [
      "row calls column (✓ talks, ✗ refused, · no call):",
      "\(String(repeating: " ", count: width + 3))\(columns)   declared: \(columns)",
    ]
    for (i, from) in names.enumerated() {
      let seen = observed[i].map(\.rawValue).joined(separator: " ")
      let wanted = names.map { to in
        from == to ? MeshCell.noCall.rawValue : declared.contains("\(from) -> \(to)") ? MeshCell.talks.rawValue : MeshCell.refused.rawValue
      }.joined(separator: " ")
      let label = String("\(i + 1) \(short[i])".prefix(width + 3))
      lines.append("\(label)\(String(repeating: " ", count: width + 3 - label.count))\(seen)             \(wanted)")
    }
    return lines.joined(separator: "\n")
  }
}
