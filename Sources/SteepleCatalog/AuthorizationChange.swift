public import SteepleEngine
public import SteepleModel

/// How a plan changes who may talk to whom: the edges of the authorization graph
/// (`AuthorizationGraph`) it gains and loses, each with the declaration that grants or removes it.
///
/// "Before" is what exists; with nothing observed, every edge is gained. An edge is the same in
/// both when the same caller, with the same SPIFFE ID, reaches the same callee, so a caller whose
/// identity changes loses its edges under the old ID and gains them under the new one.
public struct AuthorizationChange: Sendable {
  /// A declaration, placed in the script when the topology is known.
  public struct Site: Hashable, Sendable {
    public var declaration: DeclarationID
    public var file: String?
    public var line: Int?
  }

  /// Why an edge is gained or lost: the resource (and its declaration, when the script still has
  /// it) that grants or removes it, and how.
  public struct Cause: Hashable, Sendable {
    public var resource: ResourceAddress
    /// `nil` when the declaration is gone from the script (or the resources came from none).
    public var site: Site?
    public var reason: String
  }

  /// One edge gained or lost.
  public struct Entry: Hashable, Sendable {
    /// The edge as the plan makes it (gained) or as it holds now (lost).
    public var edge: AuthorizationEdge
    public var cause: Cause
  }

  /// Edges the plan grants that do not hold now, in order.
  public let gained: [Entry]
  /// Edges that hold now and that the plan removes, in order.
  public let lost: [Entry]
  /// Edges that hold now and after.
  public let unchanged: Int
  /// Services before or after: with none, there is nothing to show.
  public let services: Int

  /// The change from `observed` to `desired`; `topology` places the declarations.
  public init(observed: [ObservedResource], desired: [Resource], topology: Topology? = nil) {
    let before = AuthorizationGraph(observed: observed.filter { AuthorizationGraph.types.contains($0.address.type) })
    let after = AuthorizationGraph(desired.filter { AuthorizationGraph.types.contains($0.address.type) })
    func site(_ id: DeclarationID?) -> Site? {
      guard let id else { return nil }
      guard let range = topology?[id]?.nameRange else { return Site(declaration: id) }
      return Site(declaration: id, file: range.file.name, line: range.startLocation.line)
    }
    let now = Set(before.edges.map(\.key))
    let then = Set(after.edges.map(\.key))
    gained = after.edges.filter { !now.contains($0.key) }.map { edge in
      Entry(edge: edge, cause: Cause(resource: edge.grant.resource, site: site(edge.grant.origin), reason: edge.grant.reason))
    }
    lost = before.edges.filter { !then.contains($0.key) }.map { edge in
      let cause = Self.removal(of: edge, before: before, after: after)
      return Entry(edge: edge, cause: Cause(resource: cause.resource, site: site(cause.origin), reason: cause.reason))
    }
    unchanged = now.intersection(then).count
    services = Set(before.services.keys).union(after.services.keys).count
  }

  /// The change a plan makes: what exists is read back from the plan (an action's observed
  /// resource, or, for a resource the plan leaves alone, the desired one, which matches it).
  public init(plan: Plan, desired: [Resource], topology: Topology? = nil) {
    let relevant = desired.filter { AuthorizationGraph.types.contains($0.address.type) }
    var actions: [ResourceAddress: PlannedAction] = [:]
    for action in plan.actions where AuthorizationGraph.types.contains(action.address.type) { actions[action.address] = action }
    var observed: [ObservedResource] = []
    for resource in relevant {
      guard let action = actions[resource.address] else {
        observed.append(ObservedResource(address: resource.address, placement: resource.placement, attributes: resource.attributes))
        continue
      }
      if let existing = action.observed { observed.append(existing) }
    }
    for action in actions.values where action.kind == .delete {
      if let existing = action.observed { observed.append(existing) }
    }
    self.init(observed: observed, desired: relevant, topology: topology)
  }

  /// Whether the plan gains or loses an edge.
  public var hasChanges: Bool { !gained.isEmpty || !lost.isEmpty }

  /// What removes an edge that holds now: the first link of issuance and admission that the
  /// desired resources break.
  static func removal(
    of edge: AuthorizationEdge, before: AuthorizationGraph, after: AuthorizationGraph
  ) -> (resource: ResourceAddress, origin: DeclarationID?, reason: String) {
    func service(_ name: String) -> ResourceAddress { ResourceAddress(type: "mesh.service", name: name) }
    func entry(_ id: String) -> ResourceAddress { ResourceAddress(type: "spire.entry", name: id) }
    guard let callee = after.services[edge.to] else { return (service(edge.to), nil, "no longer declared") }
    guard let caller = after.services[edge.from] else { return (service(edge.from), nil, "no longer declared") }
    if caller.identity != edge.fromIdentity {
      let now = caller.identity.map { "is now \($0)" } ?? "is no longer declared"
      return (service(edge.from), caller.origin, "its identity \(now)")
    }
    if !after.issued.contains(edge.fromIdentity) {
      return (entry(edge.fromIdentity), nil, "no longer declared, so \(edge.fromIdentity) is not issued")
    }
    guard let calleeID = callee.identity else { return (service(edge.to), callee.origin, "it no longer has an identity") }
    if !after.issued.contains(calleeID) {
      return (entry(calleeID), nil, "no longer declared, so \(calleeID) is not issued")
    }
    if edge.grant.resource.type == "mesh.allow", after.allows[edge.grant.resource.name] == nil {
      return (edge.grant.resource, nil, "no longer declared, so nothing admits \(edge.fromIdentity)")
    }
    if before.services[edge.to]?.tls == "none" && callee.tls != "none" {
      return (service(edge.to), callee.origin, "tls is now \"\(callee.tls)\" and no allow names \(edge.fromIdentity)")
    }
    return (service(edge.to), callee.origin, "allow no longer names \(edge.fromIdentity)")
  }
}
