import Foundation

/// The rules a state directory and its files must meet before Steeple trusts them, as ssh does
/// for `~/.ssh` and the SPIRE agent for its data directory: one place that the engine (lock,
/// journal, script record) and the local cloud (its database) both go through.
///
/// A state holds keys (a cluster's signing key) and decides what gets deleted, so another local
/// user must neither read it nor plant anything in it. To change it, the directory must belong to
/// the user running Steeple and be writable by no one else; each file in it must be a regular file
/// (not a symbolic link) of that user, with no access at all for group or others. Reading
/// (`plan`, `state`) refuses only what others could have tampered with.
public enum StateDirectory {
  /// Makes `directory` (and its missing parents) owner-only when it does not exist, then checks it
  /// as `checkForWriting` does.
  public static func prepare(_ directory: String) throws(EngineError) {
    var status = stat()
    if stat(directory, &status) != 0 {
      guard errno == ENOENT else { throw .access(directory, doing: "look at", errno: errno) }
      do {
        try FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      } catch {
        throw .access(directory, doing: "create", errno: (error as NSError).posixCode ?? EACCES)
      }
    }
    try checkForWriting(directory)
  }

  /// Checks that `directory` exists, is a directory of this user's and no one else may write it.
  public static func checkForWriting(_ directory: String) throws(EngineError) {
    let status = try directoryStatus(directory)
    if status.st_uid != geteuid() { throw unsafe(directory, ownedBy: status.st_uid) }
    try refuseWritableByOthers(directory, status)
  }

  /// Checks that no one but its owner may write `directory`, which must be a directory.
  public static func checkForReading(_ directory: String) throws(EngineError) {
    try refuseWritableByOthers(directory, try directoryStatus(directory))
  }

  /// Checks a file in a state directory before something else (SQLite) opens it: missing is fine;
  /// a symbolic link, something other than a regular file, another user's file, or one that
  /// group or others may use (`forWriting`), or write (reading), is refused.
  public static func checkFile(_ path: String, forWriting: Bool) throws(EngineError) {
    var status = stat()
    guard lstat(path, &status) == 0 else {
      guard errno == ENOENT else { throw .access(path, doing: "look at", errno: errno) }
      return
    }
    try check(file: path, status, forWriting: forWriting)
  }

  /// Opens a file in a state directory without following a symbolic link (`O_NOFOLLOW`), made
  /// owner-only when `flags` create it, and checks the file it opened as `checkFile` does.
  public static func openFile(_ path: String, flags: Int32, doing: String) throws(EngineError) -> Int32 {
    let descriptor = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else {
      let code = errno
      if code == ELOOP { throw .unsafeState(path, problem: "is a symbolic link", fix: "rm '\(path)'") }
      throw .access(path, doing: doing, errno: code)
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      let code = errno
      close(descriptor)
      throw .access(path, doing: doing, errno: code)
    }
    do {
      try check(file: path, status, forWriting: flags & (O_WRONLY | O_RDWR) != 0)
    } catch {
      close(descriptor)
      throw error
    }
    return descriptor
  }

  /// The device and inode `path` names now, to tell later whether it was moved, removed or replaced.
  public static func identity(_ path: String) -> FileIdentity? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return FileIdentity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
  }

  private static func directoryStatus(_ directory: String) throws(EngineError) -> stat {
    var status = stat()
    guard stat(directory, &status) == 0 else { throw .access(directory, doing: "open the state directory", errno: errno) }
    guard status.st_mode & S_IFMT == S_IFDIR else {
      throw .unsafeState(directory, problem: "is not a directory", fix: nil)
    }
    return status
  }

  private static func refuseWritableByOthers(_ path: String, _ status: stat) throws(EngineError) {
    guard status.st_mode & 0o022 == 0 else {
      throw .unsafeState(
        path, problem: "may be written by other users (mode \(modeText(status.st_mode)))", fix: "chmod go-w '\(path)'")
    }
  }

  private static func check(file path: String, _ status: stat, forWriting: Bool) throws(EngineError) {
    if status.st_mode & S_IFMT == S_IFLNK {
      throw .unsafeState(path, problem: "is a symbolic link", fix: "rm '\(path)'")
    }
    guard status.st_mode & S_IFMT == S_IFREG else { throw .unsafeState(path, problem: "is not a regular file", fix: nil) }
    if forWriting {
      if status.st_uid != geteuid() { throw unsafe(path, ownedBy: status.st_uid) }
      guard status.st_mode & 0o077 == 0 else {
        throw .unsafeState(
          path, problem: "may be used by other users (mode \(modeText(status.st_mode)))", fix: "chmod go-rwx '\(path)'")
      }
    } else {
      try refuseWritableByOthers(path, status)
    }
  }

  private static func unsafe(_ path: String, ownedBy owner: uid_t) -> EngineError {
    .unsafeState(
      path, problem: "belongs to \(userName(owner)), not to \(userName(geteuid())) who runs steeple",
      fix: "chown \(userName(geteuid())) '\(path)'")
  }

  static func userName(_ uid: uid_t) -> String {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
    return String(cString: name)
  }

  static func modeText(_ mode: mode_t) -> String { "0" + String(mode & 0o7777, radix: 8) }
}

/// Which file a path named at one moment: its device and inode.
public struct FileIdentity: Hashable, Sendable {
  public var device: UInt64
  public var inode: UInt64
}

extension NSError {
  /// The POSIX error code behind a Foundation file error, when there is one.
  var posixCode: Int32? {
    if domain == NSPOSIXErrorDomain { return Int32(code) }
    return (userInfo[NSUnderlyingErrorKey] as? NSError)?.posixCode
  }
}
