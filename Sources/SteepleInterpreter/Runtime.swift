import SteepleSyntax
import Synchronization

/// Cancels a run from any thread; the run stops at its next step with a clean error.
public final class CancellationToken: Sendable {
  private let flag = Atomic<Bool>(false)

  public init() {}

  public func cancel() { flag.store(true, ordering: .relaxed) }
  /// Clears a cancellation, for the next run.
  public func reset() { flag.store(false, ordering: .relaxed) }
  public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// The state of a run that every call and statement touches, kept out of `Runtime` so that running
/// code reaches it through a plain pointer (`Context.registers`), with no reference counting.
struct Registers {
  /// Steps left in the current chunk.
  var fuel = 0
  var depth = 0
  /// The first free slot of the value stack.
  var top = 0
  /// Where a `return` leaves its value for the call that is finishing; `nil` at other times.
  let returnValue: UnsafeMutablePointer<Value>
  /// Locals of running functions that need no heap frame.
  let stack: UnsafeMutablePointer<Value>
  let maxDepth: Int
  /// Where the native stack ends (see `StackBounds`).
  let stackLimit: StackBounds
  /// The interpreter's cycle breaker, unretained (the runtime holds it): heap frames are tracked
  /// in it.
  let cycleBreaker: Unmanaged<CycleBreaker>
  /// The calls in progress, by depth (entry 0 unused); calls deeper than
  /// `Runtime.callSiteCapacity` are not recorded.
  let callSites: UnsafeMutablePointer<CallSite>
}

/// The state of one run: the step budget, the call depth and the value being returned.
///
/// Steps are counted down in chunks: the hot path decrements one integer and compares it with zero;
/// only at the end of a chunk does `refuel` look at the budget and the cancellation flag.
final class Runtime {
  unowned let interpreter: Interpreter
  /// The hot state (see `Registers`).
  let registers: UnsafeMutablePointer<Registers>
  /// Steps left in the current chunk.
  var fuel: Int {
    get { registers.pointee.fuel }
    set { registers.pointee.fuel = newValue }
  }
  var depth: Int {
    get { registers.pointee.depth }
    set { registers.pointee.depth = newValue }
  }
  /// The first free slot of the value stack.
  var top: Int {
    get { registers.pointee.top }
    set { registers.pointee.top = newValue }
  }
  /// The value a `return` hands to the call that is finishing.
  var returnValue: Value {
    get { registers.pointee.returnValue.pointee }
    set { registers.pointee.returnValue.pointee = newValue }
  }
  /// Locals of running functions that need no heap frame. Reserved address space: the system
  /// backs only the pages a run touches.
  let stack: UnsafeMutablePointer<Value>
  static let stackCapacity = 1 << 20
  /// Where each call in progress was made (see `CallSite`); reserved address space, as `stack`.
  let callSites: UnsafeMutablePointer<CallSite>
  static let callSiteCapacity = 1 << 16
  /// Steps left in the budget beyond the current chunk; `Int.max` when unlimited.
  var reserve: Int
  let budget: Int?
  /// The call-count limit; `Int.max` when only the stack limits calls.
  let maxDepth: Int
  /// The lowest native stack address a call may start at (see `StackBounds`).
  let stackLimit: StackBounds
  let maxMemory: Int?
  let cancellation: CancellationToken
  /// The interpreter's, held here so that each heap frame reaches it without going through the
  /// unowned interpreter reference.
  let cycleBreaker: CycleBreaker

  static let chunk = 1024

  init(interpreter: Interpreter, options: Interpreter.Options, cancellation: CancellationToken) {
    self.interpreter = interpreter
    self.budget = options.maxSteps
    self.reserve = options.maxSteps ?? Int.max
    self.maxDepth = options.maxCallDepth ?? Int.max
    self.maxMemory = options.maxMemory
    self.stackLimit = StackBounds.current()
    self.cancellation = cancellation
    self.cycleBreaker = interpreter.cycleBreaker
    stack = .allocate(capacity: Self.stackCapacity)
    callSites = .allocate(capacity: Self.callSiteCapacity)
    let returnValue = UnsafeMutablePointer<Value>.allocate(capacity: 1)
    returnValue.initialize(to: .nil)
    registers = .allocate(capacity: 1)
    registers.initialize(to: Registers(
      returnValue: returnValue, stack: stack, maxDepth: maxDepth, stackLimit: stackLimit,
      cycleBreaker: Unmanaged.passUnretained(cycleBreaker), callSites: callSites))
  }

