public import SteepleSyntax

/// Runs Steeple scripts.
///
/// An interpreter owns everything a run touches: the host that receives declarations, the module
/// loader and cache, the output, the step budget and the cancellation token. Nothing is global, so
/// several interpreters can run side by side on different threads. One interpreter is used from
/// one thread at a time.
public final class Interpreter {
  public struct Options: Sendable {
    /// The most steps (statements, loop iterations and calls) a run may take; `nil` for no limit.
    public var maxSteps: Int?
    /// The deepest nesting of calls before a run stops with an error.
    public var maxCallDepth: Int

    public init(maxSteps: Int? = nil, maxCallDepth: Int = 1000) {
      self.maxSteps = maxSteps
      self.maxCallDepth = maxCallDepth
    }
  }

  public var options: Options
  public var host: any DeclarationHost
  public var loader: any ModuleLoader
  /// Receives what `print` writes, line breaks included.
  public var output: (String) -> Void
  /// Names every script sees besides the builtins: an embedder's own functions and values.
  public private(set) var predeclared: [String: Value] = [:]
  /// Namespaces an embedder supplies, imported by name before any file is looked for.
  public private(set) var hostModules: [String: ModuleObject] = [:]
  public let cancellation = CancellationToken()

  private var modules: [String: ModuleObject] = [:]
  private var loading: [(id: String, file: SourceFile, range: SourceRange?)] = []
  private var runtime: Runtime?

  public init(
    options: Options = Options(), host: any DeclarationHost = RecordingHost(), loader: any ModuleLoader = NoModuleLoader(),
    output: @escaping (String) -> Void = { print($0, terminator: "") }
  ) {
    self.options = options
    self.host = host
    self.loader = loader
    self.output = output
  }

  /// Makes `name` visible to every script, as a builtin is.
  public func define(_ name: String, _ value: Value) { predeclared[name] = value }

  /// Adds a builtin function.
  public func define(_ builtin: BuiltinFunction) { predeclared[builtin.name] = .builtin(builtin) }

  /// Adds a namespace that `import "name"` finds.
  public func addModule(_ module: ModuleObject) { hostModules[module.name] = module }

  /// The names of the core builtins.
  public static var builtinNames: [String] { Builtins.all.map(\.name) }

  /// What a run produced.
  public struct Result {
    /// Every error found, in the order found. Empty when the run succeeded.
    public var diagnostics: [Diagnostic]
    /// The script's top-level names and their values, when it ran to the end.
    public var globals: [(name: String, value: Value)]
    /// The value of the script's last statement when that is an expression.
    public var value: Value?
    /// Steps taken, when a budget was set.
    public var steps: Int

    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
  }

  /// Parses, resolves and runs a file, with its imports. Never throws: problems are diagnostics.
  ///
  /// Runs on the caller's thread: scripts may nest calls up to `maxCallDepth`, so give the thread
  /// a large stack or lower the limit (`Session` runs scripts on a thread of its own with a large
  /// stack). A `cancel()` made before the run starts does not carry over into it.
  public func run(_ file: SourceFile) -> Result {
    cancellation.reset()
    host.runWillStart()
    let runtime = Runtime(interpreter: self, budget: options.maxSteps, maxDepth: options.maxCallDepth, cancellation: cancellation)
    self.runtime = runtime
    defer { self.runtime = nil }
    loading = [(loader.identity(of: file), file, nil)]
    defer { loading = [] }
    var result = Result(diagnostics: [], globals: [], value: nil, steps: 0)
    // Operations on big values charge the budget through the meter (see `Limits.Work`).
    let outcome = Limits.$meter.withValue(Limits.Meter(runtime: runtime)) { execute(file, runtime: runtime) }
    result.diagnostics = outcome.diagnostics
    if let frame = outcome.frame, outcome.diagnostics.isEmpty {
      result.globals = outcome.module.exports.map { ($0.name, frame[$0.slot]) }
      if let slot = outcome.resultSlot { result.value = frame[slot] }
    }
    result.steps = runtime.stepsTaken
    return result
  }

  /// Runs source text under a name such as `<string>`.
  public func run(_ text: String, name: String = "<string>") -> Result {
    run(SourceFile(name: name, text: text))
  }

