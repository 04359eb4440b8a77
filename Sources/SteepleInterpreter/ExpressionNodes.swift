import SteepleSyntax

/// A resolved expression, ready to evaluate: names are slots, literals are values.
///
/// The tree is walked by virtual calls; each node class does one thing. Subclasses override
/// `evaluate`.
class ExpressionNode {
  let range: SourceRange

  init(range: SourceRange) { self.range = range }

  func evaluate(_ c: Context) throws -> Value {
    preconditionFailure("\(type(of: self)) does not evaluate")
  }

  /// The value's truth, for `if` and `while`. Comparisons override it to answer without making
  /// a `Value`.
  func test(_ c: Context) throws -> Bool {
    let value = try evaluate(c)
    if case .bool(let truth) = value { return truth }
    return value.isTruthy
  }
}

final class ConstantNode: ExpressionNode {
  let value: Value

  init(_ value: Value, range: SourceRange) {
    self.value = value
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value { value }
}

/// A variable of the running function.
final class LocalNode: ExpressionNode {
  let slot: Int

  init(slot: Int, range: SourceRange) {
    self.slot = slot
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value { Value.copy(c.locals + slot) }
}

/// A variable of an enclosing function or of the module, `depth` frames out.
final class OuterNode: ExpressionNode {
  let depth: Int
  let slot: Int

  init(depth: Int, slot: Int, range: SourceRange) {
    self.depth = depth
    self.slot = slot
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value { Value.copy(c.outerSlots(depth) + slot) }
}

/// Where a variable operand lives: a local of the running function, or `depth` frames out.
struct VariableAccess {
  let depth: Int
  let slot: Int

  init?(_ node: ExpressionNode) {
    if let local = node as? LocalNode {
      depth = 0
      slot = local.slot
    } else if let outer = node as? OuterNode {
      depth = outer.depth
      slot = outer.slot
    } else {
      return nil
    }
  }

  @inline(__always) func variable(_ c: Context) -> UnsafeMutablePointer<Value> {
    (depth == 0 ? c.locals : c.outerSlots(depth)) + slot
  }
}

/// A variable of an enclosing scope read by a function written above the variable's
/// declaration: until the declaration runs, the slot holds `Uninitialized.value`, and reading it
/// is an error (it used to read `nil`).
final class ForwardOuterNode: ExpressionNode {
  let depth: Int
  let slot: Int
  let name: String
  let declaration: SourceRange

  init(depth: Int, slot: Int, name: String, declaration: SourceRange, range: SourceRange) {
    self.depth = depth
    self.slot = slot
    self.name = name
    self.declaration = declaration
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let value = c.outer(depth)[slot]
    if case .builtin(let marker) = value, marker === Uninitialized.marker {
      throw Diagnostic(
        code: "used-before-declaration", "'\(name)' is used before its declaration has run",
        detail: "this function runs before the line that declares '\(name)'; call it after that line, or move the declaration above the call",
        at: range, notes: [.init("'\(name)' is declared here", at: declaration)])
    }
    return value
  }
}

/// A value evaluated after a check, for assignments to a variable declared below the function
/// making them: the check is a `ForwardOuterNode` of the variable, which fails until the
/// declaration has run.
final class CheckedValueNode: ExpressionNode {
  let check: ExpressionNode
  let value: ExpressionNode

  init(check: ExpressionNode, value: ExpressionNode) {
    self.check = check
    self.value = value
    super.init(range: value.range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    _ = try check.evaluate(c)
    return try value.evaluate(c)
  }
}

/// What a variable read before its declaration holds (see `ForwardOuterNode`): a value no script
/// can make or see.
enum Uninitialized {
  static let marker = BuiltinFunction("<uninitialized>") { _ in .nil }
  static let value = Value.builtin(marker)
}

/// `"text \(value) text"`. The text is built as bytes in a buffer on the stack and made into a
/// `String` once: appending piece by piece to a `String` costs several times more.
final class InterpolationNode: ExpressionNode {
  enum Part {
    case text([UInt8])
    case value(ExpressionNode)
  }

  let parts: [Part]
  static let bufferSize = 256

