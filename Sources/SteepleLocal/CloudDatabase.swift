import Foundation
import GRDB
import SteepleEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The embedded cloud's state: one SQLite database in WAL mode, readable only by its owner.
enum CloudDatabase {
  static let fileName = "cloud.sqlite"

  /// Opens (creating when needed) `<directory>/cloud.sqlite`, with a new directory 0700 and every
  /// database file 0600, and migrates it to the current schema.
  static func open(directory: String) throws -> DatabasePool {
    // A directory made here is its owner's only; one that exists is left as it is (it may be shared,
    // like /tmp), since the database files themselves are the owner's only.
    if !FileManager.default.fileExists(atPath: directory) {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
      guard chmod(directory, 0o700) == 0 else { throw fileError("cannot restrict \(directory) to its owner", errno) }
    }
    let path = (directory as NSString).appendingPathComponent(fileName)
    // Create the file owner-only before SQLite opens it: SQLite gives the -wal and -shm files the
    // main file's mode, so all three stay 0600.
    if !FileManager.default.fileExists(atPath: path) {
      guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
        throw fileError("cannot create \(path)", errno)
      }
    }
    guard chmod(path, 0o600) == 0 else { throw fileError("cannot restrict \(path) to its owner", errno) }

    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(30)
    configuration.label = "steeple.local-cloud"
    // In WAL mode, NORMAL keeps every committed transaction through a killed process (only a power
    // loss can take back the last ones) and saves an fsync per commit.
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    let pool = try DatabasePool(path: path, configuration: configuration)
    for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
      _ = chmod(path + suffix, 0o600)
    }
    let migrator = CloudSchema.migrator
    if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
      throw ProviderError.state("\(path) was written by a newer Steeple: its schema has migrations this one does not know")
    }
    try migrator.migrate(pool)
    return pool
  }

  static func fileError(_ what: String, _ code: Int32) -> any Error {
    ProviderError.state("\(what): \(String(cString: strerror(code)))")
  }
}
