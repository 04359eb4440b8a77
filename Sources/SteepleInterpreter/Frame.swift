/// The variables of a module, or of a running function that defines closures, on the heap.
///
/// Functions that define no closures keep their variables in a window of the runtime's value stack
/// instead, which costs no allocation (see `Runtime.call`). A frame's `parent` is the frame its
/// function was defined in, so a closure reaches the variables it captured by walking a fixed
/// number of parents. (A `ManagedBuffer` would save one allocation, but its generic deinitializer
/// costs more than the allocation saves.)
final class Frame: TrackedObject {
  let parent: Frame?
  let count: Int
  /// The variables; a running function reads its own through `Context.locals`.
  let slots: UnsafeMutablePointer<Value>
  /// Set on a module's frame when the module finishes loading, and on frames captured by frozen
  /// functions: assigning to their variables is then an error.
  @exclusivity(unchecked) private(set) var isFrozen = false

  init(parent: Frame?, count: Int) {
    self.parent = parent
    self.count = count
    slots = .allocate(capacity: max(count, 1))
    slots.initialize(repeating: .nil, count: count)
  }

  override func releaseReferences() {
    for index in 0..<count { slots[index] = .nil }
  }

  deinit {
    // Element by element: `deinitialize(count:)` goes through the runtime's generic array destroy,
    // which costs several times more for the few slots a frame has.
    for index in 0..<count { _ = (slots + index).move() }
    slots.deallocate()
  }

  @inline(__always) subscript(slot: Int) -> Value {
    get { slots[slot] }
    set { slots[slot] = newValue }
  }

  /// The frame `depth` levels out.
  @inline(__always) func outer(_ depth: Int) -> Frame {
    var frame = self
    for _ in 0..<depth { frame = frame.parent.unsafelyUnwrapped }
    return frame
  }

  /// Freezes the frame, the values in it and the frames it closes over.
  func freeze() {
    guard !isFrozen else { return }
    isFrozen = true
    for slot in 0..<count { self[slot].freeze() }
    parent?.freeze()
  }
}
