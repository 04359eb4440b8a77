public import SteepleEngine
public import SteepleModel
public import struct SteepleSyntax.Diagnostic

/// The domain catalog: every family, and from them every kind the model knows (the five keywords
/// and the host modules' functions) and every resource type the lowering makes.
///
/// `Catalog.standard` is the one source of kinds, defaults and rules for the model's checks,
/// `steeple doc`, completion, the lowering and the local cloud.
public struct Catalog: KindRegistry {
  /// The families, in the order docs list their kinds.
  public let families: [any Family]
  /// A line for each host module.
  public let moduleSummaries: [String: String]
  /// Every kind: the keywords', then the host functions', each family by family.
  public let kinds: [KindSchema]
  private let kindIndex: [String: (schema: KindSchema, family: Int)]
  private let typeIndex: [String: ResourceType]

  public init(families: [any Family], moduleSummaries: [String: String]) {
    self.families = families
    self.moduleSummaries = moduleSummaries
    var kinds: [KindSchema] = []
    var kindIndex: [String: (KindSchema, Int)] = [:]
    var typeIndex: [String: ResourceType] = [:]
    for (position, family) in families.enumerated() {
      for schema in family.kinds {
        precondition(kindIndex[schema.kind] == nil, "two families declare the kind \(schema.kind)")
        kinds.append(schema)
        kindIndex[schema.kind] = (schema, position)
      }
      for type in family.resourceTypes {
        precondition(typeIndex[type.name] == nil, "two families make the resource type \(type.name)")
        typeIndex[type.name] = type
      }
    }
    self.kinds = kinds.filter { $0.function == nil } + kinds.filter { $0.function != nil }
    self.kindIndex = kindIndex
    self.typeIndex = typeIndex
  }

  /// Accounts, network, IAM, EKS, Kubernetes, SPIRE, the mesh's policy and `verify`.
  public static let standard = Catalog(
    families: [Accounts(), Network(), IAM(), EKS(), Kubernetes(), SPIRE(), MeshPolicy(), Mesh()],
    moduleSummaries: [
      "aws": "AWS resources beyond accounts and clusters: organizations, transit gateways, roles, cluster access",
      "k8s": "Kubernetes objects inside a cluster: namespaces, service accounts, workloads",
      "mesh": "the mesh's policy: services (listener, identity, admissions, calls) and admissions declared apart",
      "spire": "SPIRE beyond the trust domain: one cluster's agents; and stdlib/spire.spire's entry helpers",
    ])

  // MARK: - Kinds

  public func schema(for kind: String) -> KindSchema? { kindIndex[kind]?.schema }

  /// The family that declares a kind.
  public func family(of kind: String) -> (any Family)? { kindIndex[kind].map { families[$0.family] } }

  public var crossChecks: [any CrossCheck] { families }

  /// The kinds the five keywords declare.
  public var keywords: [KindSchema] { kinds.filter { $0.function == nil } }

  /// The kinds host module functions declare.
  public var hostKinds: [KindSchema] { kinds.filter { $0.function != nil } }

  /// The host modules and their functions, in order: `aws`, then `k8s`.
  public var modules: [(name: String, kinds: [KindSchema])] {
    var order: [String] = []
    var kinds: [String: [KindSchema]] = [:]
    for schema in hostKinds {
      guard let function = schema.function else { continue }
      if kinds[function.module] == nil { order.append(function.module) }
      kinds[function.module, default: []].append(schema)
    }
    return order.map { ($0, kinds[$0]!) }
  }

  // MARK: - Resource types

  /// Every resource type, family by family.
  public var resourceTypes: [ResourceType] { families.flatMap(\.resourceTypes) }

  /// The type of the resources whose addresses start with `name`.
  public func resourceType(named name: String) -> ResourceType? { typeIndex[name] }

  /// What the families add to `plan` after its resource changes, family by family (`PlanSection`).
  public func planSections(for plan: Plan, desired: [Resource], topology: Topology? = nil) -> [any PlanSection] {
    families.flatMap { $0.planSections(for: plan, desired: desired, topology: topology) }
  }

  /// The modelled duration of one action, in seconds (before a provider's time scale); a type the
  /// catalog does not know takes a second.
  public func seconds(for action: Action) -> Double {
    (resourceType(named: action.address.type)?.durations ?? .unknown).seconds(for: action)
  }
}

extension Topology {
  /// The model's static checks with the standard catalog's rules: every problem, each at the
  /// exact place in the script.
  public func check() -> [Diagnostic] { check(Catalog.standard) }
}
