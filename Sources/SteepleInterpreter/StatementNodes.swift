import SteepleSyntax

/// How a statement finished: normally, or by `break`, `continue` or `return`.
enum Flow {
  case normal, breakLoop, continueLoop, returned
}

/// A resolved statement, ready to run. Subclasses override `execute`.
class StatementNode {
  let range: SourceRange

  init(range: SourceRange) { self.range = range }

  func execute(_ c: Context) throws -> Flow {
    preconditionFailure("\(type(of: self)) does not execute")
  }

}

/// The statements of a block.
///
/// Besides the nodes it keeps unretained references to them, so running a block costs no
/// reference counting per statement; `nodes` keeps them alive.
struct StatementList {
  let nodes: [StatementNode]
  private let references: [Unmanaged<StatementNode>]

  init(_ nodes: [StatementNode]) {
    self.nodes = nodes
    self.references = nodes.map { Unmanaged.passUnretained($0) }
  }

  static var empty: StatementList { StatementList([]) }

  /// Runs the statements in order, one step each, stopping at the first that does not finish
  /// normally.
  @inline(__always)
  func run(_ c: Context) throws -> Flow {
    // By index: an iterator would hold (retain) the array.
    var index = 0
    let count = references.count
    while index < count {
      let flow = try references[index]._withUnsafeGuaranteedRef { statement in
        try c.step(statement.range)
        return try statement.execute(c)
      }
      if flow != .normal { return flow }
      index += 1
    }
    return .normal
  }
}

final class ExpressionStatementNode: StatementNode {
  let expression: ExpressionNode

  private let expressionReference: Unmanaged<ExpressionNode>

  init(_ expression: ExpressionNode) {
    self.expression = expression
    self.expressionReference = Unmanaged.passUnretained(expression)
    super.init(range: expression.range)
  }

  override func execute(_ c: Context) throws -> Flow {
    _ = try expressionReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    return .normal
  }
}

/// `let`/`var` declarations and assignments to a variable: stores into a slot, `depth` frames out.
final class StoreNode: StatementNode {
  let depth: Int
  let slot: Int
  let name: String
  /// For `+=` and friends, the operator.
  let op: BinaryOperator?
  let value: ExpressionNode

  init(depth: Int, slot: Int, name: String, op: BinaryOperator?, value: ExpressionNode, range: SourceRange) {
    self.depth = depth
    self.slot = slot
    self.name = name
    self.op = op
    self.value = value
    self.valueReference = Unmanaged.passUnretained(value)
    if let constant = value as? ConstantNode, case .int(let int) = constant.value { intOperand = int } else { intOperand = nil }
    localOperand = (value as? LocalNode)?.slot
    hasDirectOperand = op != nil && (intOperand != nil || localOperand != nil)
    super.init(range: range)
  }

  private let valueReference: Unmanaged<ExpressionNode>
  /// For a compound assignment, an int literal operand, or the slot of a local variable operand.
  private let intOperand: Int?
  private let localOperand: Int?
  private let hasDirectOperand: Bool

  override func execute(_ c: Context) throws -> Flow {
    let target: UnsafeMutablePointer<Value>
    if depth == 0 {
      target = c.locals
    } else {
      let frame = c.outer(depth)
      if frame.isFrozen {
        throw Diagnostic(
          code: "frozen", "cannot assign to '\(name)': it belongs to a module that has finished loading",
          detail: "a module's variables are frozen once it is loaded; keep changing state in the importing script", at: range)
      }
      target = frame.slots
    }
    if hasDirectOperand, let op, case .int(let a) = target[slot] {
      // `i += 1`, `total += x`: an int operand read without evaluating a node.
      var b: Int?
      if let intOperand {
        b = intOperand
      } else if let localOperand, case .int(let value) = c.locals[localOperand] {
        b = value
      }
      if let b, let result = try Operators.intResult(op, a, b, at: range) {
        (target + slot).initialize(to: result)
        return .normal
      }
    }
    let newValue = try valueReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    guard let op else {
      Value.assign(newValue, to: target + slot)
      return .normal
    }
    if case .int(let a) = target[slot], case .int(let b) = newValue, let result = try Operators.intResult(op, a, b, at: range) {
      // An int replaces an int: nothing to release.
      (target + slot).initialize(to: result)
      return .normal
    }
    try compound(op, target + slot, newValue)
    return .normal
  }

