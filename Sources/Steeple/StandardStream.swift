#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing to standard output or standard error without trapping when the write fails.
///
/// Foundation's `FileHandle.write(_:)` traps on a failed write (a full disk, `> /dev/full`, a
/// closed descriptor), which killed `steeple` with a backtrace. These writes go straight to the
/// descriptor, unbuffered, so what was written before a failure is already out, and a failure is
/// an error the caller reports.
public enum StandardStream {
  /// A write that failed: which stream and why (`strerror`).
  public struct WriteFailure: Error, CustomStringConvertible, Sendable {
    public let descriptor: Int32
    public let reason: String

    public var streamName: String {
      switch descriptor {
      case 1: return "standard output"
      case 2: return "standard error"
      default: return "file descriptor \(descriptor)"
      }
    }

    public var description: String { "cannot write to \(streamName): \(reason)" }
  }

  /// Writes all of `text` to `descriptor`, retrying short writes and interruptions.
  public static func write(_ text: String, to descriptor: Int32) throws(WriteFailure) {
    var text = text
    let failure: Int32? = text.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        if written == 0 { return EIO }
        offset += written
      }
      return nil
    }
    if let failure {
      throw WriteFailure(descriptor: descriptor, reason: String(cString: strerror(failure)))
    }
  }

  private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(descriptor, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(descriptor, bytes, count)
    #else
    return Darwin.write(descriptor, bytes, count)
    #endif
  }

  /// Standard input, output and error that were closed when the program started are opened on
  /// `/dev/null` with their writes failing as closed (`EBADF`): otherwise the first file the
  /// program opened would take their number, and output would go into it.
  public static func guardClosedDescriptors() {
    for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
      let opened = open("/dev/null", O_RDONLY)
      // Opened read-only, so writes to it fail with EBADF as they would on the closed descriptor.
      if opened >= 0, opened != descriptor {
        _ = dup2(opened, descriptor)
        _ = close(opened)
      }
    }
  }
}
