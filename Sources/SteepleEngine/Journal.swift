import Foundation

/// The apply journal: every intent and outcome, durable before the next thing happens.
///
/// `journal.jsonl` in the state directory holds the latest apply that had something to do;
/// starting one moves the one before to `journal.previous.jsonl` (an apply with nothing to do
/// writes no journal, so it never pushes out the record of the last real one). Writes are batched per scheduling round and made durable with
/// one fsync, so an intent is on disk before its provider call starts.
public final class Journal {
  public static let fileName = "journal.jsonl"
  public static let previousFileName = "journal.previous.jsonl"

  public let path: String
  private let descriptor: Int32
  private var pending: [UInt8] = []

  /// Starts a new journal for one apply, keeping the last one as the previous journal.
  public init(directory: String) throws(EngineError) {
    path = directory + "/" + Self.fileName
    let previous = directory + "/" + Self.previousFileName
    try StateDirectory.checkFile(path, forWriting: true)
    try StateDirectory.checkFile(previous, forWriting: true)
    if FileManager.default.fileExists(atPath: path) {
      guard rename(path, previous) == 0 else { throw .io("cannot move \(path) to \(previous)", errno: errno) }
    }
    descriptor = try StateDirectory.openFile(path, flags: O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, doing: "create")
    try syncDirectory(directory)
  }

  deinit { close(descriptor) }

  /// Queues an entry; it is on disk after the next `sync()`.
  public func append(_ entry: JournalEntry) {
    pending += entry.line().utf8
  }

  /// Writes what is queued and waits until it is on disk.
  public func sync() throws(EngineError) {
    guard try writePending() else { return }
    try syncWritten()
  }

  /// Writes what is queued, without waiting for the disk; `false` when nothing was queued.
  func writePending() throws(EngineError) -> Bool {
    guard !pending.isEmpty else { return false }
    var offset = 0
    while offset < pending.count {
      let written = pending.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .io("cannot write \(path)", errno: errno)
      }
      offset += written
    }
    pending.removeAll(keepingCapacity: true)
    return true
  }

  /// Waits until what was written is on disk.
  func syncWritten() throws(EngineError) { try syncTarget.sync() }

  /// The open file, to sync from another thread.
  var syncTarget: SyncTarget { SyncTarget(descriptor: descriptor, path: path) }

  /// Reads a journal's entries; a last line cut short by a crash is left out.
  public static func entries(in directory: String, file: String = fileName) -> [JournalEntry] {
    guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { return [] }
    return [UInt8](data).withUnsafeBufferPointer { text in
      var entries: [JournalEntry] = []
      var start = 0
      while start < text.count {
        let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) ?? text.count
        if end > start, let entry = try? JournalEntry.read(line: UnsafeBufferPointer(rebasing: text[start..<end])) {
          entries.append(entry)
        }
        start = end + 1
      }
      return entries
    }
  }

  /// The apply the journal shows did not end, if there is one.
  public static func interrupted(in directory: String) -> InterruptedApply? {
    let entries = entries(in: directory)
    guard let begin = entries.lastIndex(where: { $0.event == .begin }) else { return nil }
    let run = entries[begin...]
    guard !run.contains(where: { $0.event == .end }) else { return nil }
    var inFlight: [Int: JournaledAction] = [:]
    var finished = 0
    for entry in run {
      guard let step = entry.step else { continue }
      switch entry.event {
      case .intent: inFlight[step] = JournaledAction(verb: entry.verb ?? "apply", address: entry.address ?? "?")
      case .done, .failed:
        inFlight[step] = nil
        finished += 1
      default: break
      }
    }
    let first = entries[begin]
    return InterruptedApply(
      pid: first.pid ?? 0, command: first.command ?? "apply", started: first.time,
      inFlight: inFlight.sorted { $0.key < $1.key }.map(\.value), finished: finished, steps: first.steps ?? 0)
  }
}

/// Makes a directory's entries (a file just created or renamed) durable.
func syncDirectory(_ directory: String) throws(EngineError) {
  let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
  guard descriptor >= 0 else { throw .io("cannot open \(directory)", errno: errno) }
  defer { close(descriptor) }
  guard fsync(descriptor) == 0 else { throw .io("cannot sync \(directory)", errno: errno) }
}
