import Foundation

/// The script a state belongs to, recorded in `<state>/script.json` by each apply, so that one
/// script's apply cannot delete what another made.
///
/// A script is known by its file name (`network.spire`): that is what stays when its folder is
/// moved or the file is edited. The path is kept to say where it was.
public struct ScriptRecord: Codable, Hashable, Sendable, CustomStringConvertible {
  public static let fileName = "script.json"

  /// The script's file name, or `-` for a script read from standard input.
  public var name: String
  /// The script's absolute path when it was last applied (empty for standard input).
  public var path: String

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }

  /// The record of the script at `file`, a path as given on the command line (`-`: standard input).
  public init(file: String) {
    guard file != "-" else {
      self.init(name: "-", path: "")
      return
    }
    let url = URL(fileURLWithPath: file).standardizedFileURL
    self.init(name: url.lastPathComponent, path: url.path)
  }

  /// Whether `other` is this script, perhaps moved.
  public func isSameScript(_ other: ScriptRecord) -> Bool { name == other.name }

  public var description: String {
    name == "-" ? "a script from standard input" : path.isEmpty ? name : "\(name) (\(path))"
  }

  /// The script recorded in `directory`'s state, if one is.
  public static func read(in directory: String) throws(EngineError) -> ScriptRecord? {
    let path = directory + "/" + fileName
    var status = stat()
    guard lstat(path, &status) == 0 else { return nil }
    let descriptor = try StateDirectory.openFile(path, flags: O_RDONLY, doing: "read")
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    guard let data = try? handle.readToEnd(), let record = try? JSONDecoder().decode(ScriptRecord.self, from: data) else {
      return nil
    }
    return record
  }

  /// Records this script in `directory`'s state, replacing what was recorded in one step.
  public func save(in directory: String) throws(EngineError) {
    let path = directory + "/" + Self.fileName
    let temporary = path + ".new"
    unlink(temporary)
    let descriptor = try StateDirectory.openFile(temporary, flags: O_WRONLY | O_CREAT | O_EXCL, doing: "create")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let bytes = Array(((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8))
    let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    let synced = written == bytes.count && fsync(descriptor) == 0
    let code = errno
    close(descriptor)
    guard synced else { throw .access(temporary, doing: "write", errno: code) }
    guard rename(temporary, path) == 0 else { throw .access(path, doing: "replace", errno: errno) }
    try syncDirectory(directory)
  }
}