  deinit {
    registers.pointee.returnValue.deinitialize(count: 1)
    registers.pointee.returnValue.deallocate()
    registers.deinitialize(count: 1)
    registers.deallocate()
    stack.deallocate()
    callSites.deallocate()
  }

  /// The calls in progress, innermost first, as a diagnostic's stack shows them: at most the
  /// innermost `maxRecordedFrames` (a declaration in deep recursion must not copy the whole
  /// stack), and none deeper than `callSiteCapacity`, past which calls are not recorded.
  func callStack() -> [Diagnostic.StackFrame] {
    let depth = registers.pointee.depth
    guard depth > 0, depth < Self.callSiteCapacity else { return [] }
    let outermost = max(1, depth - Self.maxRecordedFrames + 1)
    return (outermost...depth).reversed().map { callSites[$0].frame }
  }

  static let maxRecordedFrames = 64

  /// Steps taken so far.
  var stepsTaken: Int {
    guard let budget else { return 0 }
    return budget - reserve - max(0, fuel)
  }

  /// Counts one step; called at every statement, loop iteration and call.
  @inline(__always) func step(_ range: @autoclosure () -> SourceRange) throws {
    fuel &-= 1
    if fuel < 0 { try refuel(at: range()) }
  }

  func refuel(at range: SourceRange) throws {
    if cancellation.isCancelled {
      throw Diagnostic(code: "cancelled", "the run was cancelled", detail: "it was stopped here on request (Ctrl-C, or the program running the script cancelled it)", at: range)
    }
    if reserve <= 0 {
      let steps = budget ?? 0
      throw Diagnostic(
        code: "step-budget", "the step budget of \(steps) step\(steps == 1 ? "" : "s") is used up",
        detail: "the script ran this far before it was stopped; look for a loop that does not end, or raise the budget (--max-steps)",
        at: range)
    }
    let next = min(Self.chunk, reserve)
    reserve -= next
    fuel = next - 1
  }

  // MARK: Errors

  func error(_ code: String, _ summary: String, _ detail: String, at range: SourceRange, suggestion: String? = nil) -> Diagnostic {
    Diagnostic(code: code, summary, detail: detail, at: range, suggestion: suggestion)
  }

  func diagnostic(_ error: ScriptError, at range: SourceRange) -> Diagnostic {
    Diagnostic(code: error.code, error.summary, detail: error.detail, at: range, suggestion: error.suggestion)
  }

  // MARK: Calls

  /// Calls any callable value with arguments already evaluated.
  func call(_ callee: Value, positional: [Value], keywords: [(String, Value)], at range: SourceRange) throws -> Value {
    switch callee {
    case .function(let function):
      let code = function.code
      if positional.count > code.parameterNames.count {
        throw tooManyArguments(function, given: positional.count, at: range)
      }
      return try call(function, at: range) { locals in
        var bound = [Bool](repeating: false, count: code.parameterNames.count)
        for (index, value) in positional.enumerated() {
          locals[index] = value
          bound[index] = true
        }
        for (label, value) in keywords {
          let position = try parameterIndex(function, label, at: range)
          if bound[position] {
            throw error("duplicate-argument", "argument '\(label)' of \(code.name)() is given twice",
              "pass it either by position or by label, not both", at: range)
          }
          locals[position] = value
          bound[position] = true
        }
        try fillDefaults(function, locals, bound, at: range)
      }
    case .builtin(let builtin):
      return try callBuiltin(builtin, positional: positional, keywords: keywords.map { (label: $0.0, value: $0.1) }, at: range)
    case .method(let method):
      return try Methods.call(method.name, on: method.receiver, positional: positional, keywords: keywords, runtime: self, at: range)
    default:
      throw error("not-callable", "\(callee.typeName) is not a function", "only functions can be called with (...)", at: range)
    }
  }

