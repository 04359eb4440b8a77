public import SteepleModel

extension MeshPolicy {
  /// The mesh's policy as the script declares it: each service with its identity resolved to a
  /// SPIFFE ID, every admission (a service's `allow` and each `mesh.allow`), and the edges they make.
  ///
  /// Edge A → B holds when an entry issues A's identity and B's, and B's listener admits A's ID
  /// (`MeshAdmission`, the rule the plan's authorization diff reads over resources too).
  public struct Policy {
    public let topology: Topology
    /// Every `mesh.service`, in the order declared.
    public let services: [Service]
    /// Every `mesh.allow`, in the order declared.
    public let admissions: [Admission]
    private let byID: [DeclarationID: Int]
    /// The SPIFFE IDs entries issue.
    public let issued: Set<String>
    /// The clusters whose name another account's cluster has too, and the names they go by.
    public let sharedClusterNames: [DeclarationID: String]

    /// `<cluster>/<namespace>/<name>`, how checks and the cloud name a workload, its cluster
    /// written `<name>@<account>` when it shares its name.
    public func path(of workload: Declaration) -> String { Kubernetes.path(of: workload, sharedClusterNames: sharedClusterNames) }

    /// One `mesh.service`, resolved.
    public struct Service {
      public let declaration: Declaration
      /// Its `k8s.workload`, when declared.
      public let workload: Declaration?
      /// The SPIFFE ID its proxy presents.
      public let identity: String?
      /// `strict`, `permissive` or `none`.
      public let tls: String
      /// The proxy container.
      public let proxy: String
      /// Its own `allow` list: each item's SPIFFE ID and the value written.
      public let allow: [(id: String, written: ModelValue)]
      /// The services it calls.
      public let calls: [DeclarationID]

      /// The trust domain of its identity.
      public var trustDomain: String? { identity.flatMap(SPIRE.trustDomain(of:)) }
      /// `<trust domain>/<name>`: the resource's name, and how checks and plans name the service.
      public var resourceName: String? { trustDomain.map { "\($0)/\(declaration.name)" } }
    }

    /// One `mesh.allow`: `from` admitted to `to`.
    public struct Admission {
      /// The `mesh.allow`.
      public let declaration: Declaration?
      public let to: DeclarationID
      /// The caller's SPIFFE ID.
      public let from: String
    }

    public init(_ topology: Topology) {
      self.topology = topology
      self.sharedClusterNames = EKS.sharedClusterNames(in: topology)
      var services: [Service] = []
      var byID: [DeclarationID: Int] = [:]
      var identities: [DeclarationID: String] = [:]
      for declaration in topology.declarations(of: "mesh.service") where byID[declaration.id] == nil {
        byID[declaration.id] = services.count
        if let id = MeshPolicy.identityID(declaration.value("identity")) { identities[declaration.id] = id }
        services.append(Service(
          declaration: declaration, workload: topology.referenced(declaration.value("workload")).flatMap { $0.kind == "k8s.workload" ? $0 : nil },
          identity: identities[declaration.id], tls: declaration.string("tls") ?? "strict",
          proxy: declaration.string("proxy") ?? MeshPolicy.defaultProxy, allow: [], calls: declaration.references("calls")))
      }
      func resolve(_ value: ModelValue) -> String? {
        if case .reference(let id) = value, id.kind == "mesh.service" { return identities[id] }
        return MeshPolicy.identityID(value)
      }
      services = services.map { service in
        let allow = (service.declaration.value("allow")?.list ?? []).compactMap { item in resolve(item).map { (id: $0, written: item) } }
        return Service(
          declaration: service.declaration, workload: service.workload, identity: service.identity, tls: service.tls, proxy: service.proxy,
          allow: allow, calls: service.calls)
      }
      self.services = services
      self.byID = byID
      admissions = topology.declarations(of: "mesh.allow").compactMap { declaration in
        guard let to = declaration.reference("to"), let from = declaration.value("from").flatMap(resolve) else { return nil }
        return Admission(declaration: declaration, to: to, from: from)
      }
      issued = Set(topology.declarations(of: "entry").map(\.name))
    }

    /// The service a declaration identity names.
    public func service(_ id: DeclarationID) -> Service? { byID[id].map { services[$0] } }

    /// The services whose name, or resource name, is `name`.
    public func services(named name: String) -> [Service] {
      services.filter { $0.declaration.name == name || $0.resourceName == name }
    }

    /// The declaration that names `caller` for `service`: a `mesh.allow`, else the service itself
    /// when its own `allow` lists the ID (a plain listener names no one).
    public func grant(of caller: String, to service: Service) -> Declaration? {
      switch admission(of: caller, to: service, countingOpen: false) {
      case .allowed(let admission): return admission.declaration
      case .listed: return service.declaration
      case .open, nil: return nil
      }
    }

    /// Whether `service`'s listener admits `caller` (`MeshAdmission`'s rule).
    public func admits(_ caller: String, to service: Service) -> Bool { admission(of: caller, to: service) != nil }

    private func admission(of caller: String, to service: Service, countingOpen: Bool = true) -> MeshAdmission<Admission>? {
      MeshAdmission.of(
        caller, tls: service.tls, allow: service.allow.map(\.id), allows: admissions.filter { $0.to == service.declaration.id },
        from: \.from, countingOpen: countingOpen)
    }

    /// Why edge A → B does not hold, or `nil` when it does: an identity no entry issues, or B's
    /// listener not admitting A's ID.
    public func refusal(from a: Service, to b: Service) -> String? {
      guard let caller = a.identity, issued.contains(caller) else {
        return "no entry issues the identity of mesh.service \(ModelValue.string(a.declaration.name))\(a.identity.map { " (\($0))" } ?? "")"
      }
      guard let callee = b.identity, issued.contains(callee) else {
        return "no entry issues the identity of mesh.service \(ModelValue.string(b.declaration.name))\(b.identity.map { " (\($0))" } ?? "")"
      }
      if admits(caller, to: b) { return nil }
      return "mesh.service \(ModelValue.string(b.declaration.name)) does not admit \(ModelValue.string(caller))"
    }

    /// Whether A → B holds.
    public func holds(from a: Service, to b: Service) -> Bool { refusal(from: a, to: b) == nil }

    /// `<td>/<to service> <- <from SPIFFE ID>`: a `mesh.allow` resource's name.
    public static func admissionName(to service: String, from id: String) -> String { "\(service) <- \(id)" }
  }
}