  /// The parts as the evaluation walks them, with no reference counting: text as bytes owned by
  /// this node, values as unretained nodes (`parts` keeps them alive).
  private struct Piece {
    var text: UnsafeBufferPointer<UInt8>
    var node: Unmanaged<ExpressionNode>?
  }
  private let pieces: UnsafeMutableBufferPointer<Piece>

  init(parts: [Part], range: SourceRange) {
    self.parts = parts
    pieces = .allocate(capacity: parts.count)
    for (index, part) in parts.enumerated() {
      switch part {
      case .text(let bytes):
        let text = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = text.initialize(from: bytes)
        pieces[index] = Piece(text: UnsafeBufferPointer(text), node: nil)
      case .value(let node):
        pieces[index] = Piece(text: UnsafeBufferPointer(start: nil, count: 0), node: Unmanaged.passUnretained(node))
      }
    }
    super.init(range: range)
  }

  deinit {
    for piece in pieces where piece.node == nil { piece.text.deallocate() }
    pieces.deallocate()
  }

  override func evaluate(_ c: Context) throws -> Value {
    try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.bufferSize) { buffer in
      var writer = TextWriter(buffer: buffer)
      var index = 0
      while index < pieces.count {
        let piece = pieces[index]
        index += 1
        guard let node = piece.node else {
          writer.append(piece.text)
          continue
        }
        switch try node._withUnsafeGuaranteedRef({ try $0.evaluate(c) }) {
        case .string(let string): ScalarText.withBytes(string) { writer.append($0) }
        case .int(let int): writer.appendDecimal(int)
        case let other: ScalarText.withBytes(other.literal) { writer.append($0) }
        }
        try Limits.checkString(writer.count, at: range)
      }
      return .string(writer.text)
    }
  }
}

/// Collects UTF-8 in a caller's buffer, moving to an array when it outgrows it.
struct TextWriter {
  let buffer: UnsafeMutableBufferPointer<UInt8>
  private var used = 0
  private var spilled: [UInt8]?

  init(buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

  var count: Int { spilled?.count ?? used }

  mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
    if spilled == nil, used + bytes.count <= buffer.count {
      if let base = bytes.baseAddress, bytes.count > 0 {
        (buffer.baseAddress! + used).update(from: base, count: bytes.count)
      }
      used += bytes.count
      return
    }
    if spilled == nil { spilled = Array(buffer[0..<used]) }
    spilled!.append(contentsOf: bytes)
  }

  /// Appends an integer's decimal digits; much faster than `String(int)`, which goes through the
  /// generic integer printing path.
  mutating func appendDecimal(_ value: Int) {
    // The digits are written backwards into a tuple on the stack.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      var magnitude = value.magnitude
      var index = 24
      repeat {
        index -= 1
        let (quotient, remainder) = magnitude.quotientAndRemainder(dividingBy: 10)
        bytes[index] = UInt8(truncatingIfNeeded: remainder) &+ 48
        magnitude = quotient
      } while magnitude > 0
      if value < 0 {
        index -= 1
        bytes[index] = UInt8(ascii: "-")
      }
      append(UnsafeBufferPointer(rebasing: bytes[index...]))
    }
  }

  var text: String {
    if let spilled { return String(decoding: spilled, as: UTF8.self) }
    return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<used]), as: UTF8.self)
  }
}

final class ListLiteralNode: ExpressionNode {
  let elements: [ExpressionNode]

  init(elements: [ExpressionNode], range: SourceRange) {
    self.elements = elements
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    var values: [Value] = []
    values.reserveCapacity(elements.count)
    for element in elements { values.append(try element.evaluate(c)) }
    return .list(ListObject(values))
  }
}

final class RecordLiteralNode: ExpressionNode {
  let shape: RecordShape
  let values: [ExpressionNode]
  private let valueReferences: [Unmanaged<ExpressionNode>]

