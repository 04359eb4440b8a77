#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on a thread with a large stack.
///
/// Scripts nest calls until the interpreter's call-depth limit or until the stack is nearly full
/// (see `StackBounds`), and each level costs several native frames; a thread of its own with a
/// generous stack keeps even the deepest allowed recursion far from the stack's end, whatever
/// thread the embedder calls from. The stack is reserved address space: only the pages a run
/// touches use memory.
public enum LargeStack {
  /// The stack `run` gives by default: 512 MiB of reserved address space.
  public static let size = 512 << 20

  /// Runs `work` on a new thread with `stackSize` bytes of stack and waits for it. When no thread
  /// can be made, runs it here, on the caller's stack.
  public static func run<T>(stackSize: Int = size, _ work: () -> T) -> T {
    var result: T?
    withoutActuallyEscaping({ result = work() }) { body in
      if let thread = startThread(stackSize: stackSize, detached: false, body) {
        join(thread)
      } else {
        body()
      }
    }
    return result!
  }

  /// Starts `work` on a new detached thread with `stackSize` bytes of stack and returns at once;
  /// `false` when no thread could be made (then `work` does not run).
  public static func start(stackSize: Int = size, _ work: @escaping @Sendable () -> Void) -> Bool {
    startThread(stackSize: stackSize, detached: true, work) != nil
  }

  #if canImport(Darwin)
  private typealias Thread = pthread_t?
  #else
  private typealias Thread = pthread_t
  #endif

  /// Starts `body` on a thread of its own; `nil` when the thread could not be made.
  private static func startThread(stackSize: Int, detached: Bool, _ body: @escaping () -> Void) -> Thread? {
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setstacksize(&attributes, stackSize)
    if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
    #if canImport(Darwin)
    var thread: pthread_t?
    #else
    var thread = pthread_t()
    #endif
    let status = pthread_create(&thread, &attributes, { raw in
      Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue().body()
      return nil
    }, context)
    guard status == 0 else {
      Unmanaged<Box>.fromOpaque(context).release()
      return nil
    }
    return thread
  }

  private static func join(_ thread: Thread) {
    #if canImport(Darwin)
    pthread_join(thread!, nil)
    #else
    pthread_join(thread, nil)
    #endif
  }

  /// Carries the work to the thread, which releases it when done.
  private final class Box {
    let body: () -> Void

    init(_ body: @escaping () -> Void) { self.body = body }
  }
}
