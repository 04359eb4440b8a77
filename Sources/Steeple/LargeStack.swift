#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a thread with a large stack and waits for it.
///
/// Scripts nest calls up to the interpreter's call-depth limit, and each level costs several native
/// frames; a thread of its own with a generous stack keeps even the deepest allowed recursion far
/// from the stack's end, whatever thread the embedder calls from. The stack is reserved address
/// space: only the pages a run touches use memory.
enum LargeStack {
  static let size = 512 << 20

  static func run<T>(_ work: () -> T) -> T {
    var result: T?
    withoutActuallyEscaping({ result = work() }) { body in
      runOnThread(body)
    }
    return result!
  }

  private static func runOnThread(_ body: @escaping () -> Void) {
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, size)
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    let started = pthread_create(&thread, &attributes, { raw in
      Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, context)
    guard started == 0 else {
      // No thread could be made: run here, on the caller's stack.
      Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
      return
    }
    #if canImport(Darwin)
    pthread_join(thread!, nil)
    #else
    pthread_join(thread, nil)
    #endif
  }

  /// Carries the work to the thread, which releases it when done; `pthread_join` makes the caller
  /// wait for that.
  private final class Box {
    let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }
  }
}
