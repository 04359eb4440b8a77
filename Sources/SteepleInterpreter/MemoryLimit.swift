#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SteepleSyntax

/// The memory limit of a run: checked before every big allocation, so that a script that keeps
/// building big values stops with a clean error at the statement that would cross the limit,
/// instead of being killed by the system (or aborting in the allocator) when memory runs out.
///
/// What counts is the memory the process really uses (its resident set), read from the system
/// when an operation is about to allocate at least `memoryCheckThreshold` bytes: small
/// allocations are not checked (their cost would dominate), and a script can only grow in
/// memory by making big values or many small ones, the latter charged through list growth.
extension Limits {
  /// Allocations smaller than this are not checked.
  static let memoryCheckThreshold = 1 << 20

  /// The default limit of a run: half of the memory the process may use (the machine's physical
  /// memory, or the control group's limit when that is lower).
  public static let defaultMaxMemory: Int = {
    var available = physicalMemory()
    if let group = controlGroupLimit(), group < available { available = group }
    return max(available / 2, 64 << 20)
  }()

  /// Fails with `memory-limit` when allocating `bytes` more would take the process past the
  /// running script's memory limit. Does nothing for small allocations or outside a run.
  static func checkMemory(_ bytes: Int, at range: SourceRange) throws {
    guard bytes >= memoryCheckThreshold, let runtime = meter?.runtime, let limit = runtime.maxMemory else { return }
    let used = residentBytes()
    guard used > 0, used.addingReportingOverflow(bytes).partialValue > limit || bytes > limit else { return }
    throw Diagnostic(
      code: "memory-limit",
      "the run would use more than \(describeBytes(limit)) of memory (it uses \(describeBytes(used)), and this needs \(describeBytes(bytes)) more)",
      detail: "the script keeps too much data alive; build smaller values, or raise the limit with --max-memory", at: range)
  }

  /// "512 MiB", "1.5 GiB".
  static func describeBytes(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? "\(Int(rounded)) \(units[unit])" : "\(rounded) \(units[unit])"
  }

  /// The process's resident memory in bytes, or 0 when the system does not say.
  static func residentBytes() -> Int {
    #if os(Linux)
    // "size resident shared ...", in pages.
    guard let text = readSmallFile("/proc/self/statm") else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
    return 0
    #endif
  }

  /// The first bytes of a small file, as text. (C's stdio: the Swift overlay's `open` is not
  /// linked into every build of this module, such as the fuzzer's.)
  static func readSmallFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let count = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 127, file) }
    guard count > 0 else { return nil }
    return String(decoding: buffer[0..<count], as: UTF8.self)
  }

  static func physicalMemory() -> Int {
    #if os(Linux)
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let size = sysconf(Int32(_SC_PAGESIZE))
    if pages > 0, size > 0 { return pages * size }
    #endif
    return 8 << 30
  }

  /// The memory limit of the process's control group (cgroup v2), when it has one.
  static func controlGroupLimit() -> Int? {
    #if os(Linux)
    return readSmallFile("/sys/fs/cgroup/memory.max").flatMap { Int($0.trimmingWhitespace()) }
    #else
    return nil
    #endif
  }
}
