import SteepleCatalog
import SteepleEngine
import SteepleModel

/// The desired state the aws renderer reads: the resources, looked up by address and type, and the
/// few facts the resources do not carry (a workload's image and ports) from the declarations they
/// come from.
struct RenderInput {
  let resources: [Resource]
  let topology: Topology?
  private let byAddress: [ResourceAddress: Resource]

  init(resources: [Resource], topology: Topology?) {
    // Sorted by address, so that nothing rendered depends on the order the lowering added them in.
    self.resources = resources.sorted { $0.address < $1.address }
    self.topology = topology
    self.byAddress = Dictionary(resources.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
  }

  subscript(address: ResourceAddress) -> Resource? { byAddress[address] }

  subscript(type: String, name: String) -> Resource? { byAddress[ResourceAddress(type: type, name: name)] }

  /// Every resource of a type, by address.
  func all(_ type: String) -> [Resource] { resources.filter { $0.address.type == type } }

  /// How the aws CLI reaches an account: its profile, region and declared ID.
  func access(_ account: String) -> AccountAccess {
    let declared = self["aws.account", account]
    return AccountAccess(
      account: account, id: declared?[attribute: "id"]?.string, profile: declared?[attribute: "profile"]?.string,
      region: declared?[attribute: "region"]?.string ?? Accounts.defaultRegionForRendering)
  }

  /// The account a cluster is in.
  func account(ofCluster cluster: String) -> String? { self["eks.cluster", cluster]?[attribute: "account"]?.string }

  /// The declaration a resource comes from, when the topology is known.
  func origin(of resource: Resource) -> Declaration? { resource.origin.flatMap { topology?[$0] } }
}

extension Accounts {
  /// The region written when an account declares none (the model requires one; kept for partial states).
  static let defaultRegionForRendering = "us-east-1"
}

extension Resource {
  /// A string attribute.
  func string(_ name: String) -> String? { self[attribute: name]?.string }
  /// A list-of-strings attribute; empty when missing.
  func strings(_ name: String) -> [String] { self[attribute: name]?.list?.compactMap(\.string) ?? [] }
  func int(_ name: String) -> Int? { self[attribute: name]?.int }
  func bool(_ name: String) -> Bool? { self[attribute: name]?.bool }
}