  func callBuiltin(_ builtin: BuiltinFunction, positional: [Value], keywords: [(label: String, value: Value)], at range: SourceRange) throws -> Value {
    try step(range)
    do {
      return try builtin.body(BuiltinCall(name: builtin.name, positional: positional, keywords: keywords, range: range, runtime: self))
    } catch let failure as ScriptError {
      throw diagnostic(failure, at: range)
    }
  }

  /// Calls a function: makes its locals (a window of the value stack, or a heap frame when it
  /// defines closures or the stack is full), lets `bind` put the arguments in, and runs the body.
  @inline(__always)
  func call(_ function: FunctionObject, at range: SourceRange, bind: (UnsafeMutablePointer<Value>) throws -> Void) throws -> Value {
    let count = function.slotCount
    let top = self.top
    if function.needsHeapFrame || top + count > Self.stackCapacity {
      let frame = Frame(parent: function.captured, count: count)
      frame.track(in: cycleBreaker)
      if !function.uninitializedSlots.isEmpty {
        for slot in function.uninitializedSlots { frame[slot] = Uninitialized.value }
      }
      try bind(frame.slots)
      return try invoke(function, Context(locals: frame.slots, environment: function.captured, own: frame, runtime: self), at: range)
    }
    let base = stack + top
    base.initialize(repeating: .nil, count: count)
    self.top = top + count
    defer {
      for index in 0..<count { _ = (base + index).move() }
      self.top = top
    }
    try bind(base)
    return try invoke(function, Context(locals: base, environment: function.captured, own: nil, runtime: self), at: range)
  }

  /// Calls a function with exactly as many positional arguments as it has parameters, evaluating
  /// them (in the caller's context `c`) straight into its locals. Static, and working through
  /// `c.registers`, so that a call costs no reference counting on the runtime.
  @inline(__always)
  static func call(
    _ function: FunctionObject, arguments: UnsafeMutablePointer<Unmanaged<ExpressionNode>>, count argumentCount: Int,
    _ c: Context, at range: SourceRange
  ) throws -> Value {
    let registers = c.registers
    let count = function.slotCount
    let top = registers.pointee.top
    if function.needsHeapFrame || top + count > Self.stackCapacity {
      return try callWithFrame(function, arguments: arguments, count: argumentCount, c, at: range)
    }
    // The window is claimed before the arguments are evaluated, so calls among them use the
    // stack above it. `.nil` needs no destroying, so an argument's value overwrites it in place.
    let base = registers.pointee.stack + top
    var index = argumentCount
    while index < count {
      (base + index).initialize(to: .nil)
      index += 1
    }
    registers.pointee.top = top + count
    defer {
      var index = 0
      while index < count {
        Value.release(base + index)
        index += 1
      }
      registers.pointee.top = top
    }
    index = 0
    do {
      while index < argumentCount {
        (base + index).initialize(to: try arguments[index]._withUnsafeGuaranteedRef { try $0.evaluate(c) })
        index += 1
      }
    } catch {
      // The arguments not evaluated yet still need a value for the clean-up above.
      while index < argumentCount {
        (base + index).initialize(to: .nil)
        index += 1
      }
      throw error
    }
    return try invoke(function, Context(locals: base, environment: function.captured, own: nil, c), at: range)
  }

  /// `call` for a function whose locals live in a heap frame: out of line, so that the
  /// value-stack path stays small.
  @inline(never)
  static func callWithFrame(
    _ function: FunctionObject, arguments: UnsafeMutablePointer<Unmanaged<ExpressionNode>>, count argumentCount: Int,
    _ c: Context, at range: SourceRange
  ) throws -> Value {
    let frame = Frame(parent: function.captured, count: function.slotCount)
    c.registers.pointee.cycleBreaker._withUnsafeGuaranteedRef { frame.track(in: $0) }
    if !function.uninitializedSlots.isEmpty {
      for slot in function.uninitializedSlots { frame[slot] = Uninitialized.value }
    }
    for index in 0..<argumentCount {
      frame.slots[index] = try arguments[index]._withUnsafeGuaranteedRef { try $0.evaluate(c) }
    }
    return try invoke(function, Context(locals: frame.slots, environment: function.captured, own: frame, c), at: range)
  }

