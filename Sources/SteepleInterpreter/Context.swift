/// Where running code finds its variables: passed to every node as it evaluates.
struct Context {
  /// The running function's own variables: a window of the runtime's value stack, or the slots
  /// of its heap frame.
  let locals: UnsafeMutablePointer<Value>
  /// The frame the running function was defined in; variables of enclosing functions and of the
  /// module are found by walking out from it.
  let environment: Frame?
  /// The running function's heap frame, when it has one: modules, and functions that define
  /// closures, which capture it.
  let own: Frame?
  let runtime: Runtime

  /// The frame of the function `depth` levels out (1 is the enclosing one).
  @inline(__always) func outer(_ depth: Int) -> Frame {
    environment.unsafelyUnwrapped.outer(depth - 1)
  }
}
