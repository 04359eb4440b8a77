import SteepleSyntax

/// The methods of strings and lists: `"a,b".split(",")`, `xs.append(x)`.
enum Methods {
  static let stringMethods = ["split", "join", "starts_with", "ends_with", "replace", "upper", "lower", "trim", "contains", "lines", "find", "pad_left", "pad_right"]
  static let listMethods = ["append", "extend", "pop", "insert", "contains", "index_of"]
  /// Record methods; a field of the same name wins over a method (`r.get` reads a field `get`).
  static let recordMethods = ["get", "remove"]

  static func names(for value: Value) -> [String] {
    switch value {
    case .string: return stringMethods
    case .list: return listMethods
    case .record: return recordMethods
    default: return []
    }
  }

  static func call(
    _ name: String, on receiver: Value, positional: [Value], keywords: [(String, Value)], runtime: Runtime,
    at range: SourceRange, nameRange: SourceRange? = nil
  ) throws -> Value {
    let call = BuiltinCall(name: name, positional: positional, keywords: keywords.map { (label: $0.0, value: $0.1) }, range: range, runtime: runtime)
    do {
      switch receiver {
      case .string(let string): return try stringMethod(name, string, call)
      case .list(let list): return try listMethod(name, list, call)
      case .record(let record): return try recordMethod(name, record, call)
      default: break
      }
    } catch let failure as ScriptError {
      throw runtime.diagnostic(failure, at: range)
    } catch let unknown as UnknownMethod {
      let names = self.names(for: receiver)
      throw Diagnostic(
        code: "unknown-member", "\(receiver.typeName) has no method '\(unknown.name)'",
        detail: "\(receiver.typeName) methods are: \(names.joined(separator: ", "))", at: nameRange ?? range,
        suggestion: Spelling.nearest(to: unknown.name, in: names))
    }
    throw Diagnostic(code: "unknown-member", "\(receiver.typeName) has no methods", detail: "only strings, lists and records have methods", at: range)
  }

  struct UnknownMethod: Error { let name: String }

  static func stringMethod(_ name: String, _ string: String, _ call: BuiltinCall) throws -> Value {
    // The methods that walk the whole text take steps in proportion to it (see `Limits.Work`).
    switch name {
    case "split", "contains", "replace", "lines", "find": try Limits.charge(.search(string.utf8.count), at: call.range)
    case "upper", "lower", "trim": try Limits.charge(.characters(string.utf8.count), at: call.range)
    default: break
    }
    switch name {
    case "split":
      try call.expect(0, 1, labels: ["separator"])
      guard let separatorValue = call.argument(0, "separator"), case .string(let separator) = separatorValue else {
        if let given = call.argument(0, "separator"), given.typeName != "nil" { throw call.wrongType("separator", "a string", given) }
        return .list(ListObject(ScalarText.splitWhitespace(string).map(Value.string)))
      }
      return try split(string, separator)
    case "join":
      try call.expect(1, 1)
      var parts: [String] = []
      var bytes = 0
      for element in try call.list(0, "list").elements {
        guard case .string(let part) = element else {
          throw ScriptError("join() expects a list of strings, but it holds \(element.typeName)", detail: "convert the elements first, e.g. with str(x)")
        }
        bytes += part.utf8.count + string.utf8.count
        parts.append(part)
      }
      try Limits.checkString(bytes, at: call.range)
      try Limits.charge(.bytes(bytes), at: call.range)
      try Limits.charge(.elements(parts.count), at: call.range)
      return .string(ScalarText.join(parts, separator: string))
    case "starts_with":
      try call.expect(1, 1)
      return .bool(try startsWith(string, try call.string(0, "prefix"), at: call.range))
    case "ends_with":
      try call.expect(1, 1)
      return .bool(try endsWith(string, try call.string(0, "suffix"), at: call.range))
    case "contains":
      try call.expect(1, 1)
      let part = try call.string(0, "text")
      return .bool(ScalarText.contains(string, part))
    case "replace":
      try call.expect(2, 2)
      let old = try call.string(0, "old")
      let new = try call.string(1, "new")
      guard !old.isEmpty else { throw ScriptError("replace() needs a non-empty string to replace", detail: "pass the text to look for as the first argument") }
      let pieces = ScalarText.split(string, separator: old)
      try Limits.checkString(string.utf8.count + (pieces.count - 1) * new.utf8.count, at: call.range)
      return .string(ScalarText.join(pieces, separator: new))
    case "upper":
      try call.expect(0, 0)
      return .string(string.uppercased())
    case "lower":
      try call.expect(0, 0)
      return .string(string.lowercased())
    case "trim":
      try call.expect(0, 0)
      return .string(string.trimmingWhitespace())
    case "lines":
      try call.expect(0, 0)
      return .list(ListObject(ScalarText.splitValues(string, separator: "\n")))
    case "find":
      try call.expect(1, 1)
      let part = try call.string(0, "text")
      return .int(ScalarText.firstIndex(of: part, in: string) ?? -1)
    case "pad_left", "pad_right":
      try call.expect(1, 2, labels: ["fill"])
      let width = try call.int(0, "width")
      let fill = call.argument(1, "fill") == nil ? " " : try call.string(1, "fill")
      guard Builtins.length(of: fill) == 1 else {
        throw ScriptError("\(name)() fill must be one character, not \(Value.quote(fill))", detail: "pass a one-character string such as \"0\" or \" \"", code: "invalid-argument")
      }
      let missing = width - Builtins.length(of: string)
      guard missing > 0 else { return .string(string) }
      // (The width may be any int: check its size before multiplying by the fill's.)
      try Limits.checkString(missing > Limits.maxStringBytes ? missing : string.utf8.count + missing * fill.utf8.count, at: call.range)
      let padding = String(repeating: fill, count: missing)
      return .string(name == "pad_left" ? padding + string : string + padding)
    default:
      throw UnknownMethod(name: name)
    }
  }

