import SteepleSyntax

/// A list literal with spreads: `[...xs, y]` puts the elements of `xs` in place.
final class SpreadListNode: ExpressionNode {
  let elements: [(node: ExpressionNode, spread: Bool)]

  init(elements: [(node: ExpressionNode, spread: Bool)], range: SourceRange) {
    self.elements = elements
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    var values: [Value] = []
    for element in elements {
      let value = try element.node.evaluate(c)
      guard element.spread else {
        values.append(value)
        continue
      }
      guard case .list(let list) = value else {
        throw Diagnostic(code: "type-mismatch", "cannot spread \(value.typeName) into a list",
          detail: "'...' in a list takes a list; to add one value, leave out the '...'", at: element.node.range)
      }
      try Limits.checkElements(values.count + list.elements.count, at: range)
      try Limits.charge(.elements(list.elements.count), at: range)
      values.append(contentsOf: list.elements)
    }
    try Limits.checkElements(values.count, at: range)
    return .list(ListObject(values))
  }
}

/// A record literal (or a declaration's fields) with spreads: `{ ...base, region: r }` copies the
/// fields of `base` in place; a later field of the same name replaces the value and keeps the
/// place of the first.
final class SpreadRecordNode: ExpressionNode {
  enum Entry {
    case field(String, ExpressionNode, range: SourceRange)
    case spread(ExpressionNode)
  }

  let entries: [Entry]

  init(entries: [Entry], range: SourceRange) {
    self.entries = entries
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    var ranges: [String: SourceRange] = [:]
    return .record(try build(c, ranges: &ranges))
  }

  /// The record, and where each of its fields came from: the field as written, or the spread
  /// that supplied it.
  func build(_ c: Context, ranges: inout [String: SourceRange]) throws -> RecordObject {
    let record = RecordObject()
    for entry in entries {
      switch entry {
      case .field(let name, let node, let fieldRange):
        record.set(name, try node.evaluate(c))
        ranges[name] = fieldRange
      case .spread(let node):
        let value = try node.evaluate(c)
        let fields: [(String, Value)]
        switch value {
        case .record(let source): fields = source.fields
        case .handle(let handle): fields = handle.fields.fields
        default:
          throw Diagnostic(code: "type-mismatch", "cannot spread \(value.typeName) into a record",
            detail: "'...' in a record takes a record (or a declaration's handle) and copies its fields", at: node.range)
        }
        try Limits.charge(.elements(fields.count), at: range)
        for (name, field) in fields {
          record.set(name, field)
          ranges[name] = node.range
        }
      }
    }
    return record
  }
}