  init(shape: RecordShape, values: [ExpressionNode], range: SourceRange) {
    self.shape = shape
    self.values = values
    self.valueReferences = values.map { Unmanaged.passUnretained($0) }
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    // Each value evaluated straight into the record (see `RecordObject`'s inline storage).
    let record = RecordObject(shape: shape)
    var index = 0
    while index < valueReferences.count {
      record.setValue(try valueReferences[index]._withUnsafeGuaranteedRef { try $0.evaluate(c) }, at: index)
      index += 1
    }
    return .record(record)
  }
}

final class NegateNode: ExpressionNode {
  let operand: ExpressionNode

  init(_ operand: ExpressionNode, range: SourceRange) {
    self.operand = operand
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    switch try operand.evaluate(c) {
    case .int(let value):
      guard value != Int.min else { throw Operators.overflow(at: range) }
      return .int(-value)
    case .float(let value): return .float(-value)
    case let other:
      throw Diagnostic(code: "type-mismatch", "cannot negate \(other.typeName)", detail: "'-' applies to numbers", at: range)
    }
  }
}

final class NotNode: ExpressionNode {
  let operand: ExpressionNode

  init(_ operand: ExpressionNode, range: SourceRange) {
    self.operand = operand
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    .bool(!(try operand.test(c)))
  }

  override func test(_ c: Context) throws -> Bool { !(try operand.test(c)) }
}

/// An arithmetic or comparison operator; integer cases are checked first, as they are the most common.
final class BinaryNode: ExpressionNode {
  let op: BinaryOperator
  let left: ExpressionNode
  let right: ExpressionNode
  private let leftReference: Unmanaged<ExpressionNode>
  private let rightReference: Unmanaged<ExpressionNode>

  /// When both operands are variables, where they are: two ints are then read in place,
  /// without evaluating (and copying) the operands.
  private let leftVariable: VariableAccess?
  private let rightVariable: VariableAccess?

  init(_ op: BinaryOperator, _ left: ExpressionNode, _ right: ExpressionNode, range: SourceRange) {
    self.op = op
    self.left = left
    self.right = right
    self.leftReference = Unmanaged.passUnretained(left)
    self.rightReference = Unmanaged.passUnretained(right)
    let leftVariable = VariableAccess(left)
    let rightVariable = VariableAccess(right)
    let both = leftVariable != nil && rightVariable != nil
    self.leftVariable = both ? leftVariable : nil
    self.rightVariable = both ? rightVariable : nil
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    if let leftVariable, let rightVariable, case .int(let a) = leftVariable.variable(c).pointee,
      case .int(let b) = rightVariable.variable(c).pointee, let result = try Operators.intResult(op, a, b, at: range)
    {
      return result
    }
    let lhs = try leftReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    let rhs = try rightReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if case .int(let a) = lhs, case .int(let b) = rhs, let result = try Operators.intResult(op, a, b, at: range) {
      return result
    }
    return try general(lhs, rhs)
  }

  override func test(_ c: Context) throws -> Bool {
    if let leftVariable, let rightVariable, case .int(let a) = leftVariable.variable(c).pointee,
      case .int(let b) = rightVariable.variable(c).pointee, let truth = Operators.intComparison(op, a, b)
    {
      return truth
    }
    let lhs = try leftReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    let rhs = try rightReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if case .int(let a) = lhs, case .int(let b) = rhs, let truth = Operators.intComparison(op, a, b) {
      return truth
    }
    return try general(lhs, rhs).isTruthy
  }

  /// Everything but two ints, out of line so the int path stays small.
  @inline(never)
  private func general(_ lhs: Value, _ rhs: Value) throws -> Value {
    try Operators.apply(op, lhs, rhs, at: range, operatorRange: range)
  }
}

/// An operator whose right operand is an integer literal, as in `n - 1` or `i < 10`: one node
/// instead of two on hot paths.
final class BinaryConstantNode: ExpressionNode {
  let op: BinaryOperator
  let left: ExpressionNode
  private let leftReference: Unmanaged<ExpressionNode>
  let constant: Int

  /// When the left operand is a local variable, its slot: read directly, without a call.
  private let leftSlot: Int?

