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

  /// Opens `<directory>/cloud.sqlite` and migrates it to the current schema; with `readOnly`, opens
  /// an existing one without writing anything (`plan`, `state`).
  ///
  /// The directory and the files must pass `StateDirectory`'s checks first (a new directory is
  /// made 0700, a new database file 0600): a `-wal` file someone planted, readable by others or
  /// theirs, is refused rather than reused, and no path is followed through a symbolic link
  /// (SQLite opens the files by name, but in a directory only its owner may write, no one else can
  /// put a link there after the check).
  static func open(directory: String, readOnly: Bool = false) throws -> DatabasePool {
    if readOnly {
      try StateDirectory.checkForReading(directory)
    } else {
      try StateDirectory.prepare(directory)
    }
    let path = (directory as NSString).appendingPathComponent(fileName)
    for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
      try StateDirectory.checkFile(file, forWriting: !readOnly)
    }
    if !readOnly {
      // Create the file owner-only before SQLite opens it: SQLite gives the -wal and -shm files the
      // main file's mode, so all three stay 0600.
      close(try StateDirectory.openFile(path, flags: O_WRONLY | O_CREAT, doing: "create"))
    } else if access(path, R_OK) != 0 {
      throw EngineError.access(path, doing: "read", errno: errno)
    }

    var configuration = Configuration()
    configuration.foreignKeysEnabled = true
    configuration.busyMode = .timeout(30)
    configuration.label = "steeple.local-cloud"
    configuration.readonly = readOnly
    // In WAL mode, NORMAL keeps every committed transaction through a killed process (only a power
    // loss can take back the last ones) and saves an fsync per commit.
    if !readOnly {
      configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
    }
    let migrator = CloudSchema.migrator
    var pool: DatabasePool
    do {
      pool = try DatabasePool(path: path, configuration: configuration)
      _ = try pool.read { try migrator.hasBeenSuperseded($0) }
    } catch let error as DatabaseError
      where readOnly && [.SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_IOERR].contains(error.resultCode)
    {
      // A state in WAL mode that this user may read but not write beside: SQLite cannot make the
      // -shm file it reads through. With no -wal file there is no transaction outside the
      // database file, so the file alone is the whole state: read it as unchanging.
      guard !FileManager.default.fileExists(atPath: path + "-wal") else {
        throw EngineError.access(directory, doing: "read the state without writing its -shm file in", errno: EACCES)
      }
      let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
      pool = try DatabasePool(path: "file:\(encoded)?immutable=1", configuration: configuration)
    }
    if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
      throw ProviderError.state("\(path) was written by a newer Steeple: its schema has migrations this one does not know")
    }
    if readOnly {
      guard try pool.read({ try migrator.hasCompletedMigrations($0) }) else {
        throw ProviderError.state("\(path) was written by an older Steeple: 'steeple apply' brings it up to date")
      }
    } else {
      try migrator.migrate(pool)
    }
    return pool
  }

  static func fileError(_ what: String, _ code: Int32) -> any Error {
    ProviderError.state("\(what): \(String(cString: strerror(code)))")
  }
}
