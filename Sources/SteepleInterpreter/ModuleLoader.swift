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

  public func load(_ path: String, from importer: SourceFile) throws -> ModuleSource {
    let key = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    guard let text = modules[key] ?? modules[key + ".spire"] else {
      throw ScriptError("no module named \(Value.quote(path))", detail: "the modules are: \(modules.keys.sorted().joined(separator: ", "))",
        suggestion: Spelling.nearest(to: key, in: modules.keys), code: "module-not-found")
    }
    return ModuleSource(id: key, file: SourceFile(name: key.hasSuffix(".spire") ? key : key + ".spire", text: text))
  }
}
