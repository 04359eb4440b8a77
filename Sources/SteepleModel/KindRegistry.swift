/// The rules that span declarations of one domain (networks, trust, namespaces): what a catalog's
/// families add to the model's generic checks.
public protocol CrossCheck: Sendable {
  /// Reports every problem this family's rules find in `checker.topology`.
  func check(_ checker: inout TopologyChecker)
}

/// What the model needs from a domain catalog: the schema of each kind, and the cross-checks.
public protocol KindRegistry: Sendable {
  /// The schema of a kind, when the catalog knows it.
  func schema(for kind: String) -> KindSchema?
  /// The rules across declarations, run after every declaration passed its schema's checks.
  var crossChecks: [any CrossCheck] { get }
}
