import SteepleSyntax

/// One call in progress: the function called and where, recorded as each call starts so that a
/// declaration made inside functions can keep the calls that led to it (the model finds problems
/// in it only after the script has run, when the calls have long returned).
///
/// Kept without reference counting, as `Context` is: a call site lives only while its call runs,
/// and the function and the source file outlive that.
struct CallSite {
  unowned(unsafe) let function: FunctionObject
  unowned(unsafe) let file: SourceFile
  let start: Int
  let end: Int

  @inline(__always)
  init(_ function: FunctionObject, at range: SourceRange) {
    self.function = function
    self.file = range.file
    self.start = range.start
    self.end = range.end
  }

  var frame: Diagnostic.StackFrame {
    Diagnostic.StackFrame(function: function.code.name, range: SourceRange(file: file, start: start, end: end))
  }
}
