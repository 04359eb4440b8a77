public import SteepleSyntax

/// A module's source, found by a loader.
public struct ModuleSource: Sendable {
  /// What identifies the module: two imports with the same id share one loaded module. For files,
  /// the absolute path.
  public let id: String
  public let file: SourceFile

  public init(id: String, file: SourceFile) {
    self.id = id
    self.file = file
  }
}

/// Finds the source of an imported module. The interpreter reads no files itself: the host decides
/// where modules come from (a search path on disk, resources, a test's dictionary).
public protocol ModuleLoader {
  /// The source of `path` as imported from the file named `importer`. Throw `ScriptError` when it
  /// cannot be found, saying where it was looked for.
  func load(_ path: String, from importer: SourceFile) throws -> ModuleSource

  /// The id a file being run directly would have as a module, so that a module importing the file
  /// that started the run is seen as a cycle. By default, the file's name.
  func identity(of file: SourceFile) -> String
}

extension ModuleLoader {
  public func identity(of file: SourceFile) -> String { file.name }
}

/// A loader that has no modules: every import fails.
public struct NoModuleLoader: ModuleLoader {
  public init() {}

  public func load(_ path: String, from importer: SourceFile) throws -> ModuleSource {
    throw ScriptError("no module named \(Value.quote(path))", detail: "this host provides no modules to import", code: "module-not-found")
  }
}

/// Modules given as text, by name: for tests and for hosts that ship scripts inside themselves.
public struct InMemoryModuleLoader: ModuleLoader {
  public var modules: [String: String]

  public init(_ modules: [String: String]) { self.modules = modules }

  /// `lib`, `./lib`, `lib.spire` and `./lib.spire` all name the module given as `lib` or
  /// `lib.spire`, and are one module: they share an id.
  public func load(_ path: String, from importer: SourceFile) throws -> ModuleSource {
    var name = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    if name.hasSuffix(".spire") { name.removeLast(6) }
    guard let text = modules[name] ?? modules[name + ".spire"] else {
      throw ScriptError("no module named \(Value.quote(path))", detail: "the modules are: \(modules.keys.sorted().joined(separator: ", "))",
        suggestion: Spelling.nearest(to: name, in: modules.keys), code: "module-not-found")
    }
    return ModuleSource(id: name, file: SourceFile(name: name + ".spire", text: text))
  }
}
