/// A list: ordered, growable, shared by reference; immutable once frozen.
public final class ListObject {
  public internal(set) var elements: [Value]
  public private(set) var isFrozen = false

  public init(_ elements: [Value] = []) { self.elements = elements }

  public func freeze() {
    guard !isFrozen else { return }
    isFrozen = true
    for element in elements { element.freeze() }
  }
}
