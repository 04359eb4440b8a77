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
    var built: [Value] = []
    let builtRecord = key == nil ? nil : RecordObject()
    let pairs = slots.count == 2
    switch try sequence.evaluate(c) {
    case .list(let source):
      // A snapshot, as for a `for` loop.
      let elements = source.elements
      for (index, item) in elements.enumerated() {
        try add(pairs ? .int(index) : item, item, to: &built, builtRecord, c)
      }
    case .record(let source):
      guard pairs else {
        throw Diagnostic(code: "type-mismatch", "a record is iterated as key-value pairs",
          detail: "write 'for (key, value) in record', or iterate over keys(record)", at: sequence.range)
      }
      for (name, value) in source.fields { try add(.string(name), value, to: &built, builtRecord, c) }
    case .string(let string):
      try Limits.charge(.characters(string.utf8.count), at: sequence.range)
      for (index, scalar) in string.unicodeScalars.enumerated() {
        let text = Value.string(String(scalar))
        try add(pairs ? .int(index) : text, text, to: &built, builtRecord, c)
      }
    case let other:
      throw Diagnostic(code: "type-mismatch", "cannot iterate over \(other.typeName)",
        detail: "a comprehension iterates over a list, a string or a record; use range(n) to count", at: sequence.range)
    }
    if let builtRecord { return .record(builtRecord) }
    return .list(ListObject(built))
  }

  /// One turn: binds the loop variables (`first` alone, or `first` and `second` for pairs),
  /// tests the condition, and adds the element to the list, or to the record under its key.
  private func add(_ first: Value, _ second: Value, to list: inout [Value], _ record: RecordObject?, _ c: Context) throws {
    try c.runtime.step(range)
    c.locals[slots[0]] = first
    if slots.count == 2 { c.locals[slots[1]] = second }
    if let condition, !(try condition.test(c)) { return }
    guard let record, let key else {
      list.append(try element.evaluate(c))
      return
    }
    let name = try key.evaluate(c)
    guard case .string(let text) = name else {
      throw Diagnostic(code: "type-mismatch", "a record comprehension's key must be a string, not \(name.typeName)",
        detail: "convert it with str(...) or interpolate: \"\\(k)\"", at: key.range)
    }
    record.set(text, try element.evaluate(c))
  }
}
