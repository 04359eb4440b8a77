public import SteepleEngine
public import SteepleModel

/// The resources a topology wants: the model's declarations expanded into the provider-neutral
/// resources that `plan` compares with what a provider observes.
///
/// Each family of the catalog lowers its own kinds (`Family.lower`); the resource types it makes
/// carry their replace rules (`ResourceType`). The types (type, name, attributes; `*` replace-on-change). References to other resources are
/// strings holding the other resource's name, plus an entry in `dependencies`. Account names are
/// the declared names.
///
/// | type | name | attributes | from |
/// |---|---|---|---|
/// | `aws.organization` | org name | accounts: [account] | `aws.organization(...)` |
/// | `aws.account` | account | profile*, region*, organization (when in one), id (when declared) | `account` |
/// | `iam.role` | `<account>/<role>` | account*, role_name*, trust: [principal], policies: [string] | `aws.role(...)` |
/// | `ec2.transit_gateway` | tgw name | account*, amazon_side_asn*, auto_accept_shared_attachments | `aws.transit_gateway(...)` |
/// | `ram.resource_share` | share name | account*, resources: [tgw], principals: [account], allow_external_principals | `share_with` |
/// | `ram.share_acceptance` | `<share>/<account>` | account*, share* | each account shared with |
/// | `ec2.vpc` | cluster name | account*, cidr*, subnets: [cidr] | `cluster` |
/// | `ec2.transit_gateway_attachment` | cluster name | account*, transit_gateway*, vpc* | `cluster { network: }` |
/// | `ec2.route` | `<vpc>/<destination>` | account, vpc*, destination*, transit_gateway | each other VPC on the gateway |
/// | `eks.cluster` | cluster name | account*, vpc*, version | `cluster` |
/// | `eks.nodegroup` | `<cluster>/nodegroup` | cluster*, nodes, instance_type, node_role (when declared) | `cluster` |
/// | `eks.access` | `<cluster>/<account>/<role>` | cluster*, role*, mode, username, groups | `aws.cluster_access(...)` |
/// | `k8s.namespace` | `<cluster>/<ns>` | cluster*, namespace* | `k8s.namespace(...)` |
/// | `k8s.service_account` | `<cluster>/<ns>/<sa>` | cluster*, namespace*, service_account* | `k8s.service_account(...)` |
/// | `k8s.pod` | `<cluster>/<ns>/<pod>` | cluster*, namespace*, service_account, labels, containers | `k8s.workload(...)` |
///
/// Beyond the catalog first agreed: `eks.nodegroup` has `node_role` (the `iam.role` name) when the
/// cluster names one, and `aws.account` has `id` when the script declares the account's ID.
/// Accounts in an organization depend on the `aws.organization`. Principals in `trust` are
/// `account:<name>`, `role:<account>/<role>` or `service:<name>.amazonaws.com`.
///
/// Placement: account-level resources carry the account; `eks.*` and `k8s.*` carry the account and
/// the cluster. The topology should have passed `Topology.check(_:)`: what a check would reject
/// (a reference to nothing, a field of the wrong type) is left out here rather than guessed.
public enum DesiredState {
  public static func resources(for topology: Topology, in catalog: Catalog = .standard) -> [Resource] {
    var lowering = Lowering(topology: topology, catalog: catalog)
    for declaration in topology.declarations {
      catalog.family(of: declaration.kind)?.lower(declaration, into: &lowering)
    }
    for family in catalog.families { family.finish(&lowering) }
    return lowering.resources
  }

  /// The checks the topology's `verify` declarations ask for, in order.
  public static func checks(for topology: Topology) -> [Check] {
    topology.declarations(of: "verify").map { declaration in
      let arguments = [declaration.value("subject"), declaration.value("peer")].compactMap { $0 }
      let fields = declaration.fields.filter { $0.name != "subject" && $0.name != "peer" }
      return Check(kind: declaration.name, arguments: arguments, fields: fields, origin: declaration.id)
    }
  }
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

  init(topology: Topology, catalog: Catalog) {
    self.topology = topology
    self.catalog = catalog
    self.organizations = Accounts.organizations(in: topology)
  }

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
