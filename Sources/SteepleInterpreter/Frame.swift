/// The variables of one running function or module, in slots the resolver numbered.
///
/// One allocation holds the header and the slots. A frame's `parent` is the frame the function was
/// defined in, so a closure reaches the variables it captured by walking a fixed number of parents.
final class Frame: ManagedBuffer<Frame.Header, Value> {
  struct Header {
    let parent: Frame?
    let count: Int
    /// Set on a module's frame when the module finishes loading, and on frames captured by frozen
    /// functions: assigning to their variables is then an error.
    var isFrozen: Bool
  }

  static func make(parent: Frame?, count: Int) -> Frame {
    let buffer = Frame.create(minimumCapacity: count) { _ in Header(parent: parent, count: count, isFrozen: false) }
    let frame = unsafeDowncast(buffer, to: Frame.self)
    frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: count) }
    return frame
  }

  deinit {
    _ = withUnsafeMutablePointers { header, elements in elements.deinitialize(count: header.pointee.count) }
  }

  @inline(__always) var parent: Frame? { header.parent }
  @inline(__always) var count: Int { header.count }
  var isFrozen: Bool { header.isFrozen }

  @inline(__always) subscript(slot: Int) -> Value {
    get { withUnsafeMutablePointerToElements { $0[slot] } }
    set { withUnsafeMutablePointerToElements { $0[slot] = newValue } }
  }

  /// The frame `depth` levels out.
  @inline(__always) func outer(_ depth: Int) -> Frame {
    var frame = self
    for _ in 0..<depth { frame = frame.header.parent.unsafelyUnwrapped }
    return frame
  }

  /// Freezes the frame, the values in it and the frames it closes over.
  func freeze() {
    guard !header.isFrozen else { return }
    header.isFrozen = true
    for slot in 0..<count { self[slot].freeze() }
    parent?.freeze()
  }
}
