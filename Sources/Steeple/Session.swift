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
    /// The deepest nesting of calls.
    public var maxCallDepth = 1000
    /// Folders searched for bare imports after the importing file's folder.
    public var searchPath: [String] = []
    /// The standard library folder; found automatically when `nil`.
    public var standardLibrary: String? = StandardLibrary.locate()
    /// Functions every script sees, as if they were builtins.
    public var builtins: [BuiltinFunction] = []
    /// Values every script sees by name.
    public var globals: [String: Value] = [:]
    /// Namespaces scripts can import by name.
    public var modules: [ModuleObject] = []
    /// Where `print` writes. Standard output by default.
    public var output: (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    /// Finds imported files; a `FileModuleLoader` over `searchPath` and `standardLibrary` when `nil`.
    public var loader: (any ModuleLoader)?
    /// Receives declarations; a `RecordingHost` when `nil`.
    public var host: (any DeclarationHost)?

    public init() {}
  }

  /// What a run produced, as Swift values.
  public struct Outcome {
    public var diagnostics: [Diagnostic]
    /// The declarations the script made, in order, when the host records them.
    public var declarations: [DeclarationRecord]
    /// The top-level names of the script and their values.
    public var globals: [(name: String, value: Value)]
    /// The value of the script's last statement when that is an expression.
    public var value: Value?
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }

    public subscript(global name: String) -> Value? { globals.first { $0.name == name }?.value }
  }

  public let interpreter: Interpreter
  private let recorder: RecordingHost?
  /// The scope and topology of `evaluate(_:name:)`'s inputs (Session+Interactive.swift).
  let interactive = InteractiveState()
  /// Every declaration the recording host has seen, when the session records them.
  var recorderDeclarations: [DeclarationRecord]? { recorder?.declarations }

  public init(_ configuration: Configuration = Configuration()) {
    let recorder = configuration.host == nil ? RecordingHost() : nil
    interpreter = Interpreter(
      options: .init(maxSteps: configuration.maxSteps, maxCallDepth: configuration.maxCallDepth),
      host: configuration.host ?? recorder!,
      loader: configuration.loader ?? FileModuleLoader(searchPath: configuration.searchPath, standardLibrary: configuration.standardLibrary),
      output: configuration.output)
    self.recorder = recorder
    for builtin in configuration.builtins { interpreter.define(builtin) }
    for (name, value) in configuration.globals { interpreter.define(name, value) }
    for module in configuration.modules { interpreter.addModule(module) }
  }

  /// Reads and runs a script file. A file that cannot be read is a diagnostic, not a throw.
  public func run(file path: String) -> Outcome {
    switch Self.read(path) {
    case .success(let file): return run(file)
    case .failure(let diagnostic): return Outcome(diagnostics: [diagnostic], declarations: [], globals: [], value: nil)
    }
  }

  /// Runs source text; `name` is what diagnostics call it.
  public func run(source: String, name: String = "<string>") -> Outcome {
    run(SourceFile(name: name, text: source))
  }

  public func run(_ file: SourceFile) -> Outcome {
    let before = recorder?.declarations.count ?? 0
    let result = LargeStack.run { interpreter.run(file) }
    return Outcome(
      diagnostics: result.diagnostics, declarations: Array(recorder?.declarations.dropFirst(before) ?? []),
      globals: result.globals, value: result.value)
  }

  /// Stops the current run at its next step; safe from any thread.
  public func cancel() { interpreter.cancellation.cancel() }

  /// Reads a script file, or says why it cannot be read.
  public static func read(_ path: String) -> Result<SourceFile, Diagnostic> {
    if path == "-" {
      return .success(SourceFile(name: "<stdin>", bytes: Array(FileHandle.standardInput.readDataToEndOfFile())))
    }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return .failure(Diagnostic(code: "file-not-found", "no such file: \(path)", detail: "check the path; scripts usually end in .spire", at: nil))
    }
    guard !isDirectory.boolValue else {
      return .failure(Diagnostic(code: "file-not-found", "\(path) is a folder, not a script", detail: "name a .spire file inside it", at: nil))
    }
    guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.readToEnd() ?? Data() else {
      return .failure(Diagnostic(code: "file-unreadable", "cannot read \(path)", detail: "check the file's permissions", at: nil))
    }
    return .success(SourceFile(name: path, bytes: Array(data)))
  }
}
