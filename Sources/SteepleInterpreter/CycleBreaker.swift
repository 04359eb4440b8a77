/// Frees the reference cycles a run leaves behind, when the interpreter that made them goes away.
///
/// Values are reference counted, and scripts make cycles all the time: a function stored in the
/// frame it captures (`fn next() { ... }` inside a function that returns it, or any top-level
/// function), a list appended to itself, a record holding a closure over the record. Reference
/// counting alone never frees those (leak detection found them in every fuzz run). So every
/// object that can be part of a cycle is *tracked* by its interpreter's breaker, in an intrusive
/// list that costs no allocation: heap frames when they are made, and lists and records when a
/// list, record, function or method is stored into them after they were made (the only way a
/// container can come to reach itself). An object that is freed normally leaves the list. When
/// the interpreter is deinitialized, the breaker empties every object still tracked, which breaks
/// every cycle; a value kept beyond its interpreter keeps its scalars, and its closures see `nil`.
final class CycleBreaker {
  /// The most recently tracked object; each links to the one tracked before it.
  fileprivate unowned(unsafe) var head: TrackedObject?

  /// Empties every tracked object and stops tracking them.
  func breakCycles() {
    var objects: [TrackedObject] = []
    var next = head
    while let object = next {
      objects.append(object)
      next = object.trackedNext
    }
    head = nil
    for object in objects {
      object.breaker = nil
      object.trackedNext = nil
      object.trackedPrevious = nil
    }
    for object in objects { object.releaseReferences() }
  }

  /// How many objects are tracked, for tests.
  var trackedCount: Int {
    var count = 0
    var next = head
    while let object = next {
      count += 1
      next = object.trackedNext
    }
    return count
  }
}

/// An object that can be part of a reference cycle: a frame, list or record (see `CycleBreaker`).
/// Nothing of it is public; it is public only because `ListObject` and `RecordObject` are.
public class TrackedObject {
  fileprivate unowned(unsafe) var trackedPrevious: TrackedObject?
  fileprivate unowned(unsafe) var trackedNext: TrackedObject?
  fileprivate var breaker: CycleBreaker?

  init() {}

  /// Puts the object in `breaker`'s list, unless it is in one already.
  final func track(in breaker: CycleBreaker) {
    guard self.breaker == nil else { return }
    self.breaker = breaker
    trackedNext = breaker.head
    breaker.head?.trackedPrevious = self
    breaker.head = self
  }

  /// Whether a breaker tracks the object.
  final var isTracked: Bool { breaker != nil }

  /// Drops the object's references to other values, breaking any cycle through it.
  func releaseReferences() {}

  deinit {
    guard let breaker else { return }
    if let previous = trackedPrevious {
      previous.trackedNext = trackedNext
    } else {
      breaker.head = trackedNext
    }
    trackedNext?.trackedPrevious = trackedPrevious
  }
}

extension Value {
  /// Whether the value is a reference that can lead back to the container it is stored in.
  @inline(__always) var canFormCycle: Bool {
    switch self {
    case .list, .record, .function, .method: return true
    default: return false
    }
  }
}

extension Limits {
  /// Tracks a container that `value` is being stored into, when that could make a cycle. Found
  /// through the running script's runtime; outside a run nothing is tracked.
  @inline(__always) static func noteStore(_ value: Value, into container: TrackedObject) {
    guard value.canFormCycle, !container.isTracked, let runtime = meter?.runtime else { return }
    container.track(in: runtime.interpreter.cycleBreaker)
  }

  /// As `noteStore(_:into:)`, for several values.
  static func noteStore(_ values: [Value], into container: TrackedObject) {
    guard !container.isTracked, values.contains(where: \.canFormCycle), let runtime = meter?.runtime else { return }
    container.track(in: runtime.interpreter.cycleBreaker)
  }
}
