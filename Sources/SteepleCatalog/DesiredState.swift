public import SteepleEngine
public import SteepleModel

/// The resources a topology wants: the model's declarations expanded into the provider-neutral
/// resources that `plan` compares with what a provider observes.
///
/// Each family of the catalog lowers its own kinds (`Family.lower`) into resources of the types it
/// lists (`Family.resourceTypes`, each documented there with its name, attributes and source;
/// `*` marks replace-on-change). References to other resources are strings holding the other
/// resource's name, plus an entry in `dependencies`. Account names are the declared names.
///
/// Placement: account-level resources carry the account; a cluster's resources and the objects
/// inside it carry the account and the cluster. The topology should have passed
/// `Topology.check(_:)`: what a check would reject (a reference to nothing, a field of the wrong
/// type) is left out here rather than guessed.
public enum DesiredState {
  public static func resources(for topology: Topology, in catalog: Catalog = .standard) -> [Resource] {
    var lowering = Lowering(topology: topology, catalog: catalog)
    for declaration in topology.declarations {
      catalog.family(of: declaration.kind)?.lower(declaration, into: &lowering)
    }
    for family in catalog.families { family.finish(&lowering) }
    return lowering.resources
  }

  /// The checks the topology's `verify` declarations ask for, in order (`Mesh.checks(for:)`).
  public static func checks(for topology: Topology) -> [Check] { Mesh.checks(for: topology) }
}

/// The resources of one topology as the families lower them: each address once, in the order
/// added, with the replace rules of its type.
public struct Lowering {
  /// The topology being lowered.
  public let topology: Topology
  let catalog: Catalog
  public private(set) var resources: [Resource] = []
  private var addresses: Set<ResourceAddress> = []
  /// The organization each account is in (the accounts family's index, made once).
  private let organizations: [DeclarationID: Declaration]
  /// The clusters that share their name with another account's, and the names they go by.
  private let sharedClusterNames: [DeclarationID: String]

  init(topology: Topology, catalog: Catalog) {
    self.topology = topology
    self.catalog = catalog
    self.organizations = Accounts.organizations(in: topology)
    self.sharedClusterNames = EKS.sharedClusterNames(in: topology)
  }

  /// The name a cluster goes by in addresses and attributes (and so in the cloud): its own, or
  /// `<name>@<account>` when a cluster in another account has the same name.
  public func clusterName(_ cluster: Declaration) -> String { sharedClusterNames[cluster.id] ?? cluster.name }

  /// Adds a resource of a catalog type, unless one with its address was added before. Attributes
  /// without a value are left out; so are dependencies that are `nil` or the resource itself.
  public mutating func add(
    _ type: String, _ name: String, _ placement: Placement, _ attributes: [(String, ModelValue?)],
    dependencies: [ResourceAddress?], origin: Declaration
  ) {
    guard let resourceType = catalog.resourceType(named: type) else {
      preconditionFailure("\(type) is not a resource type of the catalog: add it to its family's resourceTypes")
    }
    let address = ResourceAddress(type: type, name: name)
    guard addresses.insert(address).inserted else { return }
    resources.append(Resource(
      address: address, placement: placement,
      attributes: attributes.compactMap { name, value in value.map { ModelField(name, $0) } },
      dependencies: Set(dependencies.compactMap { $0 }).subtracting([address]), replaceOnChange: resourceType.replaceOnChange,
      origin: origin.id))
  }

  /// Adds dependencies to a resource added before (a family's `finish` adds what it could not know
  /// when it lowered the resource: what other families made in their own `finish`).
  public mutating func addDependencies(_ extra: some Sequence<ResourceAddress>, to address: ResourceAddress) {
    guard let position = resources.firstIndex(where: { $0.address == address }) else { return }
    resources[position].dependencies.formUnion(extra)
    resources[position].dependencies.remove(address)
  }

  /// Whether a resource with this address was added.
  public func contains(_ address: ResourceAddress) -> Bool { addresses.contains(address) }

  /// The declaration an identity names, when it is of `kind` and declared.
  public func find(_ id: DeclarationID?, _ kind: String) -> Declaration? {
    guard let id, id.kind == kind else { return nil }
    return topology[id]
  }

  /// The organization an account is in: the first that lists it.
  func organization(of account: DeclarationID) -> Declaration? { organizations[account] }

  public static func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }
}