  init(_ op: BinaryOperator, _ left: ExpressionNode, _ constant: Int, range: SourceRange) {
    self.op = op
    self.left = left
    self.leftReference = Unmanaged.passUnretained(left)
    self.leftSlot = (left as? LocalNode)?.slot
    self.constant = constant
    super.init(range: range)
  }

  // The int case is kept small and the rest moved out of line (`general`), so that the common
  // path saves few registers.

  override func evaluate(_ c: Context) throws -> Value {
    if let leftSlot, case .int(let a) = c.locals[leftSlot] {
      if let result = try Operators.intResult(op, a, constant, at: range) { return result }
      return try general(.int(a))
    }
    let lhs = try leftReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if case .int(let a) = lhs, let result = try Operators.intResult(op, a, constant, at: range) {
      return result
    }
    return try general(lhs)
  }

  override func test(_ c: Context) throws -> Bool {
    if let leftSlot, case .int(let a) = c.locals[leftSlot], let truth = Operators.intComparison(op, a, constant) {
      return truth
    }
    let lhs = try leftSlot.map { c.locals[$0] } ?? leftReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if case .int(let a) = lhs, let truth = Operators.intComparison(op, a, constant) {
      return truth
    }
    return try general(lhs).isTruthy
  }

  @inline(never)
  private func general(_ lhs: Value) throws -> Value {
    try Operators.apply(op, lhs, .int(constant), at: range, operatorRange: range)
  }
}

/// `len(x)` when `len` is the builtin: no argument list to build.
final class LengthNode: ExpressionNode {
  let operand: ExpressionNode
  private let operandReference: Unmanaged<ExpressionNode>
  /// `len(text.split(separator))`: the split, which can count its pieces without making them.
  private let split: MethodCallNode?

  init(_ operand: ExpressionNode, range: SourceRange) {
    self.operand = operand
    self.operandReference = Unmanaged.passUnretained(operand)
    if let call = operand as? MethodCallNode, call.stringMethod == .split { split = call } else { split = nil }
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    try c.step(range)
    let value: Value
    if let split {
      switch try split.countPieces(c) {
      case .counted(let count): return .int(count)
      case .called(let result): value = result
      }
    } else {
      value = try operandReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    }
    do {
      return .int(try Builtins.length(of: value))
    } catch let failure as ScriptError {
      throw c.runtime.diagnostic(failure, at: range)
    }
  }
}

final class AndNode: ExpressionNode {
  let left: ExpressionNode
  let right: ExpressionNode

  init(_ left: ExpressionNode, _ right: ExpressionNode, range: SourceRange) {
    self.left = left
    self.right = right
    super.init(range: range)
  }

  /// Like Python: the left value if it is false, otherwise the right value.
  override func evaluate(_ c: Context) throws -> Value {
    let lhs = try left.evaluate(c)
    return lhs.isTruthy ? try right.evaluate(c) : lhs
  }
}

final class OrNode: ExpressionNode {
  let left: ExpressionNode
  let right: ExpressionNode

  init(_ left: ExpressionNode, _ right: ExpressionNode, range: SourceRange) {
    self.left = left
    self.right = right
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let lhs = try left.evaluate(c)
    return lhs.isTruthy ? lhs : try right.evaluate(c)
  }
}

final class CoalesceNode: ExpressionNode {
  let left: ExpressionNode
  let right: ExpressionNode

  init(_ left: ExpressionNode, _ right: ExpressionNode, range: SourceRange) {
    self.left = left
    self.right = right
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let lhs = try left.evaluate(c)
    if case .nil = lhs { return try right.evaluate(c) }
    return lhs
  }
}

/// `callee(arguments)`.
final class CallNode: ExpressionNode {
  let callee: ExpressionNode
  let arguments: [ExpressionNode]
  /// The label of each argument, `nil` for positional ones.
  let labels: [String?]
  let hasLabels: Bool
  /// Unretained references to `arguments`, for the fast path.
  private let argumentReferences: [Unmanaged<ExpressionNode>]

