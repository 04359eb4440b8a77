import SteepleSyntax

/// The meaning of the operators on every type, with the errors for combinations that have none.
enum Operators {
  @inline(never)
  static func overflow(at range: SourceRange) -> Diagnostic {
    Diagnostic(code: "overflow", "integer overflow",
      detail: "the result does not fit in a 64-bit integer; use floats (such as 1.0 * x) for larger numbers", at: range)
  }

  /// An operator on two ints, on the hot path: the result, or `nil` for the operators and operands
  /// that take the general path (`Operators.apply`), such as division by zero.
  @inline(__always)
  static func intResult(_ op: BinaryOperator, _ a: Int, _ b: Int, at range: SourceRange) throws -> Value? {
    switch op {
    case .add:
      let (sum, overflow) = a.addingReportingOverflow(b)
      if overflow { throw Operators.overflow(at: range) }
      return .int(sum)
    case .subtract:
      let (difference, overflow) = a.subtractingReportingOverflow(b)
      if overflow { throw Operators.overflow(at: range) }
      return .int(difference)
    case .multiply:
      let (product, overflow) = a.multipliedReportingOverflow(by: b)
      if overflow { throw Operators.overflow(at: range) }
      return .int(product)
    // Dividing by anything but 0 and -1 can neither fail nor overflow.
    case .remainder where b != 0 && b != -1: return .int(a % b)
    case .divide where b != 0 && b != -1: return .int(a / b)
    default:
      return intComparison(op, a, b).map(Value.bool)
    }
  }

  /// A comparison of two ints, or `nil` when `op` is not a comparison.
  @inline(__always)
  static func intComparison(_ op: BinaryOperator, _ a: Int, _ b: Int) -> Bool? {
    switch op {
    case .less: return a < b
    case .lessEqual: return a <= b
    case .greater: return a > b
    case .greaterEqual: return a >= b
    case .equal: return a == b
    case .notEqual: return a != b
    default: return nil
    }
  }

  static func checkMutable(_ frozen: Bool, _ what: String, at range: SourceRange) throws {
    if frozen {
      throw Diagnostic(code: "frozen", "cannot change a frozen \(what)",
        detail: "values that belong to a loaded module, or to a declaration, are frozen; copy it first (\(what == "list" ? "xs + []" : "a new record literal")) and change the copy",
        at: range)
    }
  }

  static func apply(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange, operatorRange: SourceRange) throws -> Value {
    switch op {
    case .add:
      switch (lhs, rhs) {
      case (.string(let a), .string(let b)):
        try Limits.checkString(a.utf8.count + b.utf8.count, at: range)
        try Limits.charge(.bytes(a.utf8.count + b.utf8.count), at: range)
        return .string(a + b)
      case (.list(let a), .list(let b)):
        try Limits.checkElements(a.elements.count + b.elements.count, at: range)
        try Limits.charge(.elements(a.elements.count + b.elements.count), at: range)
        return .list(ListObject(a.elements + b.elements))
      default: break
      }
      return try arithmetic(op, lhs, rhs, at: range)
    case .subtract, .multiply, .divide, .remainder:
      return try arithmetic(op, lhs, rhs, at: range)
    case .equal: return .bool(Value.equal(lhs, rhs))
    case .notEqual: return .bool(!Value.equal(lhs, rhs))
    case .less, .lessEqual, .greater, .greaterEqual:
      let order = try compare(lhs, rhs, at: range)
      switch op {
      case .less: return .bool(order < 0)
      case .lessEqual: return .bool(order <= 0)
      case .greater: return .bool(order > 0)
      default: return .bool(order >= 0)
      }
    case .in: return .bool(try contains(rhs, lhs, at: range))
    case .and, .or, .nilCoalescing:
      preconditionFailure("short-circuit operators have nodes of their own")
    }
  }

  /// `a op= b`: like `a = a op b`, except that `+=` on a list extends it in place.
  static func compound(_ op: BinaryOperator, _ current: Value, _ value: Value, at range: SourceRange) throws -> Value {
    if op == .add, case .list(let list) = current, case .list(let other) = value {
      try checkMutable(list.isFrozen, "list", at: range)
      try Limits.checkElements(list.elements.count + other.elements.count, at: range)
      try Limits.charge(.elements(other.elements.count), at: range)
      Limits.noteStore(other.elements, into: list)
      list.elements.append(contentsOf: other.elements)
      return current
    }
    return try apply(op, current, value, at: range, operatorRange: range)
  }

