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
  /// declarations were written there, those whose name or a string field's value its summary
  /// quotes are preferred; when they still differ, the diagnostics at that place are matched to
  /// them in order.
  static func withCallStacks(_ diagnostics: [Diagnostic], _ declarations: [Declaration]) -> [Diagnostic] {
    guard declarations.contains(where: { !$0.callStack.isEmpty }) else { return diagnostics }
    var seenAt: [String: Int] = [:]
    return diagnostics.map { diagnostic in
      guard diagnostic.stack.isEmpty, let range = diagnostic.range else { return diagnostic }
      var candidates = declarations.filter {
        $0.range.file === range.file && $0.range.start <= range.start && range.start <= $0.range.end
      }
      guard !candidates.isEmpty else { return diagnostic }
      let named = candidates.filter { mentions(diagnostic.summary, $0) }
      if !named.isEmpty { candidates = named }
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

  /// Whether `summary` quotes the declaration's name or one of its string values.
  static func mentions(_ summary: String, _ declaration: Declaration) -> Bool {
    func strings(_ value: ModelValue) -> [String] {
      switch value {
      case .string(let string): return [string]
      case .list(let items): return items.flatMap(strings)
      case .record(let fields): return fields.flatMap { strings($0.value) }
      default: return []
      }
    }
    let texts = [declaration.name] + declaration.fields.flatMap { strings($0.value) }
    return texts.contains { !$0.isEmpty && (summary.contains("\"\($0)\"") || summary.contains("'\($0)'")) }
  }

  static func sameStack(_ a: [Diagnostic.StackFrame], _ b: [Diagnostic.StackFrame]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.range.file === $1.range.file && $0.range.start == $1.range.start }
  }
}
