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
///
/// The first four values live in the object itself, so a record of up to four fields (most of
/// them) is one allocation; further values go in an array beside them.
public final class RecordObject: TrackedObject {
  // Exempt from dynamic exclusivity checks, as `ListObject`'s state is.
  @exclusivity(unchecked) public internal(set) var shape: RecordShape
  @exclusivity(unchecked) private var inline: (Value, Value, Value, Value) = (.nil, .nil, .nil, .nil)
  /// The values after the first four.
  @exclusivity(unchecked) private var overflow: [Value] = []
  /// The number of fields.
  @exclusivity(unchecked) public private(set) var count = 0
  @exclusivity(unchecked) public private(set) var isFrozen = false

  static let inlineCapacity = 4

  init(shape: RecordShape, values: [Value]) {
    self.shape = shape
    super.init()
    self.values = values
  }

  /// A record of `shape` whose values are all `nil`, for the caller to fill in (`setValue`).
  init(shape: RecordShape) {
    self.shape = shape
    count = shape.keys.count
    if count > Self.inlineCapacity { overflow = [Value](repeating: .nil, count: count - Self.inlineCapacity) }
  }

  /// A record with these fields, in this order; a later duplicate name replaces the earlier value.
  public convenience init(_ fields: [(String, Value)] = []) {
    self.init(shape: .empty, values: [])
    for (key, value) in fields { set(key, value) }
  }

  public var keys: [String] { shape.keys }
  public var fields: [(String, Value)] { Array(zip(shape.keys, values)) }

  /// The values in field order. (Made on each read: loops over a record's values read them by
  /// position with `value(at:)`.)
  public internal(set) var values: [Value] {
    get {
      var values: [Value] = []
      values.reserveCapacity(count)
      for position in 0..<count { values.append(value(at: position)) }
      return values
    }
    set {
      withInline { inline in
        for position in 0..<Self.inlineCapacity {
          inline[position] = position < newValue.count ? newValue[position] : .nil
        }
      }
      overflow = newValue.count > Self.inlineCapacity ? Array(newValue[Self.inlineCapacity...]) : []
      count = newValue.count
    }
  }

  /// The value of the field at `position` (`0..<count`).
  @inline(__always)
  public func value(at position: Int) -> Value {
    if position < Self.inlineCapacity { return withInline { $0[position] } }
    return overflow[position - Self.inlineCapacity]
  }

  /// Replaces the value of the field at `position` (`0..<count`). Callers check `isFrozen` first.
  @inline(__always)
  func setValue(_ value: Value, at position: Int) {
    if position < Self.inlineCapacity {
      withInline { Value.assign(value, to: $0 + position) }
    } else {
      overflow[position - Self.inlineCapacity] = value
    }
  }

  @inline(__always)
  private func withInline<Result>(_ body: (UnsafeMutablePointer<Value>) -> Result) -> Result {
    withUnsafeMutablePointer(to: &inline) { tuple in
      tuple.withMemoryRebound(to: Value.self, capacity: Self.inlineCapacity) { body($0) }
    }
  }

  public func index(of key: String) -> Int? { shape.position(of: key) }

  public subscript(key: String) -> Value? {
    index(of: key).map { value(at: $0) }
  }

  /// Sets a field, adding it at the end if it is new. Callers check `isFrozen` first.
  public func set(_ key: String, _ value: Value) {
    Limits.noteStore(value, into: self)
    if let position = index(of: key) {
      setValue(value, at: position)
    } else {
      shape = shape.adding(key)
      if count >= Self.inlineCapacity { overflow.append(.nil) }
      count += 1
      setValue(value, at: count - 1)
    }
  }

  override func releaseReferences() { values = [] }

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
    guard withInline({ inline in (0..<min(count, Self.inlineCapacity)).contains { inline[$0].isContainer } })
      || overflow.contains(where: \.isContainer)
    else { return }
    var nested = values
    values = []
    Value.releaseNested(&nested)
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