  /// Runs a function whose locals hold its arguments.
  @inline(__always)
  func invoke(_ function: FunctionObject, _ context: Context, at range: SourceRange) throws -> Value {
    try Self.invoke(function, context, at: range)
  }

  /// Runs a function whose locals (in `context`) hold its arguments.
  @inline(__always)
  static func invoke(_ function: FunctionObject, _ context: Context, at range: SourceRange) throws -> Value {
    let registers = context.registers
    try context.step(range)
    registers.pointee.depth += 1
    defer { registers.pointee.depth -= 1 }
    let depth = registers.pointee.depth
    if depth > registers.pointee.maxDepth {
      throw tooDeep(registers.pointee.maxDepth, at: range)
    }
    if depth < callSiteCapacity { registers.pointee.callSites[depth] = CallSite(function, at: range) }
    if registers.pointee.stackLimit.isNearlyFull() {
      throw stackNearlyFull(registers.pointee.depth, at: range)
    }
    do {
      if try function.body.run(context) == .returned {
        // Moved out, leaving `nil`: no copy, no reference counting.
        let slot = registers.pointee.returnValue
        let value = slot.move()
        slot.initialize(to: .nil)
        return value
      }
      return .nil
    } catch {
      throw addingFrame(to: error, function, at: range)
    }
  }

  @inline(never)
  static func stackNearlyFull(_ depth: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(code: "call-depth", "too many nested calls (\(depth) deep): the stack is nearly full",
      detail: "a function probably calls itself without end; check its base case", at: range)
  }

  @inline(never)
  static func tooDeep(_ maxDepth: Int, at range: SourceRange) -> Diagnostic {
    Diagnostic(code: "call-depth", "too many nested calls (more than \(maxDepth))",
      detail: "a function probably calls itself without end; check its base case", at: range)
  }

  /// A diagnostic leaving a call gets the call on its stack (up to 10,000 of them).
  @inline(never)
  static func addingFrame(to error: any Error, _ function: FunctionObject, at range: SourceRange) -> any Error {
    guard var diagnostic = error as? Diagnostic else { return error }
    if diagnostic.stack.count < 10_000 {
      diagnostic.stack.append(.init(function: function.code.name, range: range))
    }
    return diagnostic
  }

  func parameterIndex(_ function: FunctionObject, _ label: String, at range: SourceRange) throws -> Int {
    if let position = function.code.parameterNames.firstIndex(of: label) { return position }
    let names = function.code.parameterNames
    throw Diagnostic(
      code: "unknown-argument", "\(function.code.name)() has no parameter named '\(label)'",
      detail: names.isEmpty ? "\(function.code.name)() takes no arguments" : "its parameters are: \(names.joined(separator: ", "))",
      at: range, notes: [.init("\(function.code.name) is defined here", at: function.code.range)],
      suggestion: Spelling.nearest(to: label, in: names))
  }

  func tooManyArguments(_ function: FunctionObject, given: Int, at range: SourceRange) -> Diagnostic {
    let count = function.code.parameterNames.count
    return Diagnostic(
      code: "argument-count", "\(function.code.name)() takes \(count) argument\(count == 1 ? "" : "s"), but \(given) were given",
      detail: "remove the extra arguments", at: range,
      notes: [.init("\(function.code.name) is defined here", at: function.code.range)])
  }

  func fillDefaults(_ function: FunctionObject, _ locals: UnsafeMutablePointer<Value>, _ bound: [Bool], at range: SourceRange) throws {
    for position in bound.indices where !bound[position] {
      guard let value = function.defaults[position] else {
        let name = function.code.parameterNames[position]
        throw Diagnostic(
          code: "missing-argument", "missing argument '\(name)' in call to \(function.code.name)()",
          detail: "pass a value for '\(name)'", at: range,
          notes: [.init("'\(name)' is declared here", at: function.code.parameterRanges[position])])
      }
      locals[position] = value
    }
  }
}
