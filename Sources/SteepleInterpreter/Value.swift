import SteepleSyntax

/// A Steeple value.
///
/// Scalars (`nil`, booleans, integers, floats, strings) are values; lists, records, functions,
/// modules and declaration handles are references, shared when assigned, as in Python. A list or
/// record can be frozen, after which any change to it is an error.
public enum Value: @unchecked Sendable {
  case `nil`
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list(ListObject)
  case record(RecordObject)
  case function(FunctionObject)
  case builtin(BuiltinFunction)
  /// A method bound to its receiver, such as `"a,b".split`.
  case method(BoundMethod)
  case module(ModuleObject)
  /// What a primitive (`account`, `cluster`, ...) evaluates to; the host decides its contents.
  case handle(DeclarationHandle)

  /// The type's name as `type(x)` returns it and as error messages say it.
  public var typeName: String {
    switch self {
    case .nil: return "nil"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "string"
    case .list: return "list"
    case .record: return "record"
    case .function, .builtin, .method: return "function"
    case .module: return "module"
    case .handle(let handle): return handle.kind
    }
  }

  /// `nil`, `false`, `0`, `0.0`, `""`, `[]` and `{}` are false; everything else is true.
  public var isTruthy: Bool {
    switch self {
    case .nil: return false
    case .bool(let value): return value
    case .int(let value): return value != 0
    case .float(let value): return value != 0
    case .string(let value): return !value.isEmpty
    case .list(let list): return !list.elements.isEmpty
    case .record(let record): return record.count > 0
    default: return true
    }
  }

  /// The string itself for strings, otherwise the literal form (see `literal`).
  public var text: String {
    if case .string(let string) = self { return string }
    return literal
  }

  /// The value written as Steeple source: `nil`, `true`, `42`, `1.5`, `"text"`, `[1, 2]`, `{ a: 1 }`.
  ///
  /// A list or record that contains itself is written `[...]` or `{...}` where it recurs, nesting
  /// past 64 levels as `...`, and the text stops with `...` once it is longer than
  /// `Limits.maxStringBytes`; callers that make a string of it check its size
  /// (`Limits.checkString`), which then fails with `too-large`. A list or record met again at the
  /// same depth is copied from where it was first written, so values that share parts
  /// (`xs = [xs, xs]` fifty times over) take time in proportion to the text, not to the 2^50
  /// paths through them. (A shared part of a cycle may then be written one level deeper than
  /// where it recurs.)
  public var literal: String {
    var writer = LiteralWriter()
    writer.write(self, depth: 0)
    Limits.charge(.bytes(writer.out.count))
    return String(decoding: writer.out, as: UTF8.self)
  }

  /// Writes literals as UTF-8; see `literal`.
  struct LiteralWriter {
    var out: [UInt8] = []
    /// The lists and records being written, outermost first: `path[d]` is at depth `d`.
    private var path: [ObjectIdentifier] = []
    /// Where a list or record was written in full at a depth, for copying when it recurs.
    private var written: [Key: Range<Int>] = [:]

    private struct Key: Hashable {
      let object: ObjectIdentifier
      let depth: Int
    }

    private var full: Bool { out.count > Limits.maxStringBytes }

    mutating func append(_ text: String) {
      var text = text
      text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Writes a value; returns the depth of the outermost enclosing list or record that a `[...]`
    /// inside it refers to (`Int.max` when none), which tells whether the text can be reused.
    @discardableResult
    mutating func write(_ value: Value, depth: Int) -> Int {
      if depth > 64 || full {
        append("...")
        return Int.max
      }
      switch value {
      case .nil: append("nil")
      case .bool(let value): append(value ? "true" : "false")
      case .int(let value): append(String(value))
      case .float(let value): append(formatFloat(value))
      case .string(let value): append(quote(value))
      case .list(let list):
        return writeContainer(ObjectIdentifier(list), depth: depth, open: "[", close: "]", cycle: "[...]") { writer in
          var reach = Int.max
          for (index, element) in list.elements.enumerated() {
            if index > 0 { writer.append(", ") }
            reach = min(reach, writer.write(element, depth: depth + 1))
            if writer.full { break }
          }
          return reach
        }
      case .record(let record):
        if record.count == 0 {
          append("{}")
          return Int.max
        }
        return writeContainer(ObjectIdentifier(record), depth: depth, open: "{ ", close: " }", cycle: "{...}") { writer in
          var reach = Int.max
          for index in 0..<record.count {
            if index > 0 { writer.append(", ") }
            writer.append(fieldName(record.shape.keys[index]) + ": ")
            reach = min(reach, writer.write(record.value(at: index), depth: depth + 1))
            if writer.full { break }
          }
          return reach
        }
      case .function(let function): append("<fn \(function.code.name)>")
      case .builtin(let builtin): append("<builtin \(builtin.name)>")
      case .method(let method): append("<method \(method.receiver.typeName).\(method.name)>")
      case .module(let module): append("<module \(module.name)>")
      case .handle(let handle): append("\(handle.kind) \(quote(handle.name))")
      }
      return Int.max
    }

    private mutating func writeContainer(
      _ object: ObjectIdentifier, depth: Int, open: String, close: String, cycle: String,
      contents: (inout LiteralWriter) -> Int
    ) -> Int {
      if let outer = path.firstIndex(of: object) {
        append(cycle)
        return outer
      }
      let key = Key(object: object, depth: depth)
      if let range = written[key] {
        let copy = Array(out[range])
        out.append(contentsOf: copy)
        return Int.max
      }
      let start = out.count
      path.append(object)
      append(open)
      let reach = contents(&self)
      append(close)
      path.removeLast()
      // Reusable unless it was cut short, or a `[...]` in it refers to a container outside it.
      if !full, reach >= depth { written[key] = start..<out.count }
      return reach
    }
  }