  /// Calls a function value from Swift, as a script would.
  public func call(_ function: Value, _ arguments: [Value], keywords: [(String, Value)] = []) throws -> Value {
    let runtime = self.runtime ?? Runtime(interpreter: self, budget: options.maxSteps, maxDepth: options.maxCallDepth, cancellation: cancellation)
    let range: SourceRange
    if case .function(let object) = function { range = object.range } else { range = SourceRange(file: SourceFile(name: "<host>", text: ""), start: 0, end: 0) }
    return try Limits.$meter.withValue(Limits.Meter(runtime: runtime)) {
      try runtime.call(function, positional: arguments, keywords: keywords, at: range)
    }
  }

  private struct Outcome {
    var diagnostics: [Diagnostic]
    var module: Compiler.CompiledModule
    var frame: Frame?
    var resultSlot: Int?
    /// For an input of an interactive session: its scope, to add to the session's.
    var link: InteractiveScope.Link? = nil
  }

  /// Parses, resolves and runs one input of an interactive session in the scope the earlier inputs
  /// built: it sees their names, and a name it declares shadows an earlier one of the same name
  /// (within the input, the checks are those of a file). When the input runs to the end, the names
  /// it declared join `scope` and `Result.globals` lists them; when it has errors, `scope` is as it
  /// was (changes it made to earlier variables and declarations it made before a runtime error stay).
  /// Runs on the caller's thread, as `run` does.
  public func evaluate(_ file: SourceFile, in scope: InteractiveScope) -> Result {
    cancellation.reset()
    host.runWillStart()
    let runtime = Runtime(interpreter: self, budget: options.maxSteps, maxDepth: options.maxCallDepth, cancellation: cancellation)
    self.runtime = runtime
    defer { self.runtime = nil }
    loading = [(loader.identity(of: file), file, nil)]
    defer { loading = [] }
    var result = Result(diagnostics: [], globals: [], value: nil, steps: 0)
    let outcome = Limits.$meter.withValue(Limits.Meter(runtime: runtime)) { execute(file, runtime: runtime, interactive: true, after: scope.last) }
    result.diagnostics = outcome.diagnostics
    if let frame = outcome.frame, outcome.diagnostics.isEmpty, let link = outcome.link {
      result.globals = link.block.names.sorted { $0.value.slot < $1.value.slot }.map { ($0.key, frame[$0.value.slot]) }
      if let slot = outcome.resultSlot { result.value = frame[slot] }
      // An input that declares nothing adds no link, so lookups do not walk past empty frames.
      if !link.block.names.isEmpty { scope.last = link }
    }
    result.steps = runtime.stepsTaken
    return result
  }

  /// Forgets every module loaded from a file (host modules stay), so the next import of one
  /// reads and runs its file again: for a REPL reloading a module after its file changed.
  public func forgetLoadedModules() { modules = [:] }

  /// Runs a file as a module, or, when `interactive`, as an input of a session after `previous`.
  private func execute(_ file: SourceFile, runtime: Runtime, interactive: Bool = false, after previous: InteractiveScope.Link? = nil) -> Outcome {
    let (program, parseDiagnostics) = Parser.parse(file)
    let compiler = interactive ? Compiler(interpreter: self, file: file, after: previous) : Compiler(interpreter: self, file: file)
    let module = compiler.compileModule(program)
    let diagnostics = parseDiagnostics + compiler.diagnostics
    guard diagnostics.isEmpty else {
      return Outcome(diagnostics: Self.capped(Self.inSourceOrder(diagnostics), file: file), module: module, frame: nil, resultSlot: nil)
    }
    let enclosing = previous?.frame
    let frame = Frame(parent: enclosing, count: module.slotCount)
    do {
      _ = try module.statements.run(Context(locals: frame.slots, environment: enclosing, own: frame, runtime: runtime))
      if interactive, let block = compiler.topBlock {
        return Outcome(diagnostics: [], module: module, frame: frame, resultSlot: compiler.resultSlotIndex,
          link: InteractiveScope.Link(scope: compiler.moduleScope, block: block, frame: frame))
      }
    } catch let diagnostic as Diagnostic {
      return Outcome(diagnostics: [diagnostic], module: module, frame: frame, resultSlot: nil)
    } catch {
      let range = SourceRange(file: file, start: 0, end: 0)
      return Outcome(diagnostics: [Diagnostic(code: "internal", "\(error)", detail: "this is a bug in Steeple", at: range)],
        module: module, frame: frame, resultSlot: nil)
    }
    return Outcome(diagnostics: [], module: module, frame: frame, resultSlot: compiler.resultSlotIndex)
  }

  /// The most diagnostics reported for one file before the rest are summed up in a note.
  public static let maxDiagnosticsPerFile = 100

