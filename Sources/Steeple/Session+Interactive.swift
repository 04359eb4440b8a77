import Foundation

/// What `Session` keeps for its interactive inputs.
final class InteractiveState {
  let scope = InteractiveScope()
  var topology: [SteepleModel.Declaration] = []
  /// The fields completion offers for a kind; the session sets it from its catalog.
  var declarationFields: (String) -> [String] = { _ in [] }
}

/// The interactive mode: inputs evaluated one after another in one persistent scope, as a REPL
/// does. `steeple repl` is one client of it; an embedder can build its own.
///
/// ```swift
/// let session = Session()
/// session.evaluate("let region = \"us-east-2\"")
/// session.evaluate("let shared = account \"shared\" { region: region }")
/// session.evaluate("region.upper()").value       // .string("US-EAST-2")
/// session.topology.declarations.map(\.name)      // ["shared"]
/// Session.needsMoreInput("fn f(x) {")            // true: read another line
/// session.completions(for: "region.up", at: 9)   // "upper"
/// ```
///
/// Each input sees the names of the inputs before it. Within one input the checks are those of a
/// file; declaring a name an earlier input declared shadows it from then on (functions defined
/// before keep the binding they were resolved against). An input with errors changes no names and
/// adds nothing to `topology`; the session goes on. With the default host, the model's static
/// checks run on the session's whole topology after each input and report what concerns that
/// input (they do not undo it: declare again to fix it). `run(file:)` and `run(source:)` stay
/// independent of all this: each is a fresh program.
extension Session {
  /// Evaluates one input in the session's scope. `Outcome.globals` are the names the input
  /// declared, `Outcome.value` the value of its last line when that is an expression, and
  /// `Outcome.topology` the declarations it made. Diagnostics number its lines from `firstLine`
  /// (a REPL reading a file gives the file's). Never throws; `cancel()` stops it.
  @discardableResult
  public func evaluate(_ input: String, name: String = "<input>", firstLine: Int = 1) -> Outcome {
    evaluate(SourceFile(name: name, text: input, firstLine: firstLine))
  }

  /// Evaluates a file in the session's scope, as if its text were typed: its top-level names
  /// join the session. A file that cannot be read is a diagnostic.
  @discardableResult
  public func evaluate(file path: String) -> Outcome {
    switch Self.read(path, limit: maxScriptSize) {
    case .success(let file): return evaluate(file)
    case .failure(let diagnostic): return Outcome(diagnostics: [diagnostic], topology: .empty, globals: [], value: nil)
    }
  }

  @discardableResult
  public func evaluate(_ file: SourceFile) -> Outcome {
    model?.earlierInputs = interactive.topology
    let result = LargeStack.run { interpreter.evaluate(file, in: interactive.scope) }
    guard result.succeeded, let model else {
      return Outcome(diagnostics: result.diagnostics, topology: .empty, globals: result.globals, value: result.value)
    }
    let declared = model.topology
    accept(declared.declarations)
    var diagnostics = result.diagnostics
    if checksTopology {
      // The host's own problems (a function as a field) come before its checks of this input alone,
      // which are left for the checks of the whole session, limited to what this input wrote.
      diagnostics += model.problems
        + ModelDiagnostics.placed(topology.check(model.catalog), in: topology.declarations).filter { $0.range?.file === file }
    }
    return Outcome(diagnostics: diagnostics, topology: declared, globals: result.globals, value: result.value)
  }

  /// The top-level names the next input sees, newest first, with their current values.
  public var names: [InteractiveScope.Binding] { interactive.scope.bindings }

  /// The value of a top-level name of the interactive scope.
  public subscript(name: String) -> Value? { interactive.scope[name] }

  /// What the successful inputs declared, in order. A declaration with the identity of an
  /// earlier one (the same kind and name; for `verify`, the same check between the same
  /// workloads) replaces it in place: in a REPL, typing a declaration again is how it is changed.
  /// Empty when the embedder gave its own host.
  public var topology: Topology { Topology(SharedNameIdentities.qualified(interactive.topology)) }

  /// The field names a declaration kind (`account`, `aws.role`, ...) takes, offered by
  /// `completions` inside its `{ }`: by default those of the model's schema; completion adds the
  /// fields earlier declarations of the kind used.
  public var declarationFields: (String) -> [String] {
    get { interactive.declarationFields }
    set { interactive.declarationFields = newValue }
  }

  /// Forgets every name and declaration of the interactive scope. Loaded modules stay cached.
  public func reset() {
    interactive.scope.reset()
    interactive.topology = []
  }

  /// Reads the file of the module bound to `name` again (after it changed) and binds `name` to
  /// the new module. Every file module is read again on its next import, so modules it imports
  /// are fresh too; functions defined before keep the module they were resolved against.
  @discardableResult
  public func reload(module name: String) -> Outcome {
    guard case .module(let module)? = interactive.scope[name] else {
      let modules = names.filter { $0.kind == "module" }.map(\.name)
      let diagnostic = Diagnostic(
        code: "not-a-module", "'\(name)' is not an imported module",
        detail: modules.isEmpty ? "import one first: import \"naming\"" : "the imported modules are: \(modules.joined(separator: ", "))",
        at: nil, suggestion: Spelling.nearest(to: name, in: modules))
      return Outcome(diagnostics: [diagnostic], topology: .empty, globals: [], value: nil)
    }
    guard module.origin != "host" else {
      let diagnostic = Diagnostic(code: "host-module", "module '\(name)' comes from the host, not a file", detail: "only modules read from files can be reloaded", at: nil)
      return Outcome(diagnostics: [diagnostic], topology: .empty, globals: [], value: nil)
    }
    interpreter.forgetLoadedModules()
    return evaluate("import \(Value.quote(module.origin)) as \(name)", name: "<reload>")
  }

  /// Whether `input` stops in the middle of something: an open bracket, brace or paren, an open
  /// `"""` string or comment, or a statement cut short (`let x =`). A REPL reads another line
  /// while this holds.
  public static func needsMoreInput(_ input: String) -> Bool {
    Parser.needsMoreInput(SourceFile(name: "<input>", text: input))
  }

  private func accept(_ declarations: [SteepleModel.Declaration]) {
    for declaration in declarations {
      if let index = interactive.topology.firstIndex(where: { $0.id == declaration.id }) {
        interactive.topology[index] = declaration
      } else {
        interactive.topology.append(declaration)
      }
    }
  }
}
