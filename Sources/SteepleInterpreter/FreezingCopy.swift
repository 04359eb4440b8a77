extension Value {
  /// A copy of the lists and records reachable from this value that are not frozen yet, sharing
  /// and cycles kept; everything else (frozen values, functions, handles, scalars) as it is.
  ///
  /// A declaration freezes what it is given. Freezing a copy leaves the caller's own `var` list
  /// or record free to change. The copy is made with a work list, not recursion, so a value
  /// nested a million deep is copied without overflowing the stack.
  func copiedForFreezing() -> Value {
    var copies: [ObjectIdentifier: Value] = [:]
    var pending: [Value] = []
    var copied = 0
    func copy(_ value: Value) -> Value {
      switch value {
      case .list(let list) where !list.isFrozen:
        if let existing = copies[ObjectIdentifier(list)] { return existing }
        let object = ListObject(list.elements)
        Limits.trackCopy(object, of: list)
        let duplicate = Value.list(object)
        copies[ObjectIdentifier(list)] = duplicate
        pending.append(duplicate)
        copied += list.elements.count
        return duplicate
      case .record(let record) where !record.isFrozen:
        if let existing = copies[ObjectIdentifier(record)] { return existing }
        let object = RecordObject(shape: record.shape, values: record.values)
        Limits.trackCopy(object, of: record)
        let duplicate = Value.record(object)
        copies[ObjectIdentifier(record)] = duplicate
        pending.append(duplicate)
        copied += record.values.count
        return duplicate
      default:
        return value
      }
    }
    let root = copy(self)
    while let next = pending.popLast() {
      switch next {
      case .list(let list):
        for index in list.elements.indices { list.elements[index] = copy(list.elements[index]) }
      case .record(let record):
        for index in record.values.indices { record.values[index] = copy(record.values[index]) }
      default: break
      }
    }
    Limits.charge(.elements(copied))
    return root
  }
}