  init(callee: ExpressionNode, arguments: [ExpressionNode], labels: [String?], range: SourceRange) {
    self.callee = callee
    self.arguments = arguments
    self.argumentReferences = arguments.map { Unmanaged.passUnretained($0) }
    self.labels = labels
    self.hasLabels = labels.contains { $0 != nil }
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let target = try callee.evaluate(c)
    if case .function(let function) = target, !hasLabels {
      // The common case: positional arguments go straight into the callee's frame.
      let parameterCount = function.parameterCount
      guard arguments.count <= parameterCount else {
        throw c.runtime.tooManyArguments(function, given: arguments.count, at: range)
      }
      return try c.runtime.call(function, at: range) { locals in
        for index in argumentReferences.indices {
          locals[index] = try argumentReferences[index]._withUnsafeGuaranteedRef { try $0.evaluate(c) }
        }
        if argumentReferences.count < parameterCount {
          var bound = [Bool](repeating: false, count: parameterCount)
          for index in argumentReferences.indices { bound[index] = true }
          try c.runtime.fillDefaults(function, locals, bound, at: range)
        }
      }
    }
    var positional: [Value] = []
    var keywords: [(String, Value)] = []
    for index in arguments.indices {
      let value = try arguments[index].evaluate(c)
      if let label = labels[index] { keywords.append((label, value)) } else { positional.append(value) }
    }
    return try c.runtime.call(target, positional: positional, keywords: keywords, at: range)
  }
}

/// `f(a, b)` where `f` names a variable (a `fn` declaration, usually) and every argument is
/// positional: the arguments go straight into the callee's locals, and when the variable is a
/// constant the function is used where it is stored, without retaining it. Anything else (a
/// value that is not a Steeple function, too few arguments for defaults to fill) goes the
/// general way, through `general`.
final class FunctionCallNode: ExpressionNode {
  let depth: Int
  let slot: Int
  /// Whether the variable can never be reassigned (`fn` and `let`), so the function it holds
  /// outlives the call without a reference of the call's own.
  let isConstant: Bool
  let general: CallNode
  /// Unretained references to the arguments (`general` keeps them alive).
  private let arguments: UnsafeMutablePointer<Unmanaged<ExpressionNode>>
  private let argumentCount: Int

  init(depth: Int, slot: Int, isConstant: Bool, general: CallNode) {
    self.depth = depth
    self.slot = slot
    self.isConstant = isConstant
    self.general = general
    argumentCount = general.arguments.count
    arguments = .allocate(capacity: max(argumentCount, 1))
    arguments.initialize(from: general.arguments.map { Unmanaged.passUnretained($0) }, count: argumentCount)
    super.init(range: general.range)
  }

  deinit { arguments.deallocate() }

  override func evaluate(_ c: Context) throws -> Value {
    let variable = (depth == 0 ? c.locals : c.outerSlots(depth)) + slot
    if isConstant {
      if let function = Self.borrowFunction(variable), function._withUnsafeGuaranteedRef({ $0.parameterCount == argumentCount }) {
        return try function._withUnsafeGuaranteedRef { function in
          try Runtime.call(function, arguments: arguments, count: argumentCount, c, at: range)
        }
      }
    } else if case .function(let function) = variable.pointee, function.parameterCount == argumentCount {
      return try Runtime.call(function, arguments: arguments, count: argumentCount, c, at: range)
    }
    return try general.evaluate(c)
  }

  /// The function stored in a variable, without a reference of its own.
  @inline(__always) static func borrowFunction(_ variable: UnsafeMutablePointer<Value>) -> Unmanaged<FunctionObject>? {
    if case .function(let function) = variable.pointee { return Unmanaged.passUnretained(function) }
    return nil
  }
}

/// `receiver.name(arguments)`: a method of a string or list, or a function stored in a record,
/// module or handle.
final class MethodCallNode: ExpressionNode {
  let receiver: ExpressionNode
  let name: String
  let nameRange: SourceRange
  let arguments: [ExpressionNode]
  let labels: [String?]
  /// `.append(x)` with one positional argument, which has a fast path for lists.
  let isAppend: Bool
  /// A string method with one positional argument that has a fast path when the receiver and the
  /// argument are strings: no argument list, no look-up by name.
  let stringMethod: DirectStringMethod?

