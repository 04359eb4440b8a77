public import Foundation

/// Who holds a state's lock, as its lock file says.
public struct LockHolder: Hashable, Sendable, CustomStringConvertible {
  public var pid: Int32
  public var command: String
  public var since: Date?

  public var description: String {
    var text = "\(command) (pid \(pid)"
    if let since { text += ", since \(Self.format(since))" }
    return text + ")"
  }

  static func format(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
  }
}

/// An exclusive lock on a state directory, so two applies never act on one state at once.
///
/// The lock is `flock` on the state directory itself, which no one can unlink while it holds
/// files, and which the kernel releases when the holder exits, however it exits. The `lock` file
/// beside the state holds the holder's pid, command and start time, so a waiting process can say
/// who it waits for; deleting it loses only that description, never the lock. It is opened without
/// following a symbolic link, so one planted there cannot make an apply overwrite another file.
public final class StateLock: Sendable {
  public static let fileName = "lock"

  public let path: String
  private let directoryDescriptor: Int32

  private init(path: String, directoryDescriptor: Int32) {
    self.path = path
    self.directoryDescriptor = directoryDescriptor
  }

  /// Takes the lock, waiting up to `timeout` (zero: fail at once) for the holder to let go.
  /// `waiting` is called once, with the holder, when the lock is held and the timeout lets it wait.
  public static func acquire(
    directory: String, command: String, timeout: Duration = .zero, waiting: (LockHolder) -> Void = { _ in }
  ) async throws(EngineError) -> StateLock {
    let path = directory + "/" + fileName
    let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard directoryDescriptor >= 0 else { throw .access(directory, doing: "open the state directory", errno: errno) }
    let clock = ContinuousClock()
    let start = clock.now
    var said = false
    while flock(directoryDescriptor, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      guard code == EWOULDBLOCK || code == EINTR else {
        close(directoryDescriptor)
        throw .access(directory, doing: "lock", errno: code)
      }
      let waited = clock.now - start
      if waited >= timeout || Task.isCancelled {
        close(directoryDescriptor)
        throw .locked(holder(path: path) ?? LockHolder(pid: 0, command: "another process"), waited: waited)
      }
      if !said {
        said = true
        waiting(holder(path: path) ?? LockHolder(pid: 0, command: "another process"))
      }
      try? await Task.sleep(for: min(.milliseconds(50), timeout - waited))
    }
    do throws(EngineError) {
      let descriptor = try StateDirectory.openFile(path, flags: O_RDWR | O_CREAT, doing: "open")
      defer { close(descriptor) }
      let record = "pid \(getpid())\ncommand \(command)\nsince \(LockHolder.format(Date()))\n"
      let bytes = Array(record.utf8)
      guard ftruncate(descriptor, 0) == 0,
        bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count,
        fsync(descriptor) == 0
      else { throw .access(path, doing: "write", errno: errno) }
    } catch {
      close(directoryDescriptor)
      throw error
    }
    return StateLock(path: path, directoryDescriptor: directoryDescriptor)
  }

  /// Lets go of the lock. The lock file keeps the last holder's details.
  public func release() {
    flock(directoryDescriptor, LOCK_UN)
    close(directoryDescriptor)
  }

  /// Who holds the lock on `directory`'s state now, or `nil` when no one does (or there is no
  /// state directory). Probes with a shared lock that it lets go at once.
  public static func currentHolder(directory: String) -> LockHolder? {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
      flock(descriptor, LOCK_UN)
      return nil
    }
    guard errno == EWOULDBLOCK else { return nil }
    return holder(path: directory + "/" + fileName) ?? LockHolder(pid: 0, command: "another process")
  }

  /// The holder the lock file names, if it names one.
  public static func holder(path: String) -> LockHolder? {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    guard let data = try? handle.read(upToCount: 4096), let text = String(data: data, encoding: .utf8) else {
      return nil
    }
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: " ", maxSplits: 1)
      if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    guard let pid = fields["pid"].flatMap({ Int32($0) }) else { return nil }
    return LockHolder(
      pid: pid, command: fields["command"] ?? "another process",
      since: fields["since"].flatMap { ISO8601DateFormatter().date(from: $0) })
  }
}
