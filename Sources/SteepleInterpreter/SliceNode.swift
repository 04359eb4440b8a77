import SteepleSyntax

/// `xs[lower:upper]` and `s[lower:upper]`: a new list, or a new string of the Unicode scalars, from
/// `lower` up to but not including `upper`. A bound left out (or `nil`) is the start or the end;
/// a negative bound counts from the end; bounds past either end are clamped, as in Python, so a
/// slice is never out of range.
final class SliceNode: ExpressionNode {
  let object: ExpressionNode
  let lower: ExpressionNode?
  let upper: ExpressionNode?

  init(object: ExpressionNode, lower: ExpressionNode?, upper: ExpressionNode?, range: SourceRange) {
    self.object = object
    self.lower = lower
    self.upper = upper
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let container = try object.evaluate(c)
    let start = try bound(lower, c)
    let end = try bound(upper, c)
    switch container {
    case .list(let list):
      let (from, to) = Self.clamp(start, end, count: list.elements.count)
      try Limits.charge(.elements(to - from), at: range)
      return .list(ListObject(Array(list.elements[from..<to])))
    case .string(let string):
      try Limits.charge(.characters(string.utf8.count), at: range)
      let (from, to) = Self.clamp(start, end, count: ScalarText.count(string))
      return .string(ScalarText.slice(string, from..<to))
    default:
      throw Diagnostic(code: "type-mismatch", "cannot slice \(container.typeName)",
        detail: "'[start:end]' slices lists and strings", at: range)
    }
  }

  private func bound(_ node: ExpressionNode?, _ c: Context) throws -> Int? {
    guard let node else { return nil }
    switch try node.evaluate(c) {
    case .int(let value): return value
    case .nil: return nil
    case let other:
      throw Diagnostic(code: "type-mismatch", "a slice bound must be an int, not \(other.typeName)",
        detail: "write whole numbers, such as xs[1:3], or leave a bound out: xs[:3]", at: node.range)
    }
  }

  /// The bounds as positions in `0...count`, with `from <= to`.
  static func clamp(_ start: Int?, _ end: Int?, count: Int) -> (Int, Int) {
    func position(_ bound: Int?, _ omitted: Int) -> Int {
      guard let bound else { return omitted }
      let counted = bound < 0 ? count + max(bound, -count) : bound
      return min(max(counted, 0), count)
    }
    let from = position(start, 0)
    return (from, max(from, position(end, count)))
  }
}
