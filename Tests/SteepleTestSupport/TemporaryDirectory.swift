public import Foundation

/// Folders the tests make under the system's temporary directory, each new and owner-only, and
/// removed when the test process exits (or at once, by `remove`).
public enum TemporaryDirectory {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var made: [URL] = []
  private static let cleanUp: Void = { atexit { TemporaryDirectory.removeAll() } }()

  /// A new empty folder named `prefix` and a UUID, mode 0700.
  public static func make(_ prefix: String) throws -> URL {
    _ = cleanUp
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + UUID().uuidString, isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    lock.withLock { made.append(url) }
    return url
  }

  /// Removes a folder `make` made, before the process exits.
  public static func remove(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
  }

  private static func removeAll() {
    for url in lock.withLock({ made }) { try? FileManager.default.removeItem(at: url) }
  }
}
