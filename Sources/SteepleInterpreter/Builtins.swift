import SteepleSyntax

/// The functions every script can call without importing anything.
enum Builtins {
  static let all: [BuiltinFunction] = [
    BuiltinFunction("print", summary: "print(values...) writes the values, separated by spaces, and a line break", print),
    BuiltinFunction("len", summary: "len(x) is the number of elements of a list, fields of a record or Unicode scalars of a string", len),
    BuiltinFunction("range", summary: "range(end), range(start, end) or range(start, end, step): a list of ints", range),
    BuiltinFunction("keys", summary: "keys(record) is the list of its field names, in order") { call in
      try call.expect(1, 1)
      let record = try call.record(0, "record")
      try Limits.charge(.elements(record.count), at: call.range)
      return .list(ListObject(record.keys.map(Value.string)))
    },
    BuiltinFunction("values", summary: "values(record) is the list of its field values, in order") { call in
      try call.expect(1, 1)
      let record = try call.record(0, "record")
      try Limits.charge(.elements(record.count), at: call.range)
      return .list(ListObject(record.values))
    },
    BuiltinFunction("str", summary: "str(x) is x as text: a string as is, anything else as its literal") { call in
      try call.expect(1, 1)
      let text = call.positional[0].text
      try Limits.checkString(text.utf8.count, at: call.range)
      return .string(text)
    },
    BuiltinFunction("int", summary: "int(x) converts a float (truncating), a bool or a string of digits to an int", int),
    BuiltinFunction("float", summary: "float(x) converts an int or a string to a float", float),
    BuiltinFunction("type", summary: "type(x) is the name of x's type: \"int\", \"string\", \"list\", \"account\", ...") { call in
      try call.expect(1, 1)
      return .string(call.positional[0].typeName)
    },
    BuiltinFunction("sorted", summary: "sorted(list, key: fn, reverse: false) is a sorted copy of the list", sorted),
    BuiltinFunction("reversed", summary: "reversed(list) is a reversed copy of the list") { call in
      try call.expect(1, 1)
      let list = try call.list(0, "list")
      try Limits.charge(.elements(list.elements.count), at: call.range)
      return .list(ListObject(list.elements.reversed()))
    },
    BuiltinFunction("min", summary: "min(list) or min(a, b, ...) is the smallest value; key: fn compares fn(x) instead") { call in try extreme(call, -1) },
    BuiltinFunction("max", summary: "max(list) or max(a, b, ...) is the largest value; key: fn compares fn(x) instead") { call in try extreme(call, 1) },
    BuiltinFunction("abs", summary: "abs(x) is the absolute value of a number") { call in
      try call.expect(1, 1)
      switch call.positional[0] {
      case .int(let value):
        guard value != Int.min else { throw ScriptError("integer overflow", detail: "abs of the smallest int does not fit in 64 bits") }
        return .int(abs(value))
      case .float(let value): return .float(abs(value))
      case let other: throw call.wrongType("x", "a number", other)
      }
    },
    BuiltinFunction("sum", summary: "sum(list) adds the numbers of a list") { call in
      try call.expect(1, 1)
      var total: Value = .int(0)
      let list = try call.list(0, "list")
      try Limits.charge(.elements(list.elements.count), at: call.range)
      for element in list.elements {
        switch element {
        case .int, .float: total = try Operators.arithmetic(.add, total, element, at: call.range)
        default: throw ScriptError("sum() expects numbers, but the list holds \(element.typeName)", detail: "sum a list of ints or floats")
        }
      }
      return total
    },
    BuiltinFunction("enumerate", summary: "enumerate(list) is a list of [index, element] pairs") { call in
      try call.expect(1, 1)
      let list = try call.list(0, "list")
      // Each pair is a list of its own: several elements' worth of work and memory.
      try Limits.charge(.elements(list.elements.count * 4), at: call.range)
      return .list(ListObject(list.elements.enumerated().map { .list(ListObject([.int($0.offset), $0.element])) }))
    },
    BuiltinFunction("any", summary: "any(list) is true when at least one element is true") { call in
      try call.expect(1, 1)
      let list = try call.list(0, "list")
      try Limits.charge(.elements(list.elements.count), at: call.range)
      return .bool(list.elements.contains { $0.isTruthy })
    },
    BuiltinFunction("all", summary: "all(list) is true when every element is true (and for an empty list)") { call in
      try call.expect(1, 1)
      let list = try call.list(0, "list")
      try Limits.charge(.elements(list.elements.count), at: call.range)
      return .bool(list.elements.allSatisfy { $0.isTruthy })
    },
    BuiltinFunction("zip", summary: "zip(a, b, ...) is a list of [a[i], b[i], ...], as long as the shortest list", zip),
    BuiltinFunction("map", summary: "map(list, fn) is the list of fn(x) for each element x") { call in
      try call.expect(2, 2)
      let elements = try call.list(0, "list").elements
      let function = try call.callable(1, "fn")
      return .list(ListObject(try elements.map { try call.invoke(function, [$0]) }))
    },
    BuiltinFunction("filter", summary: "filter(list, fn) is the list of the elements x for which fn(x) is true") { call in
      try call.expect(2, 2)
      let elements = try call.list(0, "list").elements
      let function = try call.callable(1, "fn")
      return .list(ListObject(try elements.filter { try call.invoke(function, [$0]).isTruthy }))
    },
    BuiltinFunction("round", summary: "round(x) is the nearest int (halves away from zero); round(x, digits) a float with that many decimals", round),
    BuiltinFunction("fail", summary: "fail(message) stops the script with an error at this call") { call in
      try call.expect(1, 1)
      throw ScriptError(call.positional[0].text, detail: "the script called fail() here", code: "fail")
    },
  ]

