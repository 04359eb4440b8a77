/// Counters read from an Envoy admin endpoint's `/stats` (plain text, one `name: value` a line).
/// Lines whose value is not a whole number (histograms) are skipped.
struct EnvoyCounters: Hashable, Sendable {
  var values: [String: UInt64]

  init(_ values: [String: UInt64] = [:]) { self.values = values }

  init(parsing text: String) {
    var values: [String: UInt64] = [:]
    for line in text.split(whereSeparator: \.isNewline) {
      guard let colon = line.lastIndex(of: ":") else { continue }
      let name = line[..<colon].filter { $0 != " " }
      guard !name.isEmpty, let value = UInt64(line[line.index(after: colon)...].filter { $0 != " " }) else { continue }
      values[String(name)] = value
    }
    self.values = values
  }

  /// The counters that grew since `earlier`, by how much.
  func moved(since earlier: EnvoyCounters) -> [String: UInt64] {
    var moved: [String: UInt64] = [:]
    for (name, value) in values where value > earlier.values[name, default: 0] { moved[name] = value - earlier.values[name, default: 0] }
    return moved
  }

  /// `name +n, ...` in name order, `none` when nothing moved.
  static func describe(_ moved: [String: UInt64]) -> String {
    moved.isEmpty ? "none" : moved.sorted { $0.key < $1.key }.map { "\($0.key) +\($0.value)" }.joined(separator: ", ")
  }

  /// The admin endpoint's `filter` for the statistics under `prefix` (an RE2 expression).
  static func filter(under prefix: String) -> String {
    "^" + prefix.replacingDots + "\\."
  }
}

extension String {
  fileprivate var replacingDots: String { split(separator: ".", omittingEmptySubsequences: false).joined(separator: "\\.") }
}
