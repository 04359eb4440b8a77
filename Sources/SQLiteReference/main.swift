// The benchmark reference of scripts/bench/plan: N bare SQLite transactions through GRDB, each
// durable before the next starts (WAL, synchronous FULL: one fsync a commit), in a new database.
// GRDB's DatabasePool sets `synchronous = NORMAL` on its connections when it turns WAL on, after
// `prepareDatabase` runs, so FULL is set on the writer connection once the pool is open (a
// `prepareDatabase` pragma alone left 11 fdatasyncs for 1,000 commits).
//
//   sqlite-reference COUNT DIRECTORY
//
// Prints the seconds the transactions took.
import Foundation
import GRDB

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[1]), count >= 0 else {
  FileHandle.standardError.write(Data("usage: sqlite-reference COUNT DIRECTORY\n".utf8))
  exit(2)
}
do {
  let pool = try DatabasePool(path: arguments[2] + "/reference.sqlite")
  try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
  try pool.write { db in try db.execute(sql: "CREATE TABLE step (id INTEGER PRIMARY KEY, note TEXT NOT NULL)") }
  let clock = ContinuousClock()
  let start = clock.now
  for id in 0..<count {
    try pool.write { db in try db.execute(sql: "INSERT INTO step (id, note) VALUES (?, ?)", arguments: [id, "done"]) }
  }
  let (seconds, attoseconds) = (clock.now - start).components
  print(Double(seconds) + Double(attoseconds) / 1e18)
} catch {
  FileHandle.standardError.write(Data("sqlite-reference: \(error)\n".utf8))
  exit(1)
}
