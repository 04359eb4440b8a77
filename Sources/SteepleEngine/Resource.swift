public import SteepleModel

/// Where a resource lives, for grouping plans and state the way a user thinks of them.
public struct Placement: Hashable, Comparable, Sendable, Codable {
  /// The account's name (as declared), or `nil` for a resource outside any account.
  public var account: String?
  /// The cluster's name inside that account, or `nil` for an account-level resource.
  public var cluster: String?

  public init(account: String? = nil, cluster: String? = nil) {
    self.account = account
    self.cluster = cluster
  }

  public static func < (a: Placement, b: Placement) -> Bool {
    ((a.account ?? ""), (a.cluster ?? "")) < ((b.account ?? ""), (b.cluster ?? ""))
  }
}

/// The name of one resource: its type and a name unique within the type, `vpc.eks-cluster-frontend`.
public struct ResourceAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// A provider-neutral type, `<service>.<kind>`, one of the domain catalog's resource types.
  public let type: String
  public let name: String

  public init(type: String, name: String) {
    self.type = type
    self.name = name
  }

  public var description: String { "\(type).\(name)" }

  public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool { (a.type, a.name) < (b.type, b.name) }
}

/// One resource as the topology wants it: what the engine plans and a provider creates.
///
/// Resources are derived from the model's topology, provider-neutral and immutable. The local
/// provider and the aws provider both take them as they are.
public struct Resource: Hashable, Sendable, Codable {
  public var address: ResourceAddress
  public var placement: Placement
  /// The desired attributes, in a stable order; what `plan` compares with what is observed.
  public var attributes: [ModelField]
  /// Resources that must exist before this one is created (and be deleted after it).
  public var dependencies: Set<ResourceAddress>
  /// Attributes that cannot change in place: a difference in one of them is a replace (`-/+`).
  public var replaceOnChange: Set<String>
  /// The declaration this resource comes from, so errors and plans point at the script.
  public var origin: DeclarationID?

  public init(
    address: ResourceAddress, placement: Placement, attributes: [ModelField], dependencies: Set<ResourceAddress> = [],
    replaceOnChange: Set<String> = [], origin: DeclarationID? = nil
  ) {
    self.address = address
    self.placement = placement
    self.attributes = attributes
    self.dependencies = dependencies
    self.replaceOnChange = replaceOnChange
    self.origin = origin
  }

  public subscript(attribute name: String) -> ModelValue? { attributes[field: name] }
}

/// One resource as a provider found it.
public struct ObservedResource: Hashable, Sendable, Codable {
  public var address: ResourceAddress
  public var placement: Placement
  /// The attributes as last applied, comparable with `Resource.attributes`.
  public var attributes: [ModelField]
  /// What the provider assigned: IDs, ARNs, IPs, endpoints. Not compared by `plan`.
  public var outputs: [ModelField]
  /// Kept from the resource as applied, so `destroy` can order deletions without the script.
  public var dependencies: Set<ResourceAddress>

  public init(
    address: ResourceAddress, placement: Placement, attributes: [ModelField], outputs: [ModelField] = [],
    dependencies: Set<ResourceAddress> = []
  ) {
    self.address = address
    self.placement = placement
    self.attributes = attributes
    self.outputs = outputs
    self.dependencies = dependencies
  }
}
