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
    if let best { return best.name }
    return habit(for: key, limit: limit, in: candidates)
  }

  /// Names other languages use for what Steeple calls something else, so that `sort` finds
  /// `sorted` and `lenght` (a typo of `length`) finds `len`. Only a target among the candidates
  /// is suggested.
  static let habits: [String: String] = [
    "length": "len", "size": "len", "count": "len", "sort": "sorted", "reverse": "reversed",
    "string": "str", "tostring": "str", "integer": "int", "parseint": "int", "parsefloat": "float",
    "typeof": "type", "println": "print", "puts": "print", "echo": "print", "push": "append",
    "add": "append", "concat": "extend", "indexof": "index_of", "strip": "trim", "uppercase": "upper",
    "lowercase": "lower", "toupper": "upper", "tolower": "lower", "includes": "contains", "has": "contains",
    "ljust": "pad_right", "rjust": "pad_left", "padstart": "pad_left", "padend": "pad_right",
    "zfill": "pad_left", "delete": "remove", "pop": "remove", "raise": "fail", "throw": "fail", "panic": "fail",
  ]

  private static let normalizedHabits: [(word: [Unicode.Scalar], target: String)] =
    habits.map { (normalized($0.key), $0.value) }.sorted { $0.target < $1.target }

  private static func habit(for key: [Unicode.Scalar], limit: Int, in candidates: some Sequence<String>) -> String? {
    guard key.count > 2 else { return nil }
    let allowed = max(limit, 1)
    var close: [(target: String, distance: Int)] = []
    for habit in normalizedHabits where abs(habit.word.count - key.count) <= allowed {
      let distance = editDistance(key, habit.word)
      if distance <= allowed { close.append((habit.target, distance)) }
    }
    guard !close.isEmpty else { return nil }
    let available = Set(candidates)
    return close.filter { available.contains($0.target) }.min { $0.distance < $1.distance }?.target
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
