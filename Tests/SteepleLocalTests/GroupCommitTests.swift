import Foundation
import GRDB
import SteepleTestSupport
import Testing

@testable import SteepleLocal

/// Provider calls that write at the same time share one transaction, each in its own savepoint.
@Suite("the local cloud's group commit")
struct GroupCommitTests {
  /// A pool with one table, and a group committing through it.
  private static func makeGroup() throws -> (DatabasePool, GroupCommit, URL) {
    let directory = try TemporaryDirectory.make("steeple-group-")
    let pool = try DatabasePool(path: directory.appendingPathComponent("group.sqlite").path)
    try pool.write { db in try db.execute(sql: "CREATE TABLE note (name TEXT PRIMARY KEY)") }
    return (pool, GroupCommit { body in try pool.write { db in try body(db) } }, directory)
  }

  /// The table's names, in order (a synchronous read: the tests are async).
  private static func names(_ pool: DatabasePool) throws -> [String] {
    try pool.read { try String.fetchAll($0, sql: "SELECT name FROM note ORDER BY name") }
  }

  private static func insertNow(_ name: String, _ pool: DatabasePool) throws {
    try pool.write { db in _ = try insert(name, db) }
  }

  private static func createTable(_ pool: DatabasePool) throws {
    try pool.write { db in try db.execute(sql: "CREATE TABLE note (name TEXT PRIMARY KEY)") }
  }

  private static func insert(_ name: String, _ db: Database) throws -> String {
    try db.execute(sql: "INSERT INTO note (name) VALUES (?)", arguments: [name])
    return name
  }

  @Test("writes that wait together commit in one transaction, and each caller gets its own result")
  func oneTransaction() async throws {
    let (pool, group, directory) = try Self.makeGroup()
    defer { TemporaryDirectory.remove(directory) }
    let results = await withTaskGroup(of: String.self) { tasks in
      await group.withWriterHeld {
        for name in ["a", "b", "c"] {
          tasks.addTask {
            do {
              return try await group.write { db in (try Self.insert(name, db), Database.TransactionCompletion.commit) }
            } catch {
              return "failed: \(error)"
            }
          }
        }
        while group.waitingCount < 3 { await Task.yield() }
      }
      var results: [String] = []
      for await result in tasks { results.append(result) }
      return results.sorted()
    }
    #expect(results == ["a", "b", "c"])
    #expect(group.commits == 1)
    #expect(try Self.names(pool) == ["a", "b", "c"])
  }

  @Test("a write that throws rolls back alone: its caller gets its error, the others commit")
  func failingWriteAlone() async throws {
    let (pool, group, directory) = try Self.makeGroup()
    defer { TemporaryDirectory.remove(directory) }
    try Self.insertNow("taken", pool)
    let outcomes = await withTaskGroup(of: (String, String).self) { tasks in
      await group.withWriterHeld {
        for name in ["a", "taken", "b"] {
          tasks.addTask {
            do {
              // The second statement of "taken" fails on the primary key; the first must not stay.
              let written = try await group.write { db in
                _ = try Self.insert(name + "-first", db)
                return (try Self.insert(name, db), Database.TransactionCompletion.commit)
              }
              return (name, written)
            } catch let error as DatabaseError {
              return (name, "error \(error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY ? "primary key" : "other")")
            } catch {
              return (name, "error \(error)")
            }
          }
        }
        while group.waitingCount < 3 { await Task.yield() }
      }
      var outcomes: [String: String] = [:]
      for await (name, outcome) in tasks { outcomes[name] = outcome }
      return outcomes
    }
    #expect(outcomes == ["a": "a", "b": "b", "taken": "error primary key"])
    #expect(group.commits == 1)
    #expect(
      try Self.names(pool) == [
        "a", "a-first", "b", "b-first", "taken",
      ])
  }

  @Test("a write that asks for a rollback returns its result and leaves nothing")
  func rollbackKeepsNothing() async throws {
    let (pool, group, directory) = try Self.makeGroup()
    defer { TemporaryDirectory.remove(directory) }
    let returned = try await group.write { db in (try Self.insert("tried", db), Database.TransactionCompletion.rollback) }
    #expect(returned == "tried")
    #expect(try Self.names(pool).isEmpty)
  }

  @Test("when the transaction fails, every write of the group gets the error and none is kept")
  func transactionFailureFailsAll() async throws {
    let directory = try TemporaryDirectory.make("steeple-group-")
    defer { TemporaryDirectory.remove(directory) }
    let pool = try DatabasePool(path: directory.appendingPathComponent("group.sqlite").path)
    try Self.createTable(pool)
    struct CommitRefused: Error {}
    // A writer whose commit fails after the group's writes ran, as a full disk fails it.
    let group = GroupCommit { body in
      try pool.writeWithoutTransaction { db in
        try db.inTransaction {
          try body(db)
          throw CommitRefused()
        }
      }
    }
    let outcomes = await withTaskGroup(of: String.self) { tasks in
      await group.withWriterHeld {
        for name in ["a", "b"] {
          tasks.addTask {
            do {
              return try await group.write { db in (try Self.insert(name, db), Database.TransactionCompletion.commit) }
            } catch {
              return "\(type(of: error))"
            }
          }
        }
        while group.waitingCount < 2 { await Task.yield() }
      }
      var outcomes: [String] = []
      for await outcome in tasks { outcomes.append(outcome) }
      return outcomes
    }
    #expect(outcomes == ["CommitRefused", "CommitRefused"])
    #expect(group.commits == 0)
    #expect(try Self.names(pool).isEmpty)
  }
}
