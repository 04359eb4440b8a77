import Foundation

/// Finds imported modules on disk.
///
/// `import "./lib/common.spire"` (or `../`) is relative to the importing file's folder only. A bare
/// `import "spire"` is looked for, as `spire` and then `spire.spire`, in the importing file's
/// folder, then in each folder of the search path (the CLI fills it from `STEEPLE_PATH`), then in
/// the standard library.
public struct FileModuleLoader: ModuleLoader {
  public var searchPath: [String]
  public var standardLibrary: String?
  /// The largest module file read, in bytes; a larger one is the error `file-too-large`.
  public var maxFileSize: Int

  public init(
    searchPath: [String] = [], standardLibrary: String? = StandardLibrary.locate(), maxFileSize: Int = Session.Configuration.defaultMaxScriptSize
  ) {
    self.searchPath = searchPath
    self.standardLibrary = standardLibrary
    self.maxFileSize = maxFileSize
  }

  public func load(_ path: String, from importer: SourceFile) throws -> ModuleSource {
    let importerFolder = (Self.absolute(importer.name) as NSString).deletingLastPathComponent
    let folders: [String]
    if path.hasPrefix("/") {
      folders = [""]
    } else if path.hasPrefix("./") || path.hasPrefix("../") {
      folders = [importerFolder]
    } else {
      folders = [importerFolder] + searchPath.map(Self.absolute) + (standardLibrary.map { [$0] } ?? [])
    }
    var tried: [String] = []
    for folder in folders {
      for candidate in path.hasSuffix(".spire") ? [path] : [path + ".spire", path] {
        let full = folder.isEmpty ? candidate : (folder as NSString).appendingPathComponent(candidate)
        let standardized = (full as NSString).standardizingPath
        tried.append(standardized)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: standardized, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
        let unreadable = ScriptError(
          "cannot read module \(Value.quote(path)) at \(standardized)", detail: "check the file's permissions", code: "module-unreadable")
        guard let handle = FileHandle(forReadingAtPath: standardized) else { throw unreadable }
        defer { try? handle.close() }
        switch BoundedRead.contents(of: handle, limit: maxFileSize) {
        case .success(let bytes):
          return ModuleSource(id: standardized, file: SourceFile(name: Self.displayName(standardized), bytes: bytes))
        case .failure(.tooLarge):
          throw ScriptError(
            "module \(Value.quote(path)) at \(standardized) is larger than \(BoundedRead.describe(maxFileSize))",
            detail: BoundedRead.tooLargeDetail(maxFileSize), code: "file-too-large")
        case .failure(.unreadable): throw unreadable
        }
      }
    }
    let relative = path.hasPrefix("./") || path.hasPrefix("../")
    throw ScriptError(
      "no module named \(Value.quote(path))",
      detail: "looked for it at:\n" + tried.map { "  " + $0 }.joined(separator: "\n")
        + (relative ? "" : "\nadd its folder to STEEPLE_PATH, or import it by a path that starts with ./"),
      code: "module-not-found")
  }

  public func identity(of file: SourceFile) -> String { Self.absolute(file.name) }

  static func absolute(_ path: String) -> String {
    if path.hasPrefix("/") { return (path as NSString).standardizingPath }
    let cwd = FileManager.default.currentDirectoryPath
    return ((cwd as NSString).appendingPathComponent(path) as NSString).standardizingPath
  }

  /// A path relative to the working directory when the file is below it, for shorter diagnostics.
  static func displayName(_ path: String) -> String {
    let cwd = FileManager.default.currentDirectoryPath
    if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
    return path
  }
}

/// Where the installed `stdlib/` folder is.
public enum StandardLibrary {
  /// `STEEPLE_STDLIB` when the host sets it, else a `stdlib` folder next to the executable or above
  /// it (as in a build tree), else the one in the source tree this library was built from.
  public static func locate(environment: [String: String]? = nil) -> String? {
    let environment = environment ?? ProcessInfo.processInfo.environment
    if let explicit = environment["STEEPLE_STDLIB"], !explicit.isEmpty { return explicit }
    var candidates: [String] = []
    var folder = (Bundle.main.executablePath.map { ($0 as NSString).resolvingSymlinksInPath } ?? "") as NSString
    for _ in 0..<6 {
      folder = folder.deletingLastPathComponent as NSString
      candidates.append(folder.appendingPathComponent("stdlib"))
      candidates.append(folder.appendingPathComponent("share/steeple/stdlib"))
    }
    // Sources/Steeple/FileModuleLoader.swift -> the package root.
    let root = ((#filePath as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
    candidates.append(((root as NSString).deletingLastPathComponent as NSString).appendingPathComponent("stdlib"))
    var isDirectory: ObjCBool = false
    return candidates.first { FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue }
  }

  /// The comment at the top of a standard library module (`spire` for `stdlib/spire.spire`), with
  /// the `//` markers taken off: what `steeple doc` shows for the module's Steeple half.
  public static func header(of module: String, in folder: String? = locate()) -> String? {
    guard let folder, let data = FileManager.default.contents(atPath: (folder as NSString).appendingPathComponent(module + ".spire")),
      let text = String(data: data, encoding: .utf8)
    else { return nil }
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      guard line.hasPrefix("//") else { break }
      let body = line.dropFirst(2)
      lines.append(String(body.hasPrefix(" ") ? body.dropFirst() : body))
    }
    return lines.isEmpty ? nil : lines.joined(separator: "\n") + "\n"
  }
}
