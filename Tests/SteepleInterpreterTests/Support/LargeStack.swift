#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a new thread with a large stack and waits for it, for tests that recurse as deep
/// as the interpreter's default call-depth limit allows. Test threads have ordinary stacks.
enum LargeStack {
  static let size = 256 << 20

  /// Runs `work` on a thread with `stackSize` bytes of stack (`size` by default).
  static func run<T>(stackSize: Int = size, _ work: () -> T) -> T {
    var result: T?
    withoutActuallyEscaping({ result = work() }) { body in
      runOnThread(body, stackSize: stackSize)
    }
    return result!
  }

  private static func runOnThread(_ body: @escaping () -> Void, stackSize: Int) {
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    let started = pthread_create(&thread, &attributes, { raw in
      Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, context)
    precondition(started == 0, "could not start a thread")
    #if canImport(Darwin)
    pthread_join(thread!, nil)
    #else
    pthread_join(thread, nil)
    #endif
  }

  private final class Box {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
  }
}