  enum DirectStringMethod: Equatable {
    case split, startsWith, endsWith, contains
  }

  init(receiver: ExpressionNode, name: String, nameRange: SourceRange, arguments: [ExpressionNode], labels: [String?], range: SourceRange) {
    self.receiver = receiver
    self.isAppend = name == "append" && arguments.count == 1 && labels == [nil]
    if arguments.count == 1, labels == [nil] {
      switch name {
      case "split": stringMethod = .split
      case "starts_with": stringMethod = .startsWith
      case "ends_with": stringMethod = .endsWith
      case "contains": stringMethod = .contains
      default: stringMethod = nil
      }
    } else {
      stringMethod = nil
    }
    self.name = name
    self.nameRange = nameRange
    self.arguments = arguments
    self.labels = labels
    self.receiverSlot = (receiver as? LocalNode)?.slot
    self.firstArgument = arguments.first.map { Unmanaged.passUnretained($0) }
    self.receiverReference = Unmanaged.passUnretained(receiver)
    super.init(range: range)
  }

  private let receiverReference: Unmanaged<ExpressionNode>

  /// The first argument, unretained (`arguments` keeps it alive), for the one-argument fast paths.
  private let firstArgument: Unmanaged<ExpressionNode>?

  /// When the receiver is a local variable, its slot.
  private let receiverSlot: Int?

  override func evaluate(_ c: Context) throws -> Value {
    if isAppend, let receiverSlot, case .list(let list) = c.locals[receiverSlot] {
      // The list read where the local variable holds it.
      return try append(to: list, c)
    }
    let object = try receiverReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if isAppend, case .list(let list) = object {
      return try append(to: list, c)
    }
    if let stringMethod, case .string(let string) = object {
      let argument = try firstArgument.unsafelyUnwrapped._withUnsafeGuaranteedRef { try $0.evaluate(c) }
      if case .string(let text) = argument {
        try c.step(range)
        do {
          switch stringMethod {
          case .split:
            try Limits.charge(.search(string.utf8.count), at: range)
            return try Methods.split(string, text)
          case .startsWith: return .bool(try Methods.startsWith(string, text, at: range))
          case .endsWith: return .bool(try Methods.endsWith(string, text, at: range))
          case .contains:
            try Limits.charge(.search(string.utf8.count), at: range)
            return .bool(ScalarText.contains(string, text))
          }
        } catch let failure as ScriptError {
          throw c.runtime.diagnostic(failure, at: range)
        }
      }
      return try generalCall(object, [argument], [], c)
    }
    var positional: [Value] = []
    positional.reserveCapacity(arguments.count)
    var keywords: [(String, Value)] = []
    for index in arguments.indices {
      let value = try arguments[index].evaluate(c)
      if let label = labels[index] { keywords.append((label, value)) } else { positional.append(value) }
    }
    return try generalCall(object, positional, keywords, c)
  }

  /// What `countPieces` found: the pieces of a string split at a string, or, for any other
  /// receiver or argument, what the call returned.
  enum PieceCount {
    case counted(Int)
    case called(Value)
  }

  /// `text.split(separator)` under `len`: with a string receiver and separator, the number of
  /// pieces, found by the same search with the same steps, charges and errors as the split, but
  /// without making the pieces and their list. Anything else is called as `evaluate` calls it.
  func countPieces(_ c: Context) throws -> PieceCount {
    let object = try receiverReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    let argument = try firstArgument.unsafelyUnwrapped._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    guard case .string(let string) = object, case .string(let separator) = argument else {
      return .called(try generalCall(object, [argument], [], c))
    }
    try c.step(range)
    do {
      try Limits.charge(.search(string.utf8.count), at: range)
      return .counted(try Methods.splitCount(string, separator))
    } catch let failure as ScriptError {
      throw c.runtime.diagnostic(failure, at: range)
    }
  }