  // The string methods that `MethodCallNode` also calls directly, when the receiver and the
  // argument are strings (the search costs are charged by the caller, as in `stringMethod`).

  /// `s.split(separator)` for a string separator.
  static func split(_ string: String, _ separator: String) throws -> Value {
    guard !separator.isEmpty else { throw emptySeparator }
    return .list(ListObject(ScalarText.splitValues(string, separator: separator)))
  }

  static let emptySeparator = ScriptError("split() separator cannot be empty", detail: "to get characters, iterate: for c in text")

  /// How many pieces `split(string, separator)` makes, without making them.
  static func splitCount(_ string: String, _ separator: String) throws -> Int {
    guard !separator.isEmpty else { throw emptySeparator }
    return ScalarText.pieceCount(string, separator: separator)
  }

  static func startsWith(_ string: String, _ prefix: String, at range: SourceRange) throws -> Bool {
    try Limits.charge(.bytes(min(prefix.utf8.count, string.utf8.count)), at: range)
    return ScalarText.hasPrefix(string, prefix)
  }

  static func endsWith(_ string: String, _ suffix: String, at range: SourceRange) throws -> Bool {
    try Limits.charge(.bytes(min(suffix.utf8.count, string.utf8.count)), at: range)
    return ScalarText.hasSuffix(string, suffix)
  }

  static func listMethod(_ name: String, _ list: ListObject, _ call: BuiltinCall) throws -> Value {
    // The methods that shift or search the whole list take steps in proportion to it.
    switch name {
    case "pop", "insert", "contains", "index_of": try Limits.charge(.elements(list.elements.count), at: call.range)
    case "extend": if case .list(let other)? = call.argument(0, "list") { try Limits.charge(.elements(other.elements.count), at: call.range) }
    default: break
    }
    switch name {
    case "append":
      try call.expect(1, 1)
      try mutable(list, call)
      try Limits.checkElements(list.elements.count + 1, at: call.range, growing: true)
      Limits.noteStore(call.positional[0], into: list)
      list.elements.append(call.positional[0])
      return .nil
    case "extend":
      try call.expect(1, 1)
      try mutable(list, call)
      let other = try call.list(0, "list")
      try Limits.checkElements(list.elements.count + other.elements.count, at: call.range)
      Limits.noteStore(other.elements, into: list)
      list.elements.append(contentsOf: other.elements)
      return .nil
    case "pop":
      try call.expect(0, 1)
      try mutable(list, call)
      guard !list.elements.isEmpty else { throw ScriptError("pop() from an empty list", detail: "check len(xs) > 0 first") }
      let index = call.positional.isEmpty ? -1 : try call.int(0, "index")
      let position = try Operators.position(index, count: list.elements.count, what: "list", at: call.range)
      return list.elements.remove(at: position)
    case "insert":
      try call.expect(2, 2)
      try mutable(list, call)
      let index = try call.int(0, "index")
      let position = index < 0 ? max(0, list.elements.count + index) : min(index, list.elements.count)
      try Limits.checkElements(list.elements.count + 1, at: call.range, growing: true)
      Limits.noteStore(call.positional[1], into: list)
      list.elements.insert(call.positional[1], at: position)
      return .nil
    case "contains":
      try call.expect(1, 1)
      return .bool(list.elements.contains { Value.equal($0, call.positional[0]) })
    case "index_of":
      try call.expect(1, 1)
      return list.elements.firstIndex { Value.equal($0, call.positional[0]) }.map(Value.int) ?? .nil
    default:
      throw UnknownMethod(name: name)
    }
  }

  static func recordMethod(_ name: String, _ record: RecordObject, _ call: BuiltinCall) throws -> Value {
    switch name {
    case "get":
      try call.expect(1, 2, labels: ["default"])
      let key = try call.string(0, "key")
      return record[key] ?? call.argument(1, "default") ?? .nil
    case "remove":
      try call.expect(1, 1)
      let key = try call.string(0, "key")
      if record.isFrozen {
        throw ScriptError("cannot change a frozen record", detail: "records that belong to a loaded module or a declaration are frozen; copy it first with { ...r } and change the copy", code: "frozen")
      }
      try Limits.charge(.elements(record.count), at: call.range)
      return record.remove(key) ?? .nil
    default:
      throw UnknownMethod(name: name)
    }
  }

  static func mutable(_ list: ListObject, _ call: BuiltinCall) throws {
    if list.isFrozen {
      throw ScriptError("cannot change a frozen list", detail: "lists that belong to a loaded module or a declaration are frozen; copy it first with xs + [] and change the copy", code: "frozen")
    }
  }
}
