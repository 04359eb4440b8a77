public import SteepleModel

/// One attribute that differs between what a resource is and what the script wants.
public struct AttributeChange: Hashable, Sendable {
  public var name: String
  /// The value as it exists; `nil` when the attribute is not set (always, for a create).
  public var old: ModelValue?
  /// The value as wanted; `nil` when the script no longer sets it (always, for a delete).
  public var new: ModelValue?
  /// The attribute cannot change in place, so the change replaces the resource.
  public var forcesReplacement: Bool

  public init(name: String, old: ModelValue?, new: ModelValue?, forcesReplacement: Bool = false) {
    self.name = name
    self.old = old
    self.new = new
    self.forcesReplacement = forcesReplacement
  }

  /// The differences between two attribute lists, in the order of `new` and then of what only
  /// `old` has.
  public static func between(
    old: [ModelField], new: [ModelField], replaceOnChange: Set<String> = []
  ) -> [AttributeChange] {
    var oldByName: [String: ModelValue] = [:]
    for field in old { oldByName[field.name] = field.value }
    var changes: [AttributeChange] = []
    var seen = Set<String>()
    for field in new {
      seen.insert(field.name)
      let before = oldByName[field.name]
      if before != field.value {
        changes.append(AttributeChange(
          name: field.name, old: before, new: field.value, forcesReplacement: replaceOnChange.contains(field.name)))
      }
    }
    for field in old where !seen.contains(field.name) {
      changes.append(AttributeChange(
        name: field.name, old: field.value, new: nil, forcesReplacement: replaceOnChange.contains(field.name)))
    }
    return changes
  }
}