  @inline(never)
  private func compound(_ op: BinaryOperator, _ variable: UnsafeMutablePointer<Value>, _ newValue: Value) throws {
    variable.pointee = try Operators.compound(op, variable.pointee, newValue, at: range)
  }
}

/// `object.name = value` and `object.name += value`.
final class MemberStoreNode: StatementNode {
  let object: ExpressionNode
  let name: String
  let nameRange: SourceRange
  let op: BinaryOperator?
  let value: ExpressionNode

  init(object: ExpressionNode, name: String, nameRange: SourceRange, op: BinaryOperator?, value: ExpressionNode, range: SourceRange) {
    self.object = object
    self.name = name
    self.nameRange = nameRange
    self.op = op
    self.value = value
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    let container = try object.evaluate(c)
    guard case .record(let record) = container else {
      throw Diagnostic(
        code: "type-mismatch", "cannot set field '\(name)' on \(container.typeName)",
        detail: container.typeName == "module" ? "modules are read-only" : "only records have fields that can be set", at: nameRange)
    }
    try Operators.checkMutable(record.isFrozen, "record", at: range)
    var newValue = try value.evaluate(c)
    if let op {
      guard let current = record[name] else {
        throw Diagnostic(code: "unknown-field", "record has no field '\(name)'",
          detail: "'\(op.rawValue)=' needs an existing field; assign it with '=' first", at: nameRange,
          suggestion: Spelling.nearest(to: name, in: record.keys))
      }
      newValue = try Operators.compound(op, current, newValue, at: range)
    }
    record.set(name, newValue)
    return .normal
  }
}

/// `object[index] = value` and `object[index] += value`.
final class IndexStoreNode: StatementNode {
  let object: ExpressionNode
  let index: ExpressionNode
  let op: BinaryOperator?
  let value: ExpressionNode

  init(object: ExpressionNode, index: ExpressionNode, op: BinaryOperator?, value: ExpressionNode, range: SourceRange) {
    self.object = object
    self.index = index
    self.op = op
    self.value = value
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    let container = try object.evaluate(c)
    let key = try index.evaluate(c)
    var newValue = try value.evaluate(c)
    if let op {
      let current = try Operators.subscriptGet(container, key, at: range, indexRange: index.range)
      newValue = try Operators.compound(op, current, newValue, at: range)
    }
    try Operators.subscriptSet(container, key, newValue, at: range, indexRange: index.range)
    return .normal
  }
}

/// `if`; an `else if` chain is an `IfNode` in the `else` branch of the one before.
final class IfNode: StatementNode {
  let condition: ExpressionNode
  let then: StatementList
  let otherwise: StatementList

  private let conditionReference: Unmanaged<ExpressionNode>

  init(condition: ExpressionNode, then: StatementList, otherwise: StatementList, range: SourceRange) {
    self.condition = condition
    self.conditionReference = Unmanaged.passUnretained(condition)
    self.then = then
    self.otherwise = otherwise
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    if try conditionReference._withUnsafeGuaranteedRef({ try $0.test(c) }) {
      return try then.run(c)
    }
    return try otherwise.run(c)
  }
}

final class WhileNode: StatementNode {
  let condition: ExpressionNode
  let body: StatementList

  private let conditionReference: Unmanaged<ExpressionNode>

  init(condition: ExpressionNode, body: StatementList, range: SourceRange) {
    self.condition = condition
    self.conditionReference = Unmanaged.passUnretained(condition)
    self.body = body
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    while try conditionReference._withUnsafeGuaranteedRef({ try $0.test(c) }) {
      try c.step(range)
      switch try body.run(c) {
      case .breakLoop: return .normal
      case .returned: return .returned
      case .normal, .continueLoop: continue
      }
    }
    return .normal
  }
}

/// `for x in list`, `for c in string`, `for (k, v) in record`, `for (i, x) in list`.
final class ForNode: StatementNode {
  let slots: [Int]
  let iterable: ExpressionNode
  let body: StatementList

