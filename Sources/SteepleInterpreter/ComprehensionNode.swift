import SteepleSyntax

/// `[element for x in sequence if condition]`, or `{ key: element for (k, v) in sequence if
/// condition }` when `key` is set. The sequence is iterated as `for` does (a list, a string, or
/// a record as pairs); the loop variables are variables of the running function, visible only
/// inside the comprehension.
final class ComprehensionNode: ExpressionNode {
  let slots: [Int]
  let sequence: ExpressionNode
  let condition: ExpressionNode?
  let key: ExpressionNode?
  let element: ExpressionNode

  init(slots: [Int], sequence: ExpressionNode, condition: ExpressionNode?, key: ExpressionNode?, element: ExpressionNode, range: SourceRange) {
    self.slots = slots
    self.sequence = sequence
    self.condition = condition
    self.key = key
    self.element = element
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let items = try self.items(try sequence.evaluate(c))
    var list: [Value] = []
    let record = key == nil ? nil : RecordObject()
    for item in items {
      try c.runtime.step(range)
      c.locals[slots[0]] = item.0
      if slots.count == 2 { c.locals[slots[1]] = item.1 }
      if let condition, !(try condition.test(c)) { continue }
      if let key, let record {
        let name = try key.evaluate(c)
        guard case .string(let text) = name else {
          throw Diagnostic(code: "type-mismatch", "a record comprehension's key must be a string, not \(name.typeName)",
            detail: "convert it with str(...) or interpolate: \"\\(k)\"", at: key.range)
        }
        record.set(text, try element.evaluate(c))
      } else {
        list.append(try element.evaluate(c))
      }
    }
    if let record { return .record(record) }
    return .list(ListObject(list))
  }

  /// What the loop variables take in turn: `(element, _)`, or `(key or index, value)` for pairs.
  private func items(_ value: Value) throws -> [(Value, Value)] {
    let pairs = slots.count == 2
    switch value {
    case .list(let list):
      return pairs ? list.elements.enumerated().map { (.int($0.offset), $0.element) } : list.elements.map { ($0, .nil) }
    case .record(let record):
      guard pairs else {
        throw Diagnostic(code: "type-mismatch", "a record is iterated as key-value pairs",
          detail: "write 'for (key, value) in record', or iterate over keys(record)", at: sequence.range)
      }
      return record.fields.map { (.string($0.0), $0.1) }
    case .string(let string):
      try Limits.charge(.characters(string.utf8.count), at: sequence.range)
      return pairs ? string.enumerated().map { (.int($0.offset), .string(String($0.element))) } : string.map { (.string(String($0)), .nil) }
    default:
      throw Diagnostic(code: "type-mismatch", "cannot iterate over \(value.typeName)",
        detail: "a comprehension iterates over a list, a string or a record; use range(n) to count", at: sequence.range)
    }
  }
}
