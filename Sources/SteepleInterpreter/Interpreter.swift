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
    /// The deepest nesting of calls before a run stops with an error; `nil` for no count. Either
    /// way, calls stop with the same error when the thread's stack is nearly full (see
    /// `StackBounds`), so deep recursion is a clean error on any thread and in any build.
    public var maxCallDepth: Int?
    /// The most memory, in bytes, the process may use while the script runs: an operation that
    /// would allocate past it stops with `memory-limit`. `nil` for no limit. By default half of the
    /// machine's memory (`Limits.defaultMaxMemory`).
    public var maxMemory: Int?

    public init(maxSteps: Int? = nil, maxCallDepth: Int? = nil, maxMemory: Int? = Limits.defaultMaxMemory) {
      self.maxSteps = maxSteps
      self.maxCallDepth = maxCallDepth
      self.maxMemory = maxMemory
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
  public let cancellation: CancellationToken
  /// Frees the reference cycles of this interpreter's runs when it goes away.
  let cycleBreaker = CycleBreaker()

  private var modules: [String: ModuleObject] = [:]
  private var loading: [(id: String, file: SourceFile, range: SourceRange?)] = []
  private var runtime: Runtime?

  public init(
    options: Options = Options(), host: any DeclarationHost = RecordingHost(), loader: any ModuleLoader = NoModuleLoader(),
    output: @escaping (String) -> Void = { print($0, terminator: "") }, cancellation: CancellationToken = CancellationToken()
  ) {
    self.cancellation = cancellation
    self.options = options
    self.host = host
    self.loader = loader
    self.output = output
  }

  deinit {
    // Modules and globals of earlier runs are part of cycles too (each top-level function is in
    // the frame it captures).
    modules = [:]
    cycleBreaker.breakCycles()
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
  /// Runs on the caller's thread: calls nest until its stack is nearly full, so give the thread a
  /// large stack for deep recursion (`Session` runs scripts on a thread of its own with a large
  /// stack). A `cancel()` made before the run starts does not carry over into it.
  public func run(_ file: SourceFile) -> Result {
    let (outcome, steps) = runProgram(file)
    var result = Result(diagnostics: outcome.diagnostics, globals: [], value: nil, steps: steps)
    if let frame = outcome.frame, !outcome.diagnostics.contains(where: { $0.severity == .error }) {
      result.globals = outcome.module.exports.map { ($0.name, frame[$0.slot]) }
      if let slot = outcome.resultSlot { result.value = frame[slot] }
    }
    return result
  }

  /// Resolves and runs a program: `file` as a script, or, when `interactive`, as an input of a
  /// session after `previous`. Returns what happened and the steps taken.
  private func runProgram(
    _ file: SourceFile, interactive: Bool = false, after previous: InteractiveScope.Link? = nil
  ) -> (outcome: Outcome, steps: Int) {
    cancellation.reset()
    host.runWillStart()
    let runtime = Runtime(interpreter: self, options: options, cancellation: cancellation)
    self.runtime = runtime
    defer { self.runtime = nil }
    loading = [(loader.identity(of: file), file, nil)]
    defer { loading = [] }
    pending = []
    importEvents = [[]]
    defer {
      pending = []
      importEvents = []
    }
    // Operations on big values charge the budget through the meter (see `Limits.Work`).
    let outcome = Limits.$meter.withValue(Limits.Meter(runtime: runtime)) { () -> Outcome in
      // Nothing runs until every file of the program has resolved: the main file and, while it
      // resolves, everything it imports, in any depth. Then the modules run, each after the ones
      // it imports, and last the main file.
      let main = compile(file, interactive: interactive, after: previous)
      guard !main.diagnostics.contains(where: { $0.severity == .error }) else { return main.outcome }
      let warnings = main.diagnostics
      if let failure = runImports(importEvents[0], runtime: runtime) {
        return Outcome(diagnostics: warnings + failure, module: main.module, frame: nil, resultSlot: nil)
      }
      var outcome = execute(main, runtime: runtime)
      outcome.diagnostics = warnings + outcome.diagnostics
      return outcome
    }
    return (outcome, runtime.stepsTaken)
  }

  /// Runs source text under a name such as `<string>`.
  public func run(_ text: String, name: String = "<string>") -> Result {
    run(SourceFile(name: name, text: text))
  }

  /// Calls a function value from Swift, as a script would.
  public func call(_ function: Value, _ arguments: [Value], keywords: [(String, Value)] = []) throws -> Value {
    let runtime = self.runtime ?? Runtime(interpreter: self, options: options, cancellation: cancellation)
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
    let (outcome, steps) = runProgram(file, interactive: true, after: scope.last)
    var result = Result(diagnostics: outcome.diagnostics, globals: [], value: nil, steps: steps)
    if let frame = outcome.frame, !outcome.diagnostics.contains(where: { $0.severity == .error }), let link = outcome.link {
      result.globals = link.block.names.sorted { $0.value.slot < $1.value.slot }.map { ($0.key, frame[$0.value.slot]) }
      if let slot = outcome.resultSlot { result.value = frame[slot] }
      // An input that declares nothing adds no link, so lookups do not walk past empty frames.
      if !link.block.names.isEmpty { scope.last = link }
    }
    return result
  }

  /// Forgets every module loaded from a file (host modules stay), so the next import of one
  /// reads and runs its file again: for a REPL reloading a module after its file changed.
  public func forgetLoadedModules() { modules = [:] }

  /// A file parsed and resolved, ready to run.
  private struct Compiled {
    let file: SourceFile
    /// Errors and warnings of the file (and of the modules it imports).
    let diagnostics: [Diagnostic]
    let module: Compiler.CompiledModule
    let resultSlot: Int?
    /// For an input of an interactive session: the link it follows, and its top-level scope.
    var interactive: (previous: InteractiveScope.Link?, scope: Compiler.FunctionScope, block: Compiler.BlockScope)? = nil

    var outcome: Outcome { Outcome(diagnostics: diagnostics, module: module, frame: nil, resultSlot: nil) }
  }

  /// A module resolved during this run that runs once the whole program has resolved.
  private struct PendingModule {
    let id: String
    let path: String
    let importRange: SourceRange
    let compiled: Compiled
    let object: ModuleObject
    /// What its own imports did.
    let events: [ImportEvent]
  }

  /// The modules of the current run, in the order they resolved: each after those it imports.
  private var pending: [PendingModule] = []

  /// What resolving an import did, replayed when the modules run: in the order of the imports,
  /// a module loaded for the first time (its index in `pending`) runs, with what it imported,
  /// and a module loaded before is reused, so the host sees the loads nested as the imports are.
  private enum ImportEvent {
    case loaded(Int)
    case reused(String)
  }

  /// The import events of each file being resolved, innermost last; the first is the script's.
  private var importEvents: [[ImportEvent]] = []

  /// Runs the modules a file imports, in the order imported; the diagnostics of the first that
  /// fails, if one does.
  private func runImports(_ events: [ImportEvent], runtime: Runtime) -> [Diagnostic]? {
    for event in events {
      switch event {
      case .reused(let id):
        host.moduleReused(id)
      case .loaded(let index):
        let module = pending[index]
        host.moduleWillLoad(module.id)
        if let failure = runImports(module.events, runtime: runtime) {
          host.moduleDidLoad(module.id, loaded: false)
          return failure
        }
        let loaded = execute(module.compiled, runtime: runtime)
        guard let frame = loaded.frame, !loaded.diagnostics.contains(where: { $0.severity == .error }) else {
          host.moduleDidLoad(module.id, loaded: false)
          let failed = Diagnostic(
            code: "module-failed", "module \(Value.quote(module.path)) failed to load",
            detail: "fix the errors reported in \(module.compiled.file.name)", at: module.importRange)
          return [failed] + loaded.diagnostics
        }
        module.object.fill(module.compiled.module.exports.map { ($0.name, frame[$0.slot]) })
        frame.freeze()
        modules[module.id] = module.object
        host.moduleDidLoad(module.id, loaded: true)
      }
    }
    return nil
  }

  /// Parses and resolves a file; resolving its imports loads and resolves them in turn. With
  /// `interactive`, as an input of a session after `previous`.
  private func compile(_ file: SourceFile, interactive: Bool = false, after previous: InteractiveScope.Link? = nil) -> Compiled {
    let (program, parseDiagnostics) = Parser.parse(file)
    let compiler = interactive ? Compiler(interpreter: self, file: file, after: previous) : Compiler(interpreter: self, file: file)
    let module = compiler.compileModule(program)
    var diagnostics = Self.capped(Self.inSourceOrder(parseDiagnostics + compiler.diagnostics), file: file)
    // A file with errors does not run, and what is left of a broken statement often looks
    // unused (`i++` leaves `i`): its warnings wait until the errors are fixed.
    if diagnostics.contains(where: { $0.severity == .error && $0.range?.file === file }) {
      diagnostics.removeAll { $0.severity == .warning && $0.range?.file === file }
    }
    var compiled = Compiled(file: file, diagnostics: diagnostics, module: module, resultSlot: compiler.resultSlotIndex)
    if interactive, let block = compiler.topBlock { compiled.interactive = (previous, compiler.moduleScope, block) }
    return compiled
  }

  /// Runs a resolved file that has no errors; the outcome's diagnostics are the error it raised,
  /// if any (its warnings were reported when it resolved).
  private func execute(_ compiled: Compiled, runtime: Runtime) -> Outcome {
    let module = compiled.module
    let diagnostics: [Diagnostic] = []
    let enclosing = compiled.interactive?.previous?.frame
    let frame = Frame(parent: enclosing, count: module.slotCount)
    frame.track(in: cycleBreaker)
    for slot in module.uninitializedSlots { frame[slot] = Uninitialized.value }
    do {
      _ = try module.statements.run(Context(locals: frame.slots, environment: enclosing, own: frame, runtime: runtime))
      if let interactive = compiled.interactive {
        return Outcome(diagnostics: diagnostics, module: module, frame: frame, resultSlot: compiled.resultSlot,
          link: InteractiveScope.Link(scope: interactive.scope, block: interactive.block, frame: frame))
      }
    } catch let diagnostic as Diagnostic {
      return Outcome(diagnostics: diagnostics + [diagnostic], module: module, frame: frame, resultSlot: nil)
    } catch {
      let range = SourceRange(file: compiled.file, start: 0, end: 0)
      return Outcome(diagnostics: diagnostics + [Diagnostic(code: "internal", "\(error)", detail: "this is a bug in Steeple", at: range)],
        module: module, frame: frame, resultSlot: nil)
    }
    return Outcome(diagnostics: diagnostics, module: module, frame: frame, resultSlot: compiled.resultSlot)
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

  /// Loads and resolves a module once; later imports get the same module. It runs (and is
  /// frozen and cached) once the whole program has resolved, before the file that started the
  /// run; until then its members hold `nil`, which nothing can read.
  ///
  /// A host module (`spire`) whose name a bare import also finds as a file (`stdlib/spire.spire`)
  /// is one module with both halves: the host's members, then the file's exports.
  func importModule(_ path: String, from importer: SourceFile, at range: SourceRange, diagnostics: inout [Diagnostic]) -> ModuleObject? {
    let host = hostModules[path]
    let source: ModuleSource
    do {
      source = try loader.load(path, from: importer)
    } catch let failure as ScriptError {
      if let host { return host }
      diagnostics.append(Diagnostic(code: failure.code, failure.summary, detail: failure.detail, at: range, suggestion: failure.suggestion))
      return nil
    } catch {
      if let host { return host }
      diagnostics.append(Diagnostic(code: "module-not-found", "cannot load module \(Value.quote(path)): \(error)", detail: "check the path", at: range))
      return nil
    }
    if let cached = modules[source.id] {
      importEvents[importEvents.count - 1].append(.reused(source.id))
      return cached
    }
    if pending.contains(where: { $0.id == source.id }) {
      importEvents[importEvents.count - 1].append(.reused(source.id))
      return pending.first(where: { $0.id == source.id })?.object
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
    guard runtime != nil else { return nil }
    loading.append((source.id, source.file, range))
    defer { loading.removeLast() }
    importEvents.append([])
    let compiled = compile(source.file)
    let events = importEvents.removeLast()
    let errors = compiled.diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty else {
      // A cycle is its own explanation; other errors get a pointer from the import to the module.
      if errors.allSatisfy({ $0.code == "import-cycle" }) {
        diagnostics += compiled.diagnostics
        return nil
      }
      diagnostics.append(Diagnostic(
        code: "module-failed", "module \(Value.quote(path)) failed to load",
        detail: "fix the errors reported in \(source.file.name)", at: range))
      diagnostics += compiled.diagnostics
      return nil
    }
    // The module's warnings are reported in its file, as its errors would be.
    diagnostics += compiled.diagnostics
    var stem = String(path.split(separator: "/").last ?? Substring(path))
    if stem.hasSuffix(".spire") { stem.removeLast(6) }
    let hostMembers = host.map { host in host.memberNames.compactMap { name in host[name].map { (name, $0) } } } ?? []
    let module = ModuleObject(name: stem, origin: source.id, members: hostMembers + compiled.module.exports.map { ($0.name, Value.nil) })
    pending.append(PendingModule(id: source.id, path: path, importRange: range, compiled: compiled, object: module, events: events))
    importEvents[importEvents.count - 1].append(.loaded(pending.count - 1))
    return module
  }
}
