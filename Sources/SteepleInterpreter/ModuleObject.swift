/// A module: a script file that was imported, or a namespace a host supplies (`spire`, `aws`).
///
/// Members are looked up by name (`spire.agent`). A loaded script module is frozen: its values can
/// be read and called but not changed.
public final class ModuleObject {
  public let name: String
  /// Where it came from: a file path, or `host` for host namespaces.
  public let origin: String
  public private(set) var memberNames: [String]
  var members: [String: Value]

  public init(name: String, origin: String = "host", members: [(String, Value)]) {
    self.name = name
    self.origin = origin
    self.memberNames = members.map(\.0)
    self.members = Dictionary(members, uniquingKeysWith: { _, last in last })
  }

  public subscript(member: String) -> Value? { members[member] }

  /// Sets the members' values once the module has run (it is made, with its members' names,
  /// while the program resolves).
  func fill(_ values: [(String, Value)]) {
    for (name, value) in values { members[name] = value }
  }
}
