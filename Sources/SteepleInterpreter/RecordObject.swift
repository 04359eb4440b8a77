/// The field names of records, shared by every record built from the same literal, so that a field
/// read can remember where it found a field last time and skip the search.
public final class RecordShape: Sendable {
  public let keys: [String]
  private let index: [String: Int]

  public init(keys: [String]) {
    self.keys = keys
    var index: [String: Int] = [:]
    index.reserveCapacity(keys.count)
    for (position, key) in keys.enumerated() where index[key] == nil { index[key] = position }
    self.index = index
  }

  public func position(of key: String) -> Int? {
    if keys.count <= 8 {
      for position in keys.indices where keys[position] == key { return position }
      return nil
    }
    return index[key]
  }

  /// The shape with one more field at the end.
  func adding(_ key: String) -> RecordShape { RecordShape(keys: keys + [key]) }

  static let empty = RecordShape(keys: [])
}

/// A record: named fields in the order they were written, shared by reference; immutable once frozen.
public final class RecordObject {
  // Exempt from dynamic exclusivity checks, as `ListObject`'s state is.
  @exclusivity(unchecked) public internal(set) var shape: RecordShape
  @exclusivity(unchecked) public internal(set) var values: [Value]
  @exclusivity(unchecked) public private(set) var isFrozen = false

  init(shape: RecordShape, values: [Value]) {
    self.shape = shape
    self.values = values
  }

  /// A record with these fields, in this order; a later duplicate name replaces the earlier value.
  public convenience init(_ fields: [(String, Value)] = []) {
    self.init(shape: .empty, values: [])
    for (key, value) in fields { set(key, value) }
  }

  public var keys: [String] { shape.keys }
  public var count: Int { values.count }
  public var fields: [(String, Value)] { Array(zip(shape.keys, values)) }

  public func index(of key: String) -> Int? { shape.position(of: key) }

  public subscript(key: String) -> Value? {
    index(of: key).map { values[$0] }
  }

  /// Sets a field, adding it at the end if it is new. Callers check `isFrozen` first.
  public func set(_ key: String, _ value: Value) {
    if let position = index(of: key) {
      values[position] = value
    } else {
      shape = shape.adding(key)
      values.append(value)
    }
  }

  /// Removes a field and returns its value; `nil` when there is no such field. Callers check
  /// `isFrozen` first.
  @discardableResult
  public func remove(_ key: String) -> Value? {
    guard let position = index(of: key) else { return nil }
    var keys = shape.keys
    keys.remove(at: position)
    shape = RecordShape(keys: keys)
    return values.remove(at: position)
  }

  deinit {
    // As for lists: deeply nested records are released without deep recursion.
    Value.releaseNested(&values)
  }

  /// Freezes the record and everything reachable from it.
  public func freeze() { Value.record(self).freeze() }

  /// Marks the record frozen; false when it already was.
  func markFrozen() -> Bool {
    guard !isFrozen else { return false }
    isFrozen = true
    return true
  }
}
