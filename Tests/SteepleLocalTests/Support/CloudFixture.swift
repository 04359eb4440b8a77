import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import SteepleTestSupport
import Testing

/// A fresh local cloud in a temporary directory.
struct CloudFixture {
  let directory: String
  let provider: LocalProvider
  var cloud: LocalCloud { provider.cloud }

  init() throws {
    directory = try TemporaryDirectory.make("steeple-local-").path + "/state"
    provider = try LocalProvider(stateDirectory: directory)
  }

  /// Another provider on the same state directory, as a second process would open it.
  func reopen() throws -> LocalProvider { try LocalProvider(stateDirectory: directory) }

  @discardableResult
  func create(_ resource: Resource) async throws -> ObservedResource {
    try #require(try await provider.apply(.create(resource)))
  }

  func delete(_ address: ResourceAddress) async throws {
    let observed = try await provider.observe().first { $0.address == address }
    _ = try await provider.apply(.delete(try #require(observed)))
  }

  func createAll(_ resources: [Resource]) async throws {
    for resource in resources { try await create(resource) }
  }

  /// The error an action fails with.
  func failure(_ resource: Resource) async -> ProviderError? {
    do {
      _ = try await provider.apply(.create(resource))
      return nil
    } catch let error as ProviderError {
      return error
    } catch {
      return ProviderError(code: "unexpected", message: "\(error)")
    }
  }
}

/// Builds one resource by hand, for what no script would lower to (a bad CIDR, an unknown
/// version): `resource("ec2.vpc", "vpc-a", account: "a", ["cidr": "10.0.0.0/16"])`. Topologies come
/// from scripts, through `Lowering`.
func resource(
  _ type: String, _ name: String, account: String? = nil, cluster: String? = nil, _ attributes: KeyValuePairs<String, any AttributeValue> = [:],
  dependsOn: [ResourceAddress] = []
) -> Resource {
  var fields: [ModelField] = []
  if let account, !attributes.contains(where: { $0.key == "account" }), type != "aws.account" {
    fields.append(ModelField("account", .string(account)))
  }
  if let cluster, !attributes.contains(where: { $0.key == "cluster" }) { fields.append(ModelField("cluster", .string(cluster))) }
  fields += attributes.map { ModelField($0.key, $0.value.modelValue) }
  return Resource(
    address: ResourceAddress(type: type, name: name), placement: Placement(account: account, cluster: cluster),
    attributes: fields, dependencies: Set(dependsOn))
}

protocol AttributeValue { var modelValue: ModelValue { get } }
extension String: AttributeValue { var modelValue: ModelValue { .string(self) } }
extension Int: AttributeValue { var modelValue: ModelValue { .int(self) } }
extension Bool: AttributeValue { var modelValue: ModelValue { .bool(self) } }
extension Array: AttributeValue where Element == String { var modelValue: ModelValue { .list(map(ModelValue.string)) } }
extension ModelValue: AttributeValue { var modelValue: ModelValue { self } }

func address(_ type: String, _ name: String) -> ResourceAddress { ResourceAddress(type: type, name: name) }

extension Resource {
  /// The resource as if it did not depend on `address`: for tests of a service's own rule about
  /// what is still in use, which the ledger of dependencies would otherwise answer first.
  func withoutDependency(on address: ResourceAddress) -> Resource {
    var copy = self
    copy.dependencies.remove(address)
    return copy
  }
}

/// The tutorial's first half, as a script lowered by the real lowering: three accounts, a transit
/// gateway in `shared` shared with the other two through RAM, a VPC and a cluster in each, routes
/// over the gateway, the cross-account access roles and their cluster access, and a few workloads.
enum Tutorial {
  static let accounts = ["shared", "frontend", "backend"]
  static let cidrs = ["shared": "10.10.0.0/16", "frontend": "10.20.0.0/16", "backend": "10.30.0.0/16"]

  static func cluster(_ account: String) -> String { "eks-cluster-\(account)" }

  /// The script; with `organization`, its three accounts are in one organization, `org`.
  static func script(organization: Bool = false, nodes: Int = 2) -> String {
    """
    import "aws"
    import "k8s"

    let shared = account "shared" { profile: "shared", region: "us-east-2" }
    let frontend = account "frontend" { profile: "frontend", region: "us-east-2" }
    let backend = account "backend" { profile: "backend", region: "us-east-2" }
    \(organization ? "aws.organization(\"org\", accounts: [shared, frontend, backend])" : "")

    let node_role = aws.role("node-instance-role", in: shared, trust: ["service:ec2.amazonaws.com"], policies: ["sts:AssumeRole"])
    let tgw = aws.transit_gateway("tgw-shared",
      owner: shared, share_with: [frontend, backend], share_name: "multi-account-tgw-share",
      amazon_side_asn: 64512, auto_accept_shared_attachments: true)

    fn home(owner, cidr) { cluster "eks-cluster-\\(owner.name)" in owner { cidr: cidr, network: tgw, nodes: \(nodes) } }
    let hub = home(shared, "10.10.0.0/16")
    let edge = home(frontend, "10.20.0.0/16")
    let core = home(backend, "10.30.0.0/16")

    fn reach(owner, target) {
      let access = aws.role("\\(target.name)-access-role", in: owner, trust: [node_role], policies: [])
      aws.cluster_access(cluster: target, role: access, groups: ["system:masters"], mode: "aws_auth")
    }
    reach(frontend, edge)
    reach(backend, core)

    k8s.namespace("yelb", in: edge)
    k8s.workload("yelb-ui", in: edge, namespace: "yelb", containers: ["envoy", "yelb-ui"], labels: { app: "yelb-ui" })
    k8s.namespace("spire", in: hub)
    k8s.service_account("spire-server", in: hub, namespace: "spire")
    k8s.workload("spire-server-0", in: hub, namespace: "spire", service_account: "spire-server",
      containers: ["spire-server"], labels: { app: "spire-server" })
    k8s.namespace("yelb", in: core)
    k8s.workload("yelb-appserver", in: core, namespace: "yelb", containers: ["envoy", "yelb-appserver"], labels: { app: "yelb-appserver" })
    """
  }

  /// The script's resources, each after what it depends on; without the share's acceptances
  /// unless `accept`, without routes unless `routes`.
  static func resources(organization: Bool = false, accept: Bool = true, routes: Bool = true, nodes: Int = 2) -> [Resource] {
    var all = Lowering.resources(source: script(organization: organization, nodes: nodes))
    if !accept { all.removeAll { $0.address.type == "ram.share_acceptance" } }
    if !routes { all.removeAll { $0.address.type == "ec2.route" } }
    return all
  }
}
