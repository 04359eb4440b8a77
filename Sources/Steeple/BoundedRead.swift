import Foundation

/// Reads a whole script, but no more than a limit: a script is source text, and a path such as
/// `/dev/zero` (or a log given by mistake) must not fill the memory before the interpreter's own
/// memory limit can stop anything.
enum BoundedRead {
  enum Failure: Error {
    case unreadable
    /// The file holds more than the limit; reading stopped there.
    case tooLarge
  }

  /// Everything `handle` holds up to its end, in chunks, stopping one chunk past `limit`.
  static func contents(of handle: FileHandle, limit: Int) -> Result<[UInt8], Failure> {
    var bytes: [UInt8] = []
    while true {
      let chunk: Data?
      do { chunk = try handle.read(upToCount: 1 << 16) } catch { return .failure(.unreadable) }
      guard let chunk, !chunk.isEmpty else { return .success(bytes) }
      bytes.append(contentsOf: chunk)
      if bytes.count > limit { return .failure(.tooLarge) }
    }
  }

  /// `64 MiB`, `512 KiB`, `100 bytes`: a limit as a person reads it.
  static func describe(_ size: Int) -> String {
    for (unit, power) in [("GiB", 30), ("MiB", 20), ("KiB", 10)] where size >= 1 << power && size % (1 << power) == 0 {
      return "\(size >> power) \(unit)"
    }
    return "\(size) byte\(size == 1 ? "" : "s")"
  }

  /// The error for a file past the limit, saying how to raise it.
  static func tooLargeDetail(_ limit: Int) -> String {
    "a script holds source text, and reading stopped at \(describe(limit)); if this really is a script, "
      + "raise the limit (steeple: --max-script-size SIZE; Session.Configuration.maxScriptSize)"
  }
}
