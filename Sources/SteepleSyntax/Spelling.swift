/// "Did you mean": the candidate closest to a misspelled name.
public enum Spelling {
  /// The closest candidate, if it is close enough to be a likely typo: an edit distance of at most a
  /// third of the name's length (at least 1, at most 3), ignoring case and underscores. Names of one
  /// or two letters are too short to tell a typo from another name: they match only when they
  /// differ in case or underscores alone.
  public static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
    let key = normalized(name)
    let limit = key.count <= 2 ? 0 : min(3, max(1, (key.count + 1) / 3))
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
      let distance = editDistance(key, normalized(candidate))
      if distance <= limit, distance < (best?.distance ?? Int.max) {
        best = (candidate, distance)
      }
    }
    return best?.name
  }

  private static func normalized(_ name: String) -> [Unicode.Scalar] {
    name.lowercased().unicodeScalars.filter { $0 != "_" }
  }

  /// Levenshtein distance, with a transposition of neighbours counted as one edit.
  static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous2 = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
          value = min(value, previous2[j - 2] + 1)
        }
        current[j] = value
      }
      (previous2, previous, current) = (previous, current, previous2)
    }
    return previous[b.count]
  }
}