  static func arithmetic(_ op: BinaryOperator, _ lhs: Value, _ rhs: Value, at range: SourceRange) throws -> Value {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)):
      let result: (Int, Bool)
      switch op {
      case .add: result = a.addingReportingOverflow(b)
      case .subtract: result = a.subtractingReportingOverflow(b)
      case .multiply: result = a.multipliedReportingOverflow(by: b)
      case .divide, .remainder:
        if b == 0 {
          throw Diagnostic(code: "division-by-zero", "division by zero",
            detail: "check the divisor before dividing", at: range)
        }
        // The smallest int % -1 is 0, which fits, though Swift reports the division's overflow.
        if op == .remainder, b == -1 { return .int(0) }
        result = op == .divide ? a.dividedReportingOverflow(by: b) : a.remainderReportingOverflow(dividingBy: b)
      default: preconditionFailure()
      }
      if result.1 { throw overflow(at: range) }
      return .int(result.0)
    case (.int, .float), (.float, .int), (.float, .float):
      let a = number(lhs)
      let b = number(rhs)
      switch op {
      case .add: return .float(a + b)
      case .subtract: return .float(a - b)
      case .multiply: return .float(a * b)
      case .divide:
        if b == 0 { throw Diagnostic(code: "division-by-zero", "division by zero", detail: "check the divisor before dividing", at: range) }
        return .float(a / b)
      case .remainder:
        if b == 0 { throw Diagnostic(code: "division-by-zero", "division by zero", detail: "check the divisor before dividing", at: range) }
        return .float(a.truncatingRemainder(dividingBy: b))
      default: preconditionFailure()
      }
    default:
      var detail = "'\(op.rawValue)' applies to two numbers"
      if op == .add {
        detail = "'+' adds numbers and joins two strings or two lists"
        if case .string = lhs { detail += "; to put \(article(rhs.typeName)) into a string, use str(x) or interpolation \"...\\(x)\"" }
        if case .string = rhs { detail += "; to put \(article(lhs.typeName)) into a string, use str(x) or interpolation \"...\\(x)\"" }
        if case .list = lhs { detail += "; to add one element, use xs.append(x) or xs + [x]" }
      }
      throw Diagnostic(code: "type-mismatch", "cannot apply '\(op.rawValue)' to \(lhs.typeName) and \(rhs.typeName)",
        detail: detail, at: range)
    }
  }

  /// "an int", "a list".
  static func article(_ noun: String) -> String {
    (noun.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + noun
  }

  static func number(_ value: Value) -> Double {
    switch value {
    case .int(let int): return Double(int)
    case .float(let float): return float
    default: return .nan
    }
  }

  /// -1, 0 or 1; numbers, strings and lists (element by element) are ordered.
  static func compare(_ lhs: Value, _ rhs: Value, at range: SourceRange) throws -> Int {
    // The elements compared, charged to the budget once at the end (see `Limits.Work`).
    var work = 0
    defer { Limits.charge(.elements(work)) }
    return try compare(lhs, rhs, at: range, depth: 0, work: &work)
  }

  private static func compare(_ lhs: Value, _ rhs: Value, at range: SourceRange, depth: Int, work: inout Int) throws -> Int {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)): return a < b ? -1 : a == b ? 0 : 1
    case (.int, .float), (.float, .int), (.float, .float):
      let a = number(lhs)
      let b = number(rhs)
      return a < b ? -1 : a == b ? 0 : 1
    case (.string(let a), .string(let b)):
      Limits.charge(.bytes(min(a.utf8.count, b.utf8.count)))
      return ScalarText.compare(a, b)
    case (.list(let a), .list(let b)) where depth < 256:
      for index in 0..<min(a.elements.count, b.elements.count) {
        work += 1
        let order = try compare(a.elements[index], b.elements[index], at: range, depth: depth + 1, work: &work)
        if order != 0 { return order }
      }
      return a.elements.count < b.elements.count ? -1 : a.elements.count == b.elements.count ? 0 : 1
    case (.list, .list):
      throw Diagnostic(code: "nesting-too-deep", "cannot order lists nested more than 256 levels deep",
        detail: "'<', '<=', '>' and '>=' compare lists element by element, at most 256 levels down", at: range)
    default:
      throw Diagnostic(code: "type-mismatch", "cannot compare \(lhs.typeName) with \(rhs.typeName)",
        detail: "'<', '<=', '>' and '>=' compare two numbers, two strings or two lists", at: range)
    }
  }

  /// `element in container`.
  static func contains(_ container: Value, _ element: Value, at range: SourceRange) throws -> Bool {
    switch container {
    case .list(let list):
      try Limits.charge(.elements(list.elements.count), at: range)
      return list.elements.contains { Value.equal($0, element) }
    case .record(let record):
      guard case .string(let key) = element else { return false }
      return record.index(of: key) != nil
    case .string(let string):
      guard case .string(let part) = element else {
        throw Diagnostic(code: "type-mismatch", "'in' on a string needs a string on the left, not \(element.typeName)",
          detail: "convert with str(x)", at: range)
      }
      try Limits.charge(.search(string.utf8.count), at: range)
      return ScalarText.contains(string, part)
    default:
      throw Diagnostic(code: "type-mismatch", "'in' needs a list, record or string on the right, not \(container.typeName)",
        detail: "test membership in a list, field names in a record, or text in a string", at: range)
    }
  }

  /// Turns a possibly negative index into a position, or fails naming the valid range.
  static func position(_ index: Int, count: Int, what: String, at range: SourceRange) throws -> Int {
    let position = index < 0 ? count + index : index
    guard position >= 0, position < count else {
      throw Diagnostic(code: "index-out-of-range", "index \(index) is out of range for a \(what) of \(count) element\(count == 1 ? "" : "s")",
        detail: count == 0 ? "the \(what) is empty" : "valid indices are 0 to \(count - 1), or -\(count) to -1 from the end",
        at: range)
    }
    return position
  }

  static func subscriptGet(_ container: Value, _ key: Value, at range: SourceRange, indexRange: SourceRange) throws -> Value {
    switch (container, key) {
    case (.list(let list), .int(let index)):
      return list.elements[try position(index, count: list.elements.count, what: "list", at: indexRange)]
    case (.record(let record), .string(let name)):
      if let value = record[name] { return value }
      throw Diagnostic(code: "unknown-field", "record has no field \(Value.quote(name))",
        detail: record.keys.isEmpty ? "the record is empty; test with \"name\" in record first" : "its fields are: \(record.keys.joined(separator: ", ")); test with \"name\" in record first",
        at: indexRange, suggestion: Spelling.nearest(to: name, in: record.keys))
    case (.string(let string), .int(let index)):
      return .string(try scalar(of: string, at: index, range: indexRange))
    case (.handle(let handle), .string(let name)):
      if let value = handle.member(name) { return value }
      throw Diagnostic(code: "unknown-field", "\(handle.kind) has no field \(Value.quote(name))",
        detail: "its fields are: \(handle.memberNames.joined(separator: ", "))", at: indexRange,
        suggestion: Spelling.nearest(to: name, in: handle.memberNames))
    case (.list, _), (.string, _):
      throw Diagnostic(code: "type-mismatch", "\(container.typeName) index must be an int, not \(key.typeName)",
        detail: "use a whole number such as xs[0]", at: indexRange)
    case (.record, _):
      throw Diagnostic(code: "type-mismatch", "record key must be a string, not \(key.typeName)",
        detail: "write r[\"name\"] or r.name", at: indexRange)
    default:
      throw Diagnostic(code: "type-mismatch", "cannot index into \(container.typeName)",
        detail: "'[...]' reads elements of lists and strings and fields of records", at: range)
    }
  }

  /// The scalar at a possibly negative index, as a one-scalar string. Walks the bytes rather than
  /// making an array of the scalars, which for a long string would take many times its size in
  /// memory; the walk is charged to the budget.
  static func scalar(of string: String, at index: Int, range: SourceRange) throws -> String {
    if index >= 0, let found = ScalarText.scalar(string, at: index) {
      try Limits.charge(.bytes(min(string.utf8.count, (index + 1) * 4)), at: range)
      return found
    }
    // From the end, or out of range: the error names the count.
    try Limits.charge(.bytes(string.utf8.count), at: range)
    let count = ScalarText.count(string)
    let offset = try position(index, count: count, what: "string", at: range)
    return ScalarText.scalar(string, at: offset)!
  }

  static func subscriptSet(_ container: Value, _ key: Value, _ value: Value, at range: SourceRange, indexRange: SourceRange) throws {
    switch (container, key) {
    case (.list(let list), .int(let index)):
      try checkMutable(list.isFrozen, "list", at: range)
      let slot = try position(index, count: list.elements.count, what: "list", at: indexRange)
      Limits.noteStore(value, into: list)
      list.elements[slot] = value
    case (.record(let record), .string(let name)):
      try checkMutable(record.isFrozen, "record", at: range)
      record.set(name, value)
    case (.list, _):
      throw Diagnostic(code: "type-mismatch", "list index must be an int, not \(key.typeName)",
        detail: "use a whole number such as xs[0]", at: indexRange)
    case (.record, _):
      throw Diagnostic(code: "type-mismatch", "record key must be a string, not \(key.typeName)",
        detail: "write r[\"name\"] = value", at: indexRange)
    default:
      throw Diagnostic(code: "type-mismatch", "cannot assign into \(container.typeName)",
        detail: container.typeName == "string" ? "strings cannot be changed; build a new one" : "'[...] =' sets elements of lists and fields of records",
        at: range)
    }
  }
}
