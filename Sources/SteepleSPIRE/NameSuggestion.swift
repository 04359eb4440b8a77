/// "Did you mean" over the names the embedded SPIRE and the mesh know (agent sets, services,
/// SPIFFE IDs): the closest name within a small edit distance.
public enum NameSuggestion {
  /// The candidate closest to `name` within `max(2, name.count / 3)` edits, ties broken by name;
  /// `nil` when none is that close.
  public static func closest(to name: String, in candidates: [String]) -> String? {
    let limit = max(2, name.count / 3)
    return candidates.map { ($0, distance(name, $0)) }.filter { $0.1 <= limit }.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
  }

  /// The Levenshtein distance: single-character insertions, deletions and substitutions from `a` to `b`.
  public static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var row = [i] + Array(repeating: 0, count: b.count)
      for j in 1...b.count {
        row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = row
    }
    return previous[b.count]
  }
}