  /// `xs.append(x)`, the usual way to build a list: no argument list to build.
  @inline(__always)
  private func append(to list: ListObject, _ c: Context) throws -> Value {
    try c.step(range)
    let element = try firstArgument.unsafelyUnwrapped._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if list.isFrozen {
      throw Diagnostic(code: "frozen", "cannot change a frozen list",
        detail: "lists that belong to a loaded module or a declaration are frozen; copy it first with xs + [] and change the copy", at: range)
    }
    try Limits.checkElements(list.elements.count + 1, at: range, growing: true)
    if element.canFormCycle, !list.isTracked { list.track(in: c.runtime.cycleBreaker) }
    list.elements.append(element)
    return .nil
  }

  private func generalCall(_ object: Value, _ positional: [Value], _ keywords: [(String, Value)], _ c: Context) throws -> Value {
    switch object {
    case .string, .list:
      try c.step(range)
      return try Methods.call(name, on: object, positional: positional, keywords: keywords, runtime: c.runtime, at: range, nameRange: nameRange)
    case .record(let record) where record[name] == nil && Methods.recordMethods.contains(name):
      try c.runtime.step(range)
      return try Methods.call(name, on: object, positional: positional, keywords: keywords, runtime: c.runtime, at: range, nameRange: nameRange)
    default:
      let callee = try MemberNode.member(of: object, name, at: nameRange, runtime: c.runtime)
      return try c.runtime.call(callee, positional: positional, keywords: keywords, at: range)
    }
  }
}

/// `object.name`.
final class MemberNode: ExpressionNode {
  let object: ExpressionNode
  let name: String
  let nameRange: SourceRange
  /// The shape and position where the field was found last time (exempt from exclusivity
  /// checks, which would cost more than the lookup they save).
  @exclusivity(unchecked) private var cachedShape: RecordShape?
  @exclusivity(unchecked) private var cachedPosition = 0

  /// When the object is a local variable, its slot: the record is read where it is stored.
  private let objectSlot: Int?

  init(object: ExpressionNode, name: String, nameRange: SourceRange, range: SourceRange) {
    self.object = object
    self.name = name
    self.nameRange = nameRange
    self.objectSlot = (object as? LocalNode)?.slot
    self.objectReference = Unmanaged.passUnretained(object)
    super.init(range: range)
  }

  private let objectReference: Unmanaged<ExpressionNode>

  override func evaluate(_ c: Context) throws -> Value {
    if let objectSlot, case .record(let record) = c.locals[objectSlot], record.shape === cachedShape {
      return record.value(at: cachedPosition)
    }
    let value = try objectReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    if case .record(let record) = value {
      if record.shape === cachedShape { return record.value(at: cachedPosition) }
      if let position = record.index(of: name) {
        cachedShape = record.shape
        cachedPosition = position
        return record.value(at: position)
      }
    }
    return try Self.member(of: value, name, at: nameRange, runtime: c.runtime)
  }

  static func member(of value: Value, _ name: String, at range: SourceRange, runtime: Runtime) throws -> Value {
    switch value {
    case .record(let record):
      if let field = record[name] { return field }
      if Methods.recordMethods.contains(name) { return .method(BoundMethod(receiver: value, name: name)) }
      throw Diagnostic(
        code: "unknown-field", "record has no field '\(name)'",
        detail: record.keys.isEmpty ? "the record is empty" : "its fields are: \(record.keys.joined(separator: ", "))",
        at: range, suggestion: Spelling.nearest(to: name, in: record.keys + Methods.recordMethods))
    case .module(let module):
      if let member = module[name] { return member }
      throw Diagnostic(
        code: "unknown-member", "module '\(module.name)' has no member '\(name)'",
        detail: "its members are: \(module.memberNames.joined(separator: ", "))", at: range,
        suggestion: Spelling.nearest(to: name, in: module.memberNames))
    case .handle(let handle):
      if let member = handle.member(name) { return member }
      throw Diagnostic(
        code: "unknown-field", "\(handle.kind) \(Value.quote(handle.name)) has no field '\(name)'",
        detail: "its fields are: \(handle.memberNames.joined(separator: ", "))", at: range,
        suggestion: Spelling.nearest(to: name, in: handle.memberNames))
    case .string, .list:
      let names = Methods.names(for: value)
      if names.contains(name) { return .method(BoundMethod(receiver: value, name: name)) }
      throw Diagnostic(
        code: "unknown-member", "\(value.typeName) has no method '\(name)'",
        detail: "\(value.typeName) methods are: \(names.joined(separator: ", "))", at: range,
        suggestion: Spelling.nearest(to: name, in: names))
    default:
      throw Diagnostic(
        code: "unknown-member", "\(value.typeName) has no member '\(name)'",
        detail: value.typeName == "nil" ? "the value is nil; use '??' to give a default" : "members can be read from records, modules, declarations, strings and lists",
        at: range)
    }
  }
}

