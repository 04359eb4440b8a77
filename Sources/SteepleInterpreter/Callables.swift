public import SteepleSyntax

/// A function written in Steeple, with the frame it was defined in.
public final class FunctionObject {
  let code: FunctionCode
  let captured: Frame?
  /// Default values of parameters, evaluated when the function was defined.
  let defaults: [Value?]
  /// Copies of the code's body and frame size, read on every call: `let`s cost no access checks.
  let body: StatementList
  let slotCount: Int
  let parameterCount: Int
  let needsHeapFrame: Bool
  let uninitializedSlots: [Int]

  init(code: FunctionCode, captured: Frame?, defaults: [Value?]) {
    self.code = code
    self.captured = captured
    self.defaults = defaults
    self.body = code.body
    self.slotCount = code.slotCount
    self.parameterCount = code.parameterNames.count
    self.needsHeapFrame = code.needsHeapFrame
    self.uninitializedSlots = code.uninitializedSlots
  }

  /// The function's name, or `<anonymous>`.
  public var name: String { code.name }
  public var parameterNames: [String] { code.parameterNames }
  /// Where the function is written.
  public var range: SourceRange { code.range }

  func freeze() {
    captured?.freeze()
    for value in defaults { value?.freeze() }
  }
}

/// The compiled form of a function literal, shared by every closure made from it.
final class FunctionCode {
  let name: String
  let parameterNames: [String]
  let parameterRanges: [SourceRange]
  let range: SourceRange
  var slotCount = 0
  var body = StatementList.empty
  /// Whether the function defines closures, which capture its variables: then they live in a heap
  /// frame instead of on the value stack.
  var needsHeapFrame = false
  /// Slots of its heap frame that start as `Uninitialized.value`: variables that functions nested
  /// in it read above their declaration.
  var uninitializedSlots: [Int] = []

  init(name: String, parameterNames: [String], parameterRanges: [SourceRange], range: SourceRange) {
    self.name = name
    self.parameterNames = parameterNames
    self.parameterRanges = parameterRanges
    self.range = range
  }
}

/// The arguments of a call to a builtin, with helpers that check them and say what is wrong.
public struct BuiltinCall {
  public let name: String
  public let positional: [Value]
  public let keywords: [(label: String, value: Value)]
  /// The call's range, for errors a host wants to attach elsewhere.
  public let range: SourceRange
  let runtime: Runtime

  /// The calls that led to this one, innermost first (see `DeclarationRecord.callStack`).
  public var callStack: [Diagnostic.StackFrame] { runtime.callStack() }

  /// The argument at `position`, or given with `label`, or `nil` when absent.
  public func argument(_ position: Int, _ label: String) -> Value? {
    if position < positional.count { return positional[position] }
    return keywords.first(where: { $0.label == label })?.value
  }

  /// Fails unless the call has between `min` and `max` arguments and only these labels.
  public func expect(_ min: Int, _ max: Int, labels: [String] = []) throws {
    let total = positional.count + keywords.count
    for keyword in keywords where !labels.contains(keyword.label) {
      throw ScriptError(
        "\(name)() has no parameter '\(keyword.label)'",
        detail: labels.isEmpty ? "\(name)() takes positional arguments only" : "its labelled parameters are: \(labels.joined(separator: ", "))",
        suggestion: Spelling.nearest(to: keyword.label, in: labels), code: "unknown-argument")
    }
    if total < min || total > max {
      let expected = min == max ? "\(min)" : max == Int.max ? "at least \(min)" : "\(min) to \(max)"
      throw ScriptError(
        "\(name)() takes \(expected) argument\(min == 1 && (max == 1 || max == Int.max) ? "" : "s"), but \(total) \(total == 1 ? "was" : "were") given",
        detail: "check the call against \(name)()'s parameters", code: "argument-count")
    }
  }

  /// The argument as a string, or an error naming the parameter.
  public func string(_ position: Int, _ label: String) throws -> String {
    guard let value = argument(position, label) else { throw missing(label) }
    guard case .string(let string) = value else { throw wrongType(label, "a string", value) }
    return string
  }

  public func int(_ position: Int, _ label: String) throws -> Int {
    guard let value = argument(position, label) else { throw missing(label) }
    guard case .int(let int) = value else { throw wrongType(label, "an int", value) }
    return int
  }

  public func list(_ position: Int, _ label: String) throws -> ListObject {
    guard let value = argument(position, label) else { throw missing(label) }
    guard case .list(let list) = value else { throw wrongType(label, "a list", value) }
    return list
  }

  public func record(_ position: Int, _ label: String) throws -> RecordObject {
    guard let value = argument(position, label) else { throw missing(label) }
    guard case .record(let record) = value else { throw wrongType(label, "a record", value) }
    return record
  }

  /// The argument as something callable: a function, builtin or bound method.
  public func callable(_ position: Int, _ label: String) throws -> Value {
    guard let value = argument(position, label) else { throw missing(label) }
    switch value {
    case .function, .builtin, .method: return value
    default: throw wrongType(label, "a function", value)
    }
  }

  /// Calls a Steeple function (or builtin) value with these arguments.
  public func invoke(_ callee: Value, _ arguments: [Value], keywords: [(String, Value)] = []) throws -> Value {
    try runtime.call(callee, positional: arguments, keywords: keywords, at: range)
  }

  /// Writes text the way `print` does.
  public func output(_ text: String) { runtime.interpreter.output(text) }

  func missing(_ label: String) -> ScriptError {
    ScriptError("\(name)() is missing its '\(label)' argument", detail: "pass \(label) to \(name)()")
  }

  func wrongType(_ label: String, _ expected: String, _ value: Value) -> ScriptError {
    ScriptError(
      "\(name)() expects \(expected) for '\(label)', but got \(value.typeName)",
      detail: "pass \(expected) as \(label)")
  }
}

/// A function implemented in Swift: the core builtins, and whatever an embedder adds.
///
/// Immutable; it is `Sendable` so builtins can be shared, and its body runs on whichever thread runs
/// the interpreter that calls it.
public final class BuiltinFunction: @unchecked Sendable {
  public let name: String
  /// One line for help and completion: how to call it and what it does.
  public let summary: String
  let body: (BuiltinCall) throws -> Value

  public init(_ name: String, summary: String = "", _ body: @escaping (BuiltinCall) throws -> Value) {
    self.name = name
    self.summary = summary
    self.body = body
  }
}

/// A method bound to its receiver: the value of `xs.append` or `"a".upper` without a call.
public final class BoundMethod {
  public let receiver: Value
  public let name: String

  init(receiver: Value, name: String) {
    self.receiver = receiver
    self.name = name
  }
}

/// An error raised by a builtin or host: a summary, what to do, and maybe a close name. The
/// interpreter adds the range of the call and the call stack.
public struct ScriptError: Error, Sendable {
  public var summary: String
  public var detail: String?
  public var suggestion: String?
  public var code: String

  public init(_ summary: String, detail: String? = nil, suggestion: String? = nil, code: String = "runtime-error") {
    self.summary = summary
    self.detail = detail
    self.suggestion = suggestion
    self.code = code
  }
}
