import Foundation

/// An embedding of Steeple: runs scripts with the host bindings you supply.
///
/// ```swift
/// var configuration = Session.Configuration()
/// configuration.builtins = [BuiltinFunction("greet") { call in .string("hello, \(try call.string(0, "name"))") }]
/// let session = Session(configuration)
/// let outcome = session.run(source: #"print(greet("mesh"))"#)
/// ```
///
/// A session keeps its loaded modules between runs. Use one session from one thread at a time;
/// `cancel()` may be called from any thread.
public final class Session {
  public struct Configuration {
    /// The most steps a run may take; `nil` for no limit.
    public var maxSteps: Int?
    /// The deepest nesting of calls; `nil` (the default) lets calls nest until the run's stack is
    /// nearly full, which is a clean `call-depth` error too.
    public var maxCallDepth: Int?
    /// The most memory, in bytes, the process may use while a script runs (`memory-limit` past
    /// it); `nil` for no limit. By default half of the machine's memory.
    public var maxMemory: Int? = Limits.defaultMaxMemory
    /// The largest script or module file, in bytes, that is read; a larger one is the error
    /// `file-too-large`, found before it fills the memory. 64 MiB by default.
    public var maxScriptSize = Configuration.defaultMaxScriptSize
    /// The default `maxScriptSize`: far above any script a person writes, far below what would
    /// strain a machine.
    public static let defaultMaxScriptSize = 64 << 20
    /// Folders searched for bare imports after the importing file's folder.
    public var searchPath: [String] = []
    /// The standard library folder; found automatically when `nil`.
    public var standardLibrary: String? = StandardLibrary.locate()
    /// Functions every script sees, as if they were builtins.
    public var builtins: [BuiltinFunction] = []
    /// Values every script sees by name.
    public var globals: [String: Value] = [:]
    /// Run parameters (`steeple run --set name=value`): every script sees them as `params`, a
    /// frozen record of strings in this order (a later value for the same name wins), empty when
    /// there are none. A global named `params` replaces it.
    public var parameters: [(name: String, value: String)] = []
    /// Namespaces scripts can import by name.
    public var modules: [ModuleObject] = []
    /// Where `print` writes; standard output when `nil`. A failed write to standard output stops
    /// the run with `write-failed`.
    public var output: ((String) -> Void)?
    /// Finds imported files; a `FileModuleLoader` over `searchPath` and `standardLibrary` when `nil`.
    public var loader: (any ModuleLoader)?
    /// Receives declarations; when `nil`, a `ModelHost` that builds the run's `topology` and
    /// offers the host modules `aws` and `k8s` (an embedder's `modules` of the same name win).
    public var host: (any DeclarationHost)?
    /// Whether a run that succeeds also runs the model's static checks on its topology (with the
    /// default host), adding what they find to the diagnostics.
    public var checksTopology = true
    /// The domain catalog the default host takes its kinds, defaults and checks from, and the
    /// host modules their functions.
    public var catalog: Catalog = .standard

    public init() {}
  }

  /// What a run produced, as Swift values.
  public struct Outcome {
    public var diagnostics: [Diagnostic]
    /// What the script declared, as plain data, when it ran to the end with the default host
    /// (empty otherwise). Imported modules' declarations are part of it in every run.
    public var topology: Topology
    /// The top-level names of the script and their values.
    public var globals: [(name: String, value: Value)]
    /// The value of the script's last statement when that is an expression.
    public var value: Value?
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }

    public subscript(global name: String) -> Value? { globals.first { $0.name == name }?.value }

