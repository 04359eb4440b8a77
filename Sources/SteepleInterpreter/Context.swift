import SteepleSyntax

/// Where running code finds its variables: passed to every node as it evaluates.
///
/// The references are `unowned(unsafe)`: a context lives only while its function runs, and
/// everything it names outlives that (the runtime runs the call, the call holds the function and
/// its frame, the function holds the frame it was defined in). So making and passing a context
/// costs no reference counting.
struct Context {
  /// The running function's own variables: a window of the runtime's value stack, or the slots
  /// of its heap frame.
  let locals: UnsafeMutablePointer<Value>
  /// The frame the running function was defined in; variables of enclosing functions and of the
  /// module are found by walking out from it.
  unowned(unsafe) let environment: Frame?
  /// The running function's heap frame, when it has one: modules, and functions that define
  /// closures, which capture it.
  unowned(unsafe) let own: Frame?
  unowned(unsafe) let runtime: Runtime
  /// The runtime's hot state, reached without touching the runtime object.
  let registers: UnsafeMutablePointer<Registers>

  init(locals: UnsafeMutablePointer<Value>, environment: Frame?, own: Frame?, runtime: Runtime) {
    self.locals = locals
    self.environment = environment
    self.own = own
    self.runtime = runtime
    self.registers = runtime.registers
  }

  /// A context for a call made from `caller`, in the same run.
  @inline(__always)
  init(locals: UnsafeMutablePointer<Value>, environment: Frame?, own: Frame?, _ caller: Context) {
    self.locals = locals
    self.environment = environment
    self.own = own
    self.runtime = caller.runtime
    self.registers = caller.registers
  }

  /// Counts one step (see `Runtime.step`).
  @inline(__always) func step(_ range: @autoclosure () -> SourceRange) throws {
    registers.pointee.fuel &-= 1
    if registers.pointee.fuel < 0 { try runtime.refuel(at: range()) }
  }

  /// The value a `return` hands to the call that is finishing.
  @inline(__always) func setReturnValue(_ value: Value) {
    Value.assign(value, to: registers.pointee.returnValue)
  }

  /// The frame of the function `depth` levels out (1 is the enclosing one).
  @inline(__always) func outer(_ depth: Int) -> Frame {
    environment.unsafelyUnwrapped.outer(depth - 1)
  }

  /// The variables of the function `depth` levels out (1 is the enclosing one), found without
  /// retaining the frames on the way.
  @inline(__always) func outerSlots(_ depth: Int) -> UnsafeMutablePointer<Value> {
    var frame = Unmanaged.passUnretained(environment.unsafelyUnwrapped)
    var remaining = depth - 1
    while remaining > 0 {
      frame = frame._withUnsafeGuaranteedRef { Unmanaged.passUnretained($0.parent.unsafelyUnwrapped) }
      remaining -= 1
    }
    return frame._withUnsafeGuaranteedRef { $0.slots }
  }
}
