public import SteepleEngine
public import SteepleModel

/// Who may talk to whom in a set of resources: every edge A → B between two `mesh.service`s over
/// which A may open a mutual-TLS connection to B.
///
/// An edge holds when both services' identities are issued (a `spire.entry` with that `spiffe_id`
/// exists) and B admits A's identity: B's `tls` is `none`, or A's ID is in B's admissions, its own
/// `allow` list and the `from` of every `mesh.allow` whose `to` is B. It "calls it" when B is in A's
/// `calls`, and is "admitted, not called" otherwise. What grants it is the `mesh.allow` that admits
/// A when there is one, else B's `mesh.service` (its `allow`, or its `tls: "none"`).
///
/// The graph is pure: the same resources, desired (`[Resource]`) or observed (`[ObservedResource]`),
/// give the same edges.
public struct AuthorizationGraph: Sendable {
  /// One `mesh.service`, as the graph reads it.
  public struct Service: Hashable, Sendable {
    /// The resource's name, `<trust domain>/<service>`.
    public var name: String
    public var identity: String?
    public var allow: [String]
    public var calls: Set<String>
    public var tls: String
    public var placement: Placement
    public var origin: DeclarationID?
  }

  /// One `mesh.allow`: `from` may reach the service `to`.
  public struct Allow: Hashable, Sendable {
    public var name: String
    public var to: String
    public var from: String
    public var origin: DeclarationID?
  }

  /// The services by name.
  public let services: [String: Service]
  /// The `mesh.allow`s, by name.
  public let allows: [String: Allow]
  /// Every SPIFFE ID a `spire.entry` issues.
  public let issued: Set<String>
  /// Every edge, in order of caller, callee and caller identity.
  public let edges: [AuthorizationEdge]

  /// The graph of the resources a script wants.
  public init(_ resources: [Resource]) {
    self.init(items: resources.map { ($0.address, $0.placement, $0.attributes, $0.origin) })
  }

  /// The graph of what exists. Observed resources carry no declaration, so no edge names one.
  public init(observed: [ObservedResource]) {
    self.init(items: observed.map { ($0.address, $0.placement, $0.attributes, nil) })
  }

  /// The resource types the graph reads; the others are ignored.
  public static let types: Set<String> = ["mesh.service", "mesh.allow", "spire.entry"]

  init(items resources: [(address: ResourceAddress, placement: Placement, attributes: [ModelField], origin: DeclarationID?)]) {
    var services: [String: Service] = [:]
    var allows: [String: Allow] = [:]
    var issued: Set<String> = []
    for resource in resources {
      let attributes = resource.attributes
      switch resource.address.type {
      case "mesh.service":
        services[resource.address.name] = Service(
          name: resource.address.name, identity: attributes[field: "identity"]?.string,
          allow: attributes[field: "allow"]?.list?.compactMap(\.string) ?? [],
          calls: Set(attributes[field: "calls"]?.list?.compactMap(\.string) ?? []),
          tls: attributes[field: "tls"]?.string ?? "strict", placement: resource.placement, origin: resource.origin)
      case "mesh.allow":
        guard let to = attributes[field: "to"]?.string, let from = attributes[field: "from"]?.string else { continue }
        allows[resource.address.name] = Allow(name: resource.address.name, to: to, from: from, origin: resource.origin)
      case "spire.entry":
        issued.insert(attributes[field: "spiffe_id"]?.string ?? resource.address.name)
      default:
        continue
      }
    }
    self.services = services
    self.allows = allows
    self.issued = issued
    var edges: [AuthorizationEdge] = []
    let allowsByTarget = Dictionary(grouping: allows.values, by: \.to)
    for callee in services.values {
      guard let calleeID = callee.identity, issued.contains(calleeID) else { continue }
      let admitting = allowsByTarget[callee.name] ?? []
      for caller in services.values where caller.name != callee.name {
        guard let callerID = caller.identity, issued.contains(callerID),
          let grant = Self.grant(to: callerID, by: callee, allows: admitting)
        else { continue }
        edges.append(AuthorizationEdge(
          from: caller.name, to: callee.name, fromIdentity: callerID, toIdentity: calleeID,
          calls: caller.calls.contains(callee.name), fromAccount: caller.placement.account,
          toAccount: callee.placement.account, grant: grant))
      }
    }
    self.edges = edges.sorted()
  }

  /// What admits `identity` to `callee`, or `nil` when nothing does (`MeshAdmission`'s rule): its
  /// `tls: "none"`, a `mesh.allow` (the first by name), or its own `allow`.
  static func grant(to identity: String, by callee: Service, allows: [Allow]) -> AuthorizationEdge.Grant? {
    let service = ResourceAddress(type: "mesh.service", name: callee.name)
    switch MeshAdmission.of(identity, tls: callee.tls, allow: callee.allow, allows: allows.sorted { $0.name < $1.name }, from: \.from) {
    case .open: return .init(resource: service, origin: callee.origin, reason: #"tls "none" admits every caller"#)
    case .allowed(let allow):
      return .init(resource: ResourceAddress(type: "mesh.allow", name: allow.name), origin: allow.origin, reason: "admits \(identity)")
    case .listed: return .init(resource: service, origin: callee.origin, reason: "allow names \(identity)")
    case nil: return nil
    }
  }

  /// The SPIFFE IDs `callee` admits: its `allow` and every `mesh.allow` to it.
  public func admissions(of callee: String) -> Set<String> {
    Set((services[callee]?.allow ?? []) + allows.values.filter { $0.to == callee }.map(\.from))
  }
}
