/// A list: ordered, growable, shared by reference; immutable once frozen.
///
/// Its state is exempt from dynamic exclusivity checks, which would otherwise cost more than the
/// work on every element read and append; the interpreter never holds an access to it across a
/// call into a script.
public final class ListObject {
  @exclusivity(unchecked) public internal(set) var elements: [Value]
  @exclusivity(unchecked) public private(set) var isFrozen = false

  public init(_ elements: [Value] = []) { self.elements = elements }

  public func freeze() {
    guard !isFrozen else { return }
    isFrozen = true
    for element in elements { element.freeze() }
  }
}