  static let byName: [String: BuiltinFunction] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

  static func print(_ call: BuiltinCall) throws -> Value {
    for keyword in call.keywords where keyword.label != "separator" {
      throw ScriptError("print() has no parameter '\(keyword.label)'", detail: "print takes values and an optional separator: print(a, b, separator: \", \")")
    }
    var separator = " "
    if let given = call.keywords.first(where: { $0.label == "separator" })?.value {
      guard case .string(let text) = given else { throw call.wrongType("separator", "a string", given) }
      separator = text
    }
    var line = ""
    for (index, value) in call.positional.enumerated() {
      if index > 0 { line += separator }
      line += value.text
      try Limits.checkString(line.utf8.count, at: call.range)
    }
    try Limits.charge(.bytes(line.utf8.count), at: call.range)
    call.output(line + "\n")
    return .nil
  }

  static func len(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 1)
    return .int(try length(of: call.positional[0]))
  }

  /// What `len(x)` is, for the builtin and for the compiler's `len` intrinsic alike.
  static func length(of value: Value) throws -> Int {
    switch value {
    case .string(let string): return length(of: string)
    case .list(let list): return list.elements.count
    case .record(let record): return record.count
    case let other:
      throw ScriptError("len() expects a string, list or record, but got \(other.typeName)", detail: "pass a string, list or record")
    }
  }

  /// The number of Unicode scalars, counted from the UTF-8 bytes.
  static func length(of string: String) -> Int {
    Limits.charge(.bytes(string.utf8.count))
    return ScalarText.count(string)
  }

  static func rangeBounds(_ values: [Int], at range: SourceRange) throws -> (Int, Int, Int) {
    let (start, end, stride): (Int, Int, Int)
    switch values.count {
    case 1: (start, end, stride) = (0, values[0], 1)
    case 2: (start, end, stride) = (values[0], values[1], 1)
    case 3: (start, end, stride) = (values[0], values[1], values[2])
    default:
      throw Diagnostic(code: "argument-count", "range() takes 1 to 3 arguments, but \(values.count) were given",
        detail: "write range(end), range(start, end) or range(start, end, step)", at: range)
    }
    if stride == 0 {
      throw Diagnostic(code: "invalid-argument", "range() step cannot be zero", detail: "use a positive or negative step", at: range)
    }
    return (start, end, stride)
  }

  static func range(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 3)
    // With one argument, it is the end.
    let labels = call.positional.count == 1 ? ["end"] : ["start", "end", "step"]
    let values = try call.positional.indices.map { try call.int($0, labels[$0]) }
    let (start, end, stride) = try rangeBounds(values, at: call.range)
    let count = rangeCount(start, end, stride)
    if count > UInt(Limits.maxElements) {
      throw ScriptError("range() would make more than \(Limits.maxElements) elements",
        detail: "to count in a loop, write 'for i in range(n)' directly: it builds no list", code: "too-large")
    }
    try Limits.charge(.elements(Int(count)), at: call.range)
    try Limits.checkMemory(Int(count) * MemoryLayout<Value>.stride, at: call.range)
    // Every element lies between start and end, so wrapping arithmetic gives it exactly (a
    // stride that steps past Int.max on the last, discarded step must not trap).
    var elements: [Value] = []
    elements.reserveCapacity(Int(count))
    for index in 0..<Int(count) { elements.append(.int(start &+ index &* stride)) }
    return .list(ListObject(elements))
  }

  /// How many ints `range(start, end, stride)` has, computed on magnitudes so that no bounds
  /// overflow (`range(-1, Int.max, Int.max)` has 2).
  static func rangeCount(_ start: Int, _ end: Int, _ stride: Int) -> UInt {
    if stride > 0 {
      guard end > start else { return 0 }
      return (UInt(bitPattern: end &- start) - 1) / stride.magnitude + 1
    }
    guard start > end else { return 0 }
    return (UInt(bitPattern: start &- end) - 1) / stride.magnitude + 1
  }

  static func int(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 1)
    switch call.positional[0] {
    case .int: return call.positional[0]
    case .bool(let value): return .int(value ? 1 : 0)
    case .float(let value):
      guard value.isFinite, let result = Int(exactly: value.rounded(.towardZero)) else {
        throw ScriptError("cannot convert \(Value.formatFloat(value)) to int", detail: "the value is not finite or does not fit in 64 bits")
      }
      return .int(result)
    case .string(let text):
      try Limits.charge(.characters(text.utf8.count), at: call.range)
      let trimmed = text.trimmingWhitespace()
      guard let result = Int(String(trimmed.filter { $0 != "_" })) else {
        throw ScriptError("cannot convert \(Value.quote(text)) to int", detail: "the string must hold a whole number, such as \"42\"")
      }
      return .int(result)
    case let other:
      throw ScriptError("cannot convert \(other.typeName) to int", detail: "int() converts numbers, bools and strings of digits")
    }
  }

  static func float(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 1)
    switch call.positional[0] {
    case .int(let value): return .float(Double(value))
    case .float: return call.positional[0]
    case .string(let text):
      try Limits.charge(.characters(text.utf8.count), at: call.range)
      guard let result = Double(text.trimmingWhitespace()) else {
        throw ScriptError("cannot convert \(Value.quote(text)) to float", detail: "the string must hold a number, such as \"1.5\"")
      }
      return .float(result)
    case let other:
      throw ScriptError("cannot convert \(other.typeName) to float", detail: "float() converts numbers and strings")
    }
  }

  static func sorted(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 3, labels: ["key", "reverse"])
    let elements = try call.list(0, "list").elements
    let keyFunction = call.argument(1, "key")
    let reverse = call.argument(2, "reverse")?.isTruthy ?? false
    var keys = elements
    if let keyFunction, !(keyFunction.typeName == "nil") {
      keys = try elements.map { try call.invoke(keyFunction, [$0]) }
    }
    // About n log n comparisons.
    let count = keys.count
    try Limits.charge(.elements(count * max(1, Int.bitWidth - count.leadingZeroBitCount)), at: call.range)
    var failure: (any Error)?
    let order = keys.indices.sorted { a, b in
      guard failure == nil else { return false }
      do {
        let comparison = try Operators.compare(keys[a], keys[b], at: call.range)
        return reverse ? comparison > 0 : comparison < 0
      } catch {
        failure = error
        return false
      }
    }
    if let failure { throw failure }
    return .list(ListObject(order.map { elements[$0] }))
  }

  static func zip(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, Int.max)
    let lists = try call.positional.indices.map { try call.list($0, "list \($0 + 1)").elements }
    let count = lists.map(\.count).min() ?? 0
    try Limits.charge(.elements(count * (lists.count + 2)), at: call.range)
    return .list(ListObject((0..<count).map { index in .list(ListObject(lists.map { $0[index] })) }))
  }

  static func round(_ call: BuiltinCall) throws -> Value {
    try call.expect(1, 2, labels: ["digits"])
    let digits = try call.argument(1, "digits").map { _ in try call.int(1, "digits") }
    switch call.positional[0] {
    case .int(let value):
      return digits == nil ? .int(value) : .float(Double(value))
    case .float(let value):
      guard let digits else {
        let rounded = value.rounded(.toNearestOrAwayFromZero)
        guard rounded.isFinite, let result = Int(exactly: rounded) else {
          throw ScriptError("cannot round \(Value.formatFloat(value)) to an int", detail: "the value is not finite or does not fit in 64 bits")
        }
        return .int(result)
      }
      guard (-308...308).contains(digits) else {
        throw ScriptError("round() digits must be between -308 and 308, not \(digits)", detail: "pass the number of decimals to keep", code: "invalid-argument")
      }
      let scale = pow10(digits)
      let scaled = value * scale
      return .float(scaled.isFinite ? scaled.rounded(.toNearestOrAwayFromZero) / scale : value)
    case let other: throw call.wrongType("x", "a number", other)
    }
  }

  /// 10 to the power `digits`, exactly for the digits a script rounds to.
  private static func pow10(_ digits: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(digits) { result *= 10 }
    return digits < 0 ? 1 / result : result
  }

  static func extreme(_ call: BuiltinCall, _ sign: Int) throws -> Value {
    try call.expect(1, Int.max, labels: ["key"])
    guard !call.positional.isEmpty else { throw call.missing("list") }
    var candidates = call.positional
    if candidates.count == 1, case .list(let list) = candidates[0] { candidates = list.elements }
    try Limits.charge(.elements(candidates.count), at: call.range)
    // With `key:`, the candidates are compared by what the function gives for each.
    let key = try call.keywords.isEmpty ? nil : call.callable(call.positional.count, "key")
    func measure(_ value: Value) throws -> Value { try key.map { try call.invoke($0, [value]) } ?? value }
    guard var best = candidates.first else {
      throw ScriptError("\(call.name)() of an empty list", detail: "check that the list has elements first")
    }
    var bestMeasure = try measure(best)
    for candidate in candidates.dropFirst() {
      let candidateMeasure = try measure(candidate)
      if try Operators.compare(candidateMeasure, bestMeasure, at: call.range) * sign > 0 {
        best = candidate
        bestMeasure = candidateMeasure
      }
    }
    return best
  }
}

extension String {
  func trimmingWhitespace() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[first...last])
  }
}
