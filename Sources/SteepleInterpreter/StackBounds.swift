#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if os(Linux)
/// glibc's `pthread_getattr_np`, which the Glibc module does not export (it is a GNU extension);
/// its arguments are a word and a pointer, passed alike by the Swift and C conventions.
@_silgen_name("pthread_getattr_np")
private func steeple_pthread_getattr_np(_ thread: pthread_t, _ attributes: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#endif

/// Where the running thread's native stack ends, so that deep recursion stops with a clean
/// `call-depth` error instead of overflowing the stack.
///
/// A count of nested calls cannot do this: how many native bytes a script call takes differs by
/// build (a debug or AddressSanitizer build takes several times what a release build does) and
/// by what the call evaluates, and threads have stacks of every size. So each call compares the
/// address of a local variable with the thread's stack bounds, read once per run with
/// `pthread_getattr_np`, and stops while `margin` bytes are still free: enough for the deepest
/// evaluation that can happen between two calls (expressions nest at most `Parser.maxHeight`
/// operators deep) and for reporting the error.
struct StackBounds {
  /// The lowest address of the stack, and the address below which calls stop. Zero when the
  /// bounds are unknown: nothing is checked.
  let low: UInt
  let limit: UInt

  /// The bounds of the calling thread's stack.
  static func current() -> StackBounds {
    #if os(Linux)
    var attributes = pthread_attr_t()
    guard steeple_pthread_getattr_np(pthread_self(), &attributes) == 0 else { return StackBounds(low: 0, limit: 0) }
    defer { pthread_attr_destroy(&attributes) }
    var base: UnsafeMutableRawPointer?
    var size = 0
    guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base, size > 0 else {
      return StackBounds(low: 0, limit: 0)
    }
    let low = UInt(bitPattern: base)
    return StackBounds(low: low, limit: low + UInt(margin(forStackOf: size)))
    #elseif canImport(Darwin)
    let thread = pthread_self()
    let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
    let size = pthread_get_stacksize_np(thread)
    let low = high - UInt(size)
    return StackBounds(low: low, limit: low + UInt(margin(forStackOf: size)))
    #else
    return StackBounds(low: 0, limit: 0)
    #endif
  }

  /// A quarter of the stack, at least 256 KiB and at most 16 MiB.
  static func margin(forStackOf size: Int) -> Int {
    min(max(size / 4, 256 << 10), 16 << 20)
  }

  /// Whether the stack at the caller is within the margin of its end. An address outside the
  /// stack (a sanitizer's fake stack frame) counts as not full.
  @inline(__always) func isNearlyFull() -> Bool {
    var marker: UInt8 = 0
    let address = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    return address < limit && address >= low
  }
}
