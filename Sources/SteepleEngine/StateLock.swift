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
/// The lock is `flock` on `<state>/lock`, which the kernel releases when the holder exits, however
/// it exits; the file holds the holder's pid, command and start time so a waiting process can say
/// who it waits for. The file itself is never deleted.
public final class StateLock: Sendable {
  public static let fileName = "lock"

  public let path: String
  private let descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  /// Takes the lock, waiting up to `timeout` (zero: fail at once) for the holder to let go.
  public static func acquire(
    directory: String, command: String, timeout: Duration = .zero
  ) async throws(EngineError) -> StateLock {
    let path = directory + "/" + fileName
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { throw .io("cannot open \(path)", errno: errno) }
    let clock = ContinuousClock()
    let start = clock.now
    while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      let code = errno
      guard code == EWOULDBLOCK || code == EINTR else {
        close(descriptor)
        throw .io("cannot lock \(path)", errno: code)
      }
      let waited = clock.now - start
      if waited >= timeout || Task.isCancelled {
        close(descriptor)
        throw .locked(holder(path: path) ?? LockHolder(pid: 0, command: "another process"), waited: waited)
      }
      try? await Task.sleep(for: min(.milliseconds(50), timeout - waited))
    }
    let record = "pid \(getpid())\ncommand \(command)\nsince \(LockHolder.format(Date()))\n"
    let bytes = Array(record.utf8)
    guard ftruncate(descriptor, 0) == 0,
      bytes.withUnsafeBytes({ pwrite(descriptor, $0.baseAddress, $0.count, 0) }) == bytes.count,
      fsync(descriptor) == 0
    else {
      let code = errno
      close(descriptor)
      throw .io("cannot write \(path)", errno: code)
    }
    return StateLock(path: path, descriptor: descriptor)
  }

  /// Lets go of the lock. The lock file keeps the last holder's details.
  public func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }

  /// The holder the lock file names, if it names one.
  public static func holder(path: String) -> LockHolder? {
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
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