/// `object[index]`.
final class IndexNode: ExpressionNode {
  let object: ExpressionNode
  let index: ExpressionNode

  private let objectReference: Unmanaged<ExpressionNode>
  private let indexReference: Unmanaged<ExpressionNode>

  init(object: ExpressionNode, index: ExpressionNode, range: SourceRange) {
    self.object = object
    self.index = index
    self.objectReference = Unmanaged.passUnretained(object)
    self.indexReference = Unmanaged.passUnretained(index)
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let container = try objectReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    let key = try indexReference._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    return try Operators.subscriptGet(container, key, at: range, indexRange: index.range)
  }
}

/// `fn(...) { ... }`: makes a closure over the running function's heap frame. (The compiler gives
/// every function that contains a function literal a heap frame.)
final class FunctionLiteralNode: ExpressionNode {
  let code: FunctionCode
  let defaults: [ExpressionNode?]

  init(code: FunctionCode, defaults: [ExpressionNode?], range: SourceRange) {
    self.code = code
    self.defaults = defaults
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    let values = try defaults.map { try $0?.evaluate(c) }
    return .function(FunctionObject(code: code, captured: c.own, defaults: values))
  }
}

/// A primitive: evaluates its parts and hands them to the host.
final class DeclarationNode: ExpressionNode {
  let kind: DeclarationKind
  let name: ExpressionNode
  let parent: ExpressionNode?
  let arguments: [ExpressionNode]
  /// A `RecordLiteralNode`, or a `SpreadRecordNode` when the fields spread records.
  let fields: ExpressionNode
  let fieldRanges: [String: SourceRange]

  init(kind: DeclarationKind, name: ExpressionNode, parent: ExpressionNode?, arguments: [ExpressionNode], fields: ExpressionNode, fieldRanges: [String: SourceRange], range: SourceRange) {
    self.kind = kind
    self.name = name
    self.parent = parent
    self.arguments = arguments
    self.fields = fields
    self.fieldRanges = fieldRanges
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    try c.step(range)
    let nameValue = try name.evaluate(c)
    guard case .string(let nameText) = nameValue else {
      throw Diagnostic(
        code: "type-mismatch", "the name of \(Operators.article(kind.rawValue)) must be a string, not \(nameValue.typeName)",
        detail: "write the name in quotes, or interpolate: \"name-\\(x)\"", at: name.range)
    }
    // What the declaration is given is copied before it is frozen, so the caller's own lists and
    // records stay theirs to change.
    let parentValue = try parent?.evaluate(c).copiedForFreezing()
    let argumentValues = try arguments.map { try $0.evaluate(c).copiedForFreezing() }
    var ranges = fieldRanges
    let record: RecordObject
    if let spread = fields as? SpreadRecordNode {
      record = try spread.build(c, ranges: &ranges)
    } else {
      guard case .record(let literal) = try fields.evaluate(c) else { preconditionFailure() }
      record = literal
    }
    record.values = record.values.map { $0.copiedForFreezing() }
    record.freeze()
    let declaration = DeclarationRecord(
      kind: kind, name: nameText, parent: parentValue, arguments: argumentValues, fields: record, range: range,
      fieldRanges: ranges, nameRange: name.range, parentRange: parent?.range, argumentRanges: arguments.map(\.range),
      callStack: c.runtime.callStack())
    do {
      return try c.runtime.interpreter.host.declare(declaration)
    } catch let failure as ScriptError {
      throw c.runtime.diagnostic(failure, at: range)
    }
  }
}