  /// The first `maxDiagnosticsPerFile` diagnostics, and a note counting the rest. A file of
  /// binary junk gets an error for every bad byte, and each one rendered shows its line: without
  /// a limit, rendering a megabyte of junk on one line would take hours (found by the fuzzer).
  static func capped(_ diagnostics: [Diagnostic], file: SourceFile) -> [Diagnostic] {
    guard diagnostics.count > maxDiagnosticsPerFile else { return diagnostics }
    let hidden = diagnostics.count - maxDiagnosticsPerFile
    return Array(diagnostics.prefix(maxDiagnosticsPerFile)) + [
      Diagnostic(
        .note, code: "too-many-errors", "\(hidden) more error\(hidden == 1 ? "" : "s") in \(file.name) not shown",
        detail: "fix the errors above first; many of the rest may be echoes of them", at: nil)
    ]
  }

  /// Errors of the same file in the order of their position; files in the order first seen.
  ///
  /// (A comparison that only orders errors of one file is not a strict weak ordering once a
  /// module's errors are in the list, and sorting with it scrambled the importer's errors.)
  static func inSourceOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    var files: [ObjectIdentifier] = []
    for diagnostic in diagnostics {
      if let file = diagnostic.range?.file, !files.contains(ObjectIdentifier(file)) { files.append(ObjectIdentifier(file)) }
    }
    func key(_ diagnostic: Diagnostic) -> (file: Int, start: Int) {
      guard let range = diagnostic.range else { return (files.count, 0) }
      return (files.firstIndex(of: ObjectIdentifier(range.file)) ?? files.count, range.start)
    }
    return diagnostics.enumerated().sorted { a, b in
      let (left, right) = (key(a.element), key(b.element))
      if left.file != right.file { return left.file < right.file }
      if left.start != right.start { return left.start < right.start }
      return a.offset < b.offset
    }.map(\.element)
  }

  /// Loads, runs and freezes a module once; later imports get the cached module.
  func importModule(_ path: String, from importer: SourceFile, at range: SourceRange, diagnostics: inout [Diagnostic]) -> ModuleObject? {
    if let module = hostModules[path] { return module }
    let source: ModuleSource
    do {
      source = try loader.load(path, from: importer)
    } catch let failure as ScriptError {
      diagnostics.append(Diagnostic(code: failure.code, failure.summary, detail: failure.detail, at: range, suggestion: failure.suggestion))
      return nil
    } catch {
      diagnostics.append(Diagnostic(code: "module-not-found", "cannot load module \(Value.quote(path)): \(error)", detail: "check the path", at: range))
      return nil
    }
    if let cached = modules[source.id] {
      host.moduleReused(source.id)
      return cached
    }
    if let start = loading.firstIndex(where: { $0.id == source.id }) {
      let chain = loading[start...].map(\.file.name) + [source.file.name]
      var notes: [Diagnostic.Note] = []
      for entry in loading[(start + 1)...] {
        if let importRange = entry.range { notes.append(.init("\(importRange.file.name) imports \(entry.file.name) here", at: importRange)) }
      }
      diagnostics.append(Diagnostic(
        code: "import-cycle", "import cycle: \(chain.joined(separator: " -> "))",
        detail: "modules cannot import each other in a circle; move what they share into a third module that both import",
        at: range, notes: notes))
      return nil
    }
    guard let runtime else { return nil }
    loading.append((source.id, source.file, range))
    defer { loading.removeLast() }
    host.moduleWillLoad(source.id)
    let outcome = execute(source.file, runtime: runtime)
    host.moduleDidLoad(source.id, loaded: outcome.diagnostics.isEmpty && outcome.frame != nil)
    guard outcome.diagnostics.isEmpty, let frame = outcome.frame else {
      // A cycle is its own explanation; other errors get a pointer from the import to the module.
      if outcome.diagnostics.allSatisfy({ $0.code == "import-cycle" }) {
        diagnostics += outcome.diagnostics
        return nil
      }
      diagnostics.append(Diagnostic(
        code: "module-failed", "module \(Value.quote(path)) failed to load",
        detail: "fix the errors reported in \(source.file.name)", at: range))
      diagnostics += outcome.diagnostics
      return nil
    }
    var stem = String(path.split(separator: "/").last ?? Substring(path))
    if stem.hasSuffix(".spire") { stem.removeLast(6) }
    let module = ModuleObject(name: stem, origin: source.id, members: outcome.module.exports.map { ($0.name, frame[$0.slot]) })
    frame.freeze()
    modules[source.id] = module
    return module
  }
}