    /// The topology's declarations, in order.
    public var declarations: [Declaration] { topology.declarations }
  }

  public let interpreter: Interpreter
  /// The default host, which builds each run's topology; `nil` when the embedder gave a host.
  public let model: ModelHost?
  let checksTopology: Bool
  /// `Configuration.maxScriptSize`.
  let maxScriptSize: Int
  /// The scope and topology of `evaluate(_:name:)`'s inputs (Session+Interactive.swift).
  let interactive = InteractiveState()
  /// Set when writing the script's output to standard output failed during a run.
  private let outputFailure = OutputFailure()

  private final class OutputFailure: @unchecked Sendable {
    var failure: StandardStream.WriteFailure?
  }

  public init(_ configuration: Configuration = Configuration()) {
    let model = configuration.host == nil ? ModelHost(catalog: configuration.catalog) : nil
    let failure = outputFailure
    let cancellation = CancellationToken()
    let output = configuration.output ?? { text in
      guard failure.failure == nil else { return }
      do throws(StandardStream.WriteFailure) {
        try StandardStream.write(text, to: 1)
      } catch {
        failure.failure = error
        cancellation.cancel()
      }
    }
    interpreter = Interpreter(
      options: .init(maxSteps: configuration.maxSteps, maxCallDepth: configuration.maxCallDepth, maxMemory: configuration.maxMemory),
      host: configuration.host ?? model!,
      loader: configuration.loader
        ?? FileModuleLoader(
          searchPath: configuration.searchPath, standardLibrary: configuration.standardLibrary,
          maxFileSize: configuration.maxScriptSize),
      output: output, cancellation: cancellation)
    self.model = model
    maxScriptSize = configuration.maxScriptSize
    checksTopology = configuration.checksTopology
    let parameters = RecordObject(configuration.parameters.map { ($0.name, Value.string($0.value)) })
    parameters.freeze()
    interpreter.define("params", .record(parameters))
    for builtin in configuration.builtins { interpreter.define(builtin) }
    for (name, value) in configuration.globals { interpreter.define(name, value) }
    if let model { for module in HostModules.make(for: model) { interpreter.addModule(module) } }
    for module in configuration.modules { interpreter.addModule(module) }
    let catalog = configuration.catalog
    interactive.declarationFields = { kind in catalog.schema(for: kind)?.fields.map(\.name) ?? [] }
  }

  /// Reads and runs a script file. A file that cannot be read is a diagnostic, not a throw.
  public func run(file path: String) -> Outcome {
    switch Self.read(path, limit: maxScriptSize) {
    case .success(let file): return run(file)
    case .failure(let diagnostic): return Outcome(diagnostics: [diagnostic], topology: .empty, globals: [], value: nil)
    }
  }

  /// Runs source text; `name` is what diagnostics call it.
  public func run(source: String, name: String = "<string>") -> Outcome {
    run(SourceFile(name: name, text: source))
  }

  public func run(_ file: SourceFile) -> Outcome {
    outputFailure.failure = nil
    let result = LargeStack.run { interpreter.run(file) }
    var diagnostics = result.diagnostics
    if let failure = outputFailure.failure {
      // The run was cancelled because its output could not be written: say that instead.
      diagnostics.removeAll { $0.code == "cancelled" }
      diagnostics.append(Diagnostic(
        code: "write-failed", "\(failure)", detail: "the script's output could not be written; check where standard output goes (a full disk, a closed pipe)",
        at: nil))
    }
    guard !diagnostics.contains(where: { $0.severity == .error }), let model else {
      return Outcome(diagnostics: diagnostics, topology: .empty, globals: result.globals, value: result.value)
    }
    if checksTopology { diagnostics += model.diagnostics() }
    return Outcome(diagnostics: diagnostics, topology: model.topology, globals: result.globals, value: result.value)
  }

  /// Stops the current run at its next step; safe from any thread.
  public func cancel() { interpreter.cancellation.cancel() }

  /// Reads a script file, or says why it cannot be read.
  /// Reads a script file (`-`: standard input), or says why it cannot be read; a file of more
  /// than `limit` bytes is `file-too-large`.
  public static func read(_ path: String, limit: Int = Configuration.defaultMaxScriptSize) -> Result<SourceFile, Diagnostic> {
    if path == "-" {
      switch BoundedRead.contents(of: FileHandle.standardInput, limit: limit) {
      case .success(let bytes): return .success(SourceFile(name: "<stdin>", bytes: bytes))
      case .failure(.tooLarge):
        return .failure(Diagnostic(
          code: "file-too-large", "standard input holds more than \(BoundedRead.describe(limit))",
          detail: BoundedRead.tooLargeDetail(limit), at: nil))
      case .failure(.unreadable):
        return .failure(Diagnostic(code: "file-unreadable", "cannot read standard input", detail: "check what is piped in", at: nil))
      }
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return .failure(Diagnostic(code: "file-not-found", "no such file: \(path)", detail: "check the path; scripts usually end in .spire", at: nil))
    }
    guard !isDirectory.boolValue else {
      return .failure(Diagnostic(code: "file-not-found", "\(path) is a folder, not a script", detail: "name a .spire file inside it", at: nil))
    }
    let unreadable = Diagnostic(code: "file-unreadable", "cannot read \(path)", detail: "check the file's permissions", at: nil)
    guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(unreadable) }
    defer { try? handle.close() }
    switch BoundedRead.contents(of: handle, limit: limit) {
    case .success(let bytes): return .success(SourceFile(name: path, bytes: bytes))
    case .failure(.tooLarge):
      return .failure(Diagnostic(
        code: "file-too-large", "\(path) is larger than \(BoundedRead.describe(limit)), the most a script file may hold",
        detail: BoundedRead.tooLargeDetail(limit), at: nil))
    case .failure(.unreadable): return .failure(unreadable)
    }
  }
}