  /// A field name as written in a record literal: bare when it is a plain name, quoted otherwise.
  static func fieldName(_ name: String) -> String {
    guard let first = name.utf8.first, !(first >= 48 && first <= 57),
      name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
    else { return quote(name) }
    return name
  }

  static func formatFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let text = String(value)
    if value == value.rounded(), abs(value) < 1e16, !text.contains("e") {
      return text.hasSuffix(".0") ? text : text + ".0"
    }
    return text
  }

  /// A string as a Steeple string literal, with escapes (`StringQuoting.quote`).
  public static func quote(_ string: String) -> String { StringQuoting.quote(string) }
}

extension Value: CustomStringConvertible {
  public var description: String { literal }
}

extension Value {
  /// Structural equality: numbers by value (`1 == 1.0`), lists and records element by element,
  /// functions, modules and handles by identity.
  ///
  /// Each pair of lists (or records) is compared once per call: a pair met again, further down or
  /// while it is still being compared, counts as equal. So shared sublists (`xs = [xs, xs]` ten
  /// times over) cost linear time rather than exponential, and lists that contain themselves
  /// compare by their shape. The pairs still to compare are kept in a work list, not on the
  /// native stack, so values nested any depth compare correctly. The elements and bytes compared
  /// are charged to the running script's budget (see `Limits.Work`).
  public static func equal(_ lhs: Value, _ rhs: Value, depth: Int = 0) -> Bool {
    var state = EqualityState()
    let result = equal(lhs, rhs, state: &state)
    Limits.charge(.elements(state.elements))
    Limits.charge(.bytes(state.bytes))
    return result
  }

  /// Two containers being compared.
  struct Pair: Hashable {
    let left: ObjectIdentifier
    let right: ObjectIdentifier
  }

  /// What one comparison has seen and done.
  private struct EqualityState {
    /// The pairs of containers compared so far; made on first use.
    var seen: Set<Pair>?
    /// Pairs of values found inside containers and not compared yet.
    var pending: [(Value, Value)] = []
    var elements = 0
    var bytes = 0

    /// Notes a pair; false when it was compared before.
    mutating func insert(_ left: AnyObject, _ right: AnyObject) -> Bool {
      if seen == nil { seen = [] }
      return seen!.insert(Pair(left: ObjectIdentifier(left), right: ObjectIdentifier(right))).inserted
    }
  }

  /// Whether all of `lhs == rhs` holds. Any pair found unequal makes the whole comparison false,
  /// so the order in which pairs are compared does not matter, and a pair once entered never
  /// needs comparing again.
  private static func equal(_ lhs: Value, _ rhs: Value, state: inout EqualityState) -> Bool {
    guard shallowEqual(lhs, rhs, state: &state) else { return false }
    while let (left, right) = state.pending.popLast() {
      guard shallowEqual(left, right, state: &state) else {
        state.pending = []
        return false
      }
    }
    return true
  }

