/// A list: ordered, growable, shared by reference; immutable once frozen.
///
/// Its state is exempt from dynamic exclusivity checks, which would otherwise cost more than the
/// work on every element read and append; the interpreter never holds an access to it across a
/// call into a script.
public final class ListObject: TrackedObject {
  @exclusivity(unchecked) public internal(set) var elements: [Value]
  @exclusivity(unchecked) public private(set) var isFrozen = false

  public init(_ elements: [Value] = []) { self.elements = elements }

  override func releaseReferences() { elements = [] }

  deinit {
    // Lists nested a million deep would otherwise be released by a million nested deinits.
    Value.releaseNested(&elements)
  }

  /// Freezes the list and everything reachable from it.
  public func freeze() { Value.list(self).freeze() }

  /// Marks the list frozen; false when it already was.
  func markFrozen() -> Bool {
    guard !isFrozen else { return false }
    isFrozen = true
    return true
  }
}