  init(slots: [Int], iterable: ExpressionNode, body: StatementList, range: SourceRange) {
    self.slots = slots
    self.iterable = iterable
    self.body = body
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    let sequence = try iterable.evaluate(c)
    let pairs = slots.count == 2
    switch sequence {
    case .list(let list):
      // Iterate over a snapshot, so changing the list in the loop cannot confuse the loop.
      let elements = list.elements
      for (index, element) in elements.enumerated() {
        try c.step(range)
        if pairs {
          Value.assign(.int(index), to: c.locals + slots[0])
          Value.assign(element, to: c.locals + slots[1])
        } else {
          Value.assign(element, to: c.locals + slots[0])
        }
        switch try body.run(c) {
        case .breakLoop: return .normal
        case .returned: return .returned
        case .normal, .continueLoop: continue
        }
      }
    case .record(let record):
      guard pairs else {
        throw Diagnostic(code: "type-mismatch", "a record is iterated as key-value pairs",
          detail: "write 'for (key, value) in record', or iterate over keys(record)", at: iterable.range)
      }
      let keys = record.keys
      let values = record.values
      for index in keys.indices {
        try c.step(range)
        c.locals[slots[0]] = .string(keys[index])
        c.locals[slots[1]] = values[index]
        switch try body.run(c) {
        case .breakLoop: return .normal
        case .returned: return .returned
        case .normal, .continueLoop: continue
        }
      }
    case .string(let string):
      for (index, scalar) in string.unicodeScalars.enumerated() {
        try c.step(range)
        if pairs {
          c.locals[slots[0]] = .int(index)
          c.locals[slots[1]] = .string(String(scalar))
        } else {
          c.locals[slots[0]] = .string(String(scalar))
        }
        switch try body.run(c) {
        case .breakLoop: return .normal
        case .returned: return .returned
        case .normal, .continueLoop: continue
        }
      }
    default:
      throw Diagnostic(code: "type-mismatch", "cannot iterate over \(sequence.typeName)",
        detail: "'for' iterates over a list, a string or a record; use range(n) to count", at: iterable.range)
    }
    return .normal
  }
}

/// `for i in range(...)` where `range` is the builtin: counts without building a list.
final class ForRangeNode: StatementNode {
  let slot: Int
  let bounds: [ExpressionNode]
  let body: StatementList

  init(slot: Int, bounds: [ExpressionNode], body: StatementList, range: SourceRange) {
    self.slot = slot
    self.bounds = bounds
    self.body = body
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    var values: [Int] = []
    for bound in bounds {
      let value = try bound.evaluate(c)
      guard case .int(let int) = value else {
        throw Diagnostic(code: "type-mismatch", "range() expects int arguments, but got \(value.typeName)",
          detail: "convert with int(x)", at: bound.range)
      }
      values.append(int)
    }
    let (start, end, stride) = try Builtins.rangeBounds(values, at: range)
    var index = start
    while stride > 0 ? index < end : index > end {
      try c.step(range)
      Value.assign(.int(index), to: c.locals + slot)
      switch try body.run(c) {
      case .breakLoop: return .normal
      case .returned: return .returned
      case .normal, .continueLoop: break
      }
      let (next, overflow) = index.addingReportingOverflow(stride)
      if overflow { break }
      index = next
    }
    return .normal
  }
}

final class BreakNode: StatementNode {
  override func execute(_ c: Context) throws -> Flow { .breakLoop }
}

final class ContinueNode: StatementNode {
  override func execute(_ c: Context) throws -> Flow { .continueLoop }
}

final class ReturnNode: StatementNode {
  let value: ExpressionNode?
  private let valueReference: Unmanaged<ExpressionNode>?

  init(value: ExpressionNode?, range: SourceRange) {
    self.value = value
    self.valueReference = value.map { Unmanaged.passUnretained($0) }
    super.init(range: range)
  }

  override func execute(_ c: Context) throws -> Flow {
    if let valueReference {
      c.setReturnValue(try valueReference._withUnsafeGuaranteedRef { try $0.evaluate(c) })
    } else {
      c.setReturnValue(.nil)
    }
    return .returned
  }
}
