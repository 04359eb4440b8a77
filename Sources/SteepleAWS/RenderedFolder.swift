import Foundation

/// Writes a rendering's files into a folder, and keeps that folder to what the last render made.
///
/// A folder it writes gets a list of its files (`.steeple-render`). It writes only into a folder
/// that is missing, empty, or has that list; then files of the previous render that the new one no
/// longer makes are removed, so the folder is exactly the rendering. Any other folder is refused
/// unless forced, and forcing removes nothing it did not write.
public enum RenderedFolder {
  /// The list of files a render wrote, one path a line.
  public static let manifestName = ".steeple-render"

  public enum Refusal: Error, Equatable, CustomStringConvertible {
    /// The folder has files that no render wrote.
    case notRendered(folder: String, example: String)
    case notAFolder(String)

    public var description: String {
      switch self {
      case .notRendered(let folder, let example):
        return "\(folder) is not empty and was not written by steeple render (it has \(example))"
      case .notAFolder(let path): return "\(path) exists and is not a folder"
      }
    }

    public var help: String {
      switch self {
      case .notRendered: return "choose an empty or new folder for --out, or pass --force to write into this one (nothing else in it is removed)"
      case .notAFolder: return "choose a folder for --out"
      }
    }
  }

  /// Writes `files` (paths relative to `folder`), after the checks above; returns the paths of the
  /// previous render's files it removed.
  @discardableResult
  public static func write(_ files: [(path: String, contents: String)], to folder: String, force: Bool) throws -> [String] {
    let manager = FileManager.default
    var isDirectory: ObjCBool = false
    let root = URL(fileURLWithPath: folder)
    var previous: [String] = []
    if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw Refusal.notAFolder(folder) }
      let listing = root.appendingPathComponent(manifestName)
      if let text = try? String(contentsOf: listing, encoding: .utf8) {
        previous = text.split(separator: "\n").map(String.init)
      } else if !force, let first = try manager.contentsOfDirectory(atPath: folder).sorted().first {
        throw Refusal.notRendered(folder: folder, example: first)
      }
    }
    try manager.createDirectory(at: root, withIntermediateDirectories: true)
    for file in files {
      let url = root.appendingPathComponent(file.path)
      try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(file.contents.utf8).write(to: url, options: .atomic)
    }
    let written = Set(files.map(\.path))
    let stale = previous.filter { !written.contains($0) && !$0.contains("..") && !$0.hasPrefix("/") }.sorted()
    for path in stale {
      try? manager.removeItem(at: root.appendingPathComponent(path))
      removeEmptyFolders(from: root.appendingPathComponent(path).deletingLastPathComponent(), upTo: root)
    }
    try Data((files.map(\.path).sorted().joined(separator: "\n") + "\n").utf8).write(
      to: root.appendingPathComponent(manifestName), options: .atomic)
    return stale
  }

  /// Removes `folder` and its parents below `root` while they are empty.
  static func removeEmptyFolders(from folder: URL, upTo root: URL) {
    var current = folder.standardizedFileURL
    let top = root.standardizedFileURL.path
    while current.path.hasPrefix(top + "/"), (try? FileManager.default.contentsOfDirectory(atPath: current.path))?.isEmpty == true {
      try? FileManager.default.removeItem(at: current)
      current = current.deletingLastPathComponent()
    }
  }
}
