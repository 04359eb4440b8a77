/// How a mesh service's listener admits a caller: the one rule of who may talk to whom, read over
/// declarations (`MeshPolicy.Policy`: the static checks, `verify`, the graph) and over resources
/// (`AuthorizationGraph`: the plan's diff, whose "before" is what exists).
///
/// A listener with `tls: "none"` is plain and admits every caller; otherwise it admits the SPIFFE
/// IDs of every `mesh.allow` naming the service, then those of its own `allow` list. An edge A → B
/// holds when an entry issues both identities and B admits A's.
public enum MeshAdmission<Allow> {
  /// `tls: "none"`: a plain listener, open to every caller.
  case open
  /// A `mesh.allow` admits the caller (the first of `allows` that names it).
  case allowed(Allow)
  /// The service's own `allow` list names the caller.
  case listed

  /// How a listener with `tls` and its own `allow` list admits `caller`, given the `mesh.allow`s to
  /// that service (`from` reads one's caller ID); `nil` when it does not. With `countingOpen: false`
  /// a plain listener counts for nothing, so the result says which declaration names the caller.
  public static func of(
    _ caller: String, tls: String, allow: [String], allows: [Allow], from: (Allow) -> String, countingOpen: Bool = true
  ) -> MeshAdmission? {
    if countingOpen && tls == "none" { return .open }
    if let admission = allows.first(where: { from($0) == caller }) { return .allowed(admission) }
    return allow.contains(caller) ? .listed : nil
  }
}
