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
  /// The most recently tracked object; each links to the one tracked before it. The links are
  /// unretained references, read and written without reference counting: this runs for every
  /// heap frame, and retains and releases would cost more than the rest of it.
  fileprivate var head: Unmanaged<TrackedObject>?

  deinit { breakCycles() }

  /// Empties every tracked object and stops tracking them.
  func breakCycles() {
    var objects: [TrackedObject] = []
    var next = head
    while let object = next {
      objects.append(object.takeUnretainedValue())
      next = object._withUnsafeGuaranteedRef { $0.trackedNext }
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
      next = object._withUnsafeGuaranteedRef { $0.trackedNext }
    }
    return count
  }
}

/// An object that can be part of a reference cycle: a frame, list or record (see `CycleBreaker`).
/// Nothing of it is public; it is public only because `ListObject` and `RecordObject` are.
public class TrackedObject {
  fileprivate var trackedPrevious: Unmanaged<TrackedObject>?
  fileprivate var trackedNext: Unmanaged<TrackedObject>?
  /// Not retained either: the breaker detaches every object it still tracks before it goes away
  /// (`breakCycles`, from its deinitializer and the interpreter's), so no object is left pointing
  /// at it.
  fileprivate var breaker: Unmanaged<CycleBreaker>?

  init() {}

  /// Puts the object in `breaker`'s list, unless it is in one already.
  @inline(__always) final func track(in breaker: CycleBreaker) {
    guard self.breaker == nil else { return }
    let me = Unmanaged.passUnretained(self)
    self.breaker = Unmanaged.passUnretained(breaker)
    trackedNext = breaker.head
    breaker.head?._withUnsafeGuaranteedRef { $0.trackedPrevious = me }
    breaker.head = me
  }

  /// Whether a breaker tracks the object.
  @inline(__always) final var isTracked: Bool { breaker != nil }

  /// Drops the object's references to other values, breaking any cycle through it.
  func releaseReferences() {}

  deinit {
    guard let breaker else { return }
    let (previous, next) = (trackedPrevious, trackedNext)
    if let previous {
      previous._withUnsafeGuaranteedRef { $0.trackedNext = next }
    } else {
      breaker._withUnsafeGuaranteedRef { $0.head = next }
    }
    next?._withUnsafeGuaranteedRef { $0.trackedPrevious = previous }
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
    container.track(in: runtime.cycleBreaker)
  }

  /// Tracks a copy of a tracked container: a cycle copied is a cycle too, and every cycle goes
  /// through a tracked container (the one a reference was stored into to close it), so tracking
  /// the copies of tracked ones is enough.
  static func trackCopy(_ copy: TrackedObject, of original: TrackedObject) {
    guard original.isTracked, let runtime = meter?.runtime else { return }
    copy.track(in: runtime.cycleBreaker)
  }

  /// As `noteStore(_:into:)`, for several values.
  static func noteStore(_ values: [Value], into container: TrackedObject) {
    guard !container.isTracked, values.contains(where: \.canFormCycle), let runtime = meter?.runtime else { return }
    container.track(in: runtime.cycleBreaker)
  }
}
