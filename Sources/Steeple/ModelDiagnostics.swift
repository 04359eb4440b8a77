import Foundation

/// The model's checks, made to say where a problem came from.
///
/// A check points at the declaration it found wrong, which may be written inside a function or a
/// loop: the same text then made many declarations. Each error gets the call stack of the
/// declaration it is about (so it names the call that made it, in the script that made it, not
/// only the line in the function), and the same error made again at the same place by the same
/// calls (a loop) is said once, with how many more there were.
enum ModelDiagnostics {
  static func placed(_ diagnostics: [Diagnostic], in declarations: [Declaration]) -> [Diagnostic] {
    let stacked = withCallStacks(diagnostics, declarations)
    return folded(stacked)
  }

  /// Each diagnostic with the call stack of the declaration it points into. When several
  /// declarations were written there, those its summary says most about (`mentions`) are
  /// preferred; when they still differ, the diagnostics at that place are matched to them in order.
  static func withCallStacks(_ diagnostics: [Diagnostic], _ declarations: [Declaration]) -> [Diagnostic] {
    guard declarations.contains(where: { !$0.callStack.isEmpty }) else { return diagnostics }
    var seenAt: [String: Int] = [:]
    return diagnostics.map { diagnostic in
      guard diagnostic.stack.isEmpty, let range = diagnostic.range else { return diagnostic }
      var candidates = declarations.filter {
        $0.range.file === range.file && $0.range.start <= range.start && range.start <= $0.range.end
      }
      guard !candidates.isEmpty else { return diagnostic }
      let scores = candidates.map { mentions(diagnostic.summary, $0) }
      if let best = scores.max(), best > 0 { candidates = zip(candidates, scores).filter { $0.1 == best }.map(\.0) }
      var placed = diagnostic
      if candidates.allSatisfy({ sameStack($0.callStack, candidates[0].callStack) }) {
        placed.stack = candidates[0].callStack
      } else {
        let key = "\(diagnostic.code)|\(diagnostic.summary)|\(range.start)|\(range.end)|\(ObjectIdentifier(range.file))"
        let index = seenAt[key, default: 0]
        seenAt[key] = index + 1
        if index < candidates.count { placed.stack = candidates[index].callStack }
      }
      return placed
    }
  }

  /// The diagnostics with repeats (the same severity, code, summary and place, by the same calls)
  /// folded into the first, which says how many more there were.
  static func folded(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    var out: [Diagnostic] = []
    var firstIndex: [String: Int] = [:]
    var repeats: [Int: Int] = [:]
    for diagnostic in diagnostics {
      guard let range = diagnostic.range else {
        out.append(diagnostic)
        continue
      }
      let stack = diagnostic.stack.map { "\(ObjectIdentifier($0.range.file)):\($0.range.start)" }.joined(separator: ",")
      let key = [
        diagnostic.severity.rawValue, diagnostic.code, diagnostic.summary, diagnostic.detail ?? "",
        "\(ObjectIdentifier(range.file)):\(range.start):\(range.end)", stack,
      ].joined(separator: "|")
      if let index = firstIndex[key] {
        repeats[index, default: 0] += 1
      } else {
        firstIndex[key] = out.count
        out.append(diagnostic)
      }
    }
    for (index, count) in repeats {
      let what = out[index].stack.isEmpty ? "here" : "here, by the same calls"
      out[index].notes.append(Diagnostic.Note(
        "and \(count) more like it, made \(what) (in a loop, or by the same code run again)", at: nil))
    }
    return out
  }

  /// How much `summary` says about the declaration: 2 when it quotes its name, plus 1 for each of
  /// its string values and each declaration it refers to that it quotes (agents made by one
  /// function differ by their cluster, clusters on one gateway by their name).
  static func mentions(_ summary: String, _ declaration: Declaration) -> Int {
    func strings(_ value: ModelValue) -> [String] {
      switch value {
      case .string(let string): return [string]
      case .reference(let id): return [id.name]
      case .list(let items): return items.flatMap(strings)
      case .record(let fields): return fields.flatMap { strings($0.value) }
      default: return []
      }
    }
    func quoted(_ text: String) -> Bool { !text.isEmpty && (summary.contains("\"\(text)\"") || summary.contains("'\(text)'")) }
    let values = Set(declaration.fields.flatMap { strings($0.value) })
    return (quoted(declaration.name) ? 2 : 0) + values.filter(quoted).count
  }

  static func sameStack(_ a: [Diagnostic.StackFrame], _ b: [Diagnostic.StackFrame]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.range.file === $1.range.file && $0.range.start == $1.range.start }
  }
}