  /// Compares two values, leaving the elements of two containers in `state.pending`.
  private static func shallowEqual(_ lhs: Value, _ rhs: Value, state: inout EqualityState) -> Bool {
    switch (lhs, rhs) {
    case (.nil, .nil): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.int(let a), .float(let b)): return Double(a) == b
    case (.float(let a), .int(let b)): return a == Double(b)
    case (.string(let a), .string(let b)):
      state.bytes += min(a.utf8.count, b.utf8.count)
      return ScalarText.equal(a, b)
    case (.list(let a), .list(let b)):
      if a === b { return true }
      guard a.elements.count == b.elements.count else { return false }
      guard state.insert(a, b) else { return true }
      state.elements += a.elements.count
      for index in a.elements.indices.reversed() {
        let (left, right) = (a.elements[index], b.elements[index])
        // Scalars are compared at once; containers wait in the work list.
        if !left.isContainer || !right.isContainer {
          guard shallowEqual(left, right, state: &state) else { return false }
        } else {
          state.pending.append((left, right))
        }
      }
      return true
    case (.record(let a), .record(let b)):
      if a === b { return true }
      guard a.count == b.count else { return false }
      guard state.insert(a, b) else { return true }
      state.elements += a.count
      for index in 0..<a.count {
        guard let other = b.index(of: a.shape.keys[index]) else { return false }
        state.pending.append((a.value(at: index), b.value(at: other)))
      }
      return true
    case (.function(let a), .function(let b)): return a === b
    case (.builtin(let a), .builtin(let b)): return a === b
    case (.module(let a), .module(let b)): return a === b
    case (.handle(let a), .handle(let b)): return a === b
    case (.method(let a), .method(let b)):
      guard a.name == b.name else { return false }
      state.pending.append((a.receiver, b.receiver))
      return true
    default: return false
    }
  }


  /// Freezes this value and everything reachable from it.
  ///
  /// Lists and records are walked with a work list rather than by recursion, so a list nested a
  /// million deep freezes without exhausting the stack. (A function freezes the frames it
  /// captured, which `Frame.freeze` walks recursively.)
  public func freeze() {
    switch self {
    case .list, .record, .method: break
    case .function(let function):
      function.freeze()
      return
    default: return
    }
    var pending = [self]
    while let value = pending.popLast() {
      switch value {
      case .list(let list): if list.markFrozen() { pending.append(contentsOf: list.elements) }
      case .record(let record): if record.markFrozen() { pending.append(contentsOf: record.values) }
      case .function(let function): function.freeze()
      case .method(let method): pending.append(method.receiver)
      default: break
      }
    }
  }

  /// Releases the elements of a list or record that is being deinitialized. Lists and records
  /// among them that nothing else refers to are emptied first, their elements taken into a work
  /// list, so that releasing a structure nested a million deep takes a loop, not a million nested
  /// deinitializers (which would overflow the stack).
  static func releaseNested(_ values: inout [Value]) {
    guard values.contains(where: \.isContainer) else { return }
    var pending: [Value] = []
    swap(&pending, &values)
    while var value = pending.popLast() {
      // (`if case`, not `switch`: a switch holds its own reference to the value it matched.)
      if case .list(let list) = value {
        // Hold the list by one reference only, to tell whether anything else still does.
        value = .nil
        var object: ListObject? = consume list
        // Only a list that itself holds lists or records needs taking apart here; any other is
        // released as usual, its deinitializer finding nothing nested.
        if isKnownUniquelyReferenced(&object), let list = object, list.elements.contains(where: \.isContainer) {
          pending.append(contentsOf: list.elements)
          list.elements = []
        }
      } else if case .record(let record) = value {
        value = .nil
        var object: RecordObject? = consume record
        if isKnownUniquelyReferenced(&object), let record = object {
          let values = record.values
          if values.contains(where: \.isContainer) {
            pending.append(contentsOf: values)
            record.values = []
          }
        }
      }
    }
  }

  /// Stores a value in a variable. When the old value holds no reference (`nil`, a bool, an int
  /// or a float) it is overwritten without being destroyed, which skips a call on hot paths.
  @inline(__always)
  static func assign(_ value: consuming Value, to variable: UnsafeMutablePointer<Value>) {
    switch variable.pointee {
    case .nil, .bool, .int, .float: variable.initialize(to: value)
    default: variable.pointee = value
    }
  }

  /// A variable's value; an int (the most common value read) is copied without a call.
  @inline(__always)
  static func copy(_ variable: UnsafeMutablePointer<Value>) -> Value {
    if case .int(let value) = variable.pointee { return .int(value) }
    return variable.pointee
  }

  /// Deinitializes a variable, with no call when its value holds no reference.
  @inline(__always)
  static func release(_ variable: UnsafeMutablePointer<Value>) {
    switch variable.pointee {
    case .nil, .bool, .int, .float: break
    default: variable.deinitialize(count: 1)
    }
  }

  /// Whether this is a list or a record.
  @inline(__always) var isContainer: Bool {
    switch self {
    case .list, .record: return true
    default: return false
    }
  }
}
