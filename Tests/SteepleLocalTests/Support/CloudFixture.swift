import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

/// Temporary directories the tests make, removed when the test process exits.
enum TemporaryDirectories {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var made: [String] = []
  private static let cleanUp: Void = { atexit { TemporaryDirectories.removeAll() } }()

  /// A new path under the temporary directory (not yet created).
  static func make(_ prefix: String) -> String {
    _ = cleanUp
    let path = NSTemporaryDirectory() + prefix + UUID().uuidString
    lock.withLock { made.append(path) }
    return path
  }

  static func removeAll() {
    for path in lock.withLock({ made }) { try? FileManager.default.removeItem(atPath: path) }
  }
}

/// A fresh local cloud in a temporary directory, and resources written the way `model` writes them.
struct CloudFixture {
  let directory: String
  let provider: LocalProvider
  var cloud: LocalCloud { provider.cloud }

  init() throws {
    directory = TemporaryDirectories.make("steeple-local-") + "/state"
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

/// Builds a resource: `resource("ec2.vpc", "vpc-a", account: "a", ["cidr": "10.0.0.0/16"])`.
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

/// The tutorial's first half: three accounts, a transit gateway in `shared` shared with the other two
/// through RAM (invitations accepted), a VPC and a cluster in each, routes over the gateway, the
/// cross-account access roles and their cluster access, and a few workloads.
enum Tutorial {
  static let accounts = ["shared", "frontend", "backend"]
  static let cidrs = ["shared": "10.10.0.0/16", "frontend": "10.20.0.0/16", "backend": "10.30.0.0/16"]

  static func cluster(_ account: String) -> String { "eks-cluster-\(account)" }

  static func resources(organization: Bool = false, accept: Bool = true, routes: Bool = true, nodes: Int = 2) -> [Resource] {
    var all: [Resource] = []
    if organization {
      all.append(resource("aws.organization", "org", ["accounts": accounts]))
    }
    for account in accounts {
      all.append(
        resource(
          "aws.account", account, account: account,
          organization ? ["profile": account, "region": "us-east-2", "organization": "org"] : ["profile": account, "region": "us-east-2"]))
    }
    all.append(
      resource("iam.role", "shared/node-instance-role", account: "shared", [
        "role_name": "node-instance-role", "trust": ["service:ec2.amazonaws.com"], "policies": ["sts:AssumeRole"],
      ]))
    all.append(
      resource("ec2.transit_gateway", "tgw-shared", account: "shared", [
        "amazon_side_asn": 64512, "auto_accept_shared_attachments": true,
      ]))
    all.append(
      resource("ram.resource_share", "multi-account-tgw-share", account: "shared", [
        "resources": ["tgw-shared"], "principals": ["frontend", "backend"], "allow_external_principals": true,
      ]))
    for account in ["frontend", "backend"] where accept {
      all.append(
        resource("ram.share_acceptance", "multi-account-tgw-share/\(account)", account: account, [
          "share": "multi-account-tgw-share"
        ]))
    }
    for account in accounts {
      let name = cluster(account)
      let cidr = cidrs[account]!
      let prefix = cidr.split(separator: ".").prefix(2).joined(separator: ".")
      all.append(resource("ec2.vpc", name, account: account, ["cidr": cidr, "subnets": ["\(prefix).0.0/19", "\(prefix).32.0/19"]]))
      all.append(
        resource("ec2.transit_gateway_attachment", name, account: account, ["transit_gateway": "tgw-shared", "vpc": name]))
      if routes {
        all.append(
          resource("ec2.route", "\(name)/10.0.0.0/8", account: account, [
            "vpc": name, "destination": "10.0.0.0/8", "transit_gateway": "tgw-shared",
          ]))
      }
      all.append(resource("eks.cluster", name, account: account, cluster: name, ["vpc": name, "version": "1.32"]))
      all.append(
        resource("eks.nodegroup", "\(name)/nodegroup", account: account, cluster: name, [
          "nodes": nodes, "instance_type": "t3.medium",
        ]))
    }
    for account in ["frontend", "backend"] {
      let role = "eks-cluster-\(account)-access-role"
      all.append(
        resource("iam.role", "\(account)/\(role)", account: account, [
          "role_name": role, "trust": ["role:shared/node-instance-role"], "policies": [String](),
        ]))
      all.append(
        resource("eks.access", "\(cluster(account))/\(account)/\(role)", account: account, cluster: cluster(account), [
          "role": "\(account)/\(role)", "mode": "aws_auth", "username": role, "groups": ["system:masters"],
        ]))
    }
    let frontend = cluster("frontend")
    all.append(resource("k8s.namespace", "\(frontend)/yelb", account: "frontend", cluster: frontend, ["namespace": "yelb"]))
    all.append(
      resource("k8s.pod", "\(frontend)/yelb/yelb-ui", account: "frontend", cluster: frontend, [
        "namespace": "yelb", "service_account": "default", "labels": ModelValue.record([ModelField("app", .string("yelb-ui"))]),
        "containers": ["envoy", "yelb-ui"],
      ]))
    let shared = cluster("shared")
    all.append(resource("k8s.namespace", "\(shared)/spire", account: "shared", cluster: shared, ["namespace": "spire"]))
    all.append(
      resource("k8s.service_account", "\(shared)/spire/spire-server", account: "shared", cluster: shared, [
        "namespace": "spire", "service_account": "spire-server",
      ]))
    all.append(
      resource("k8s.pod", "\(shared)/spire/spire-server-0", account: "shared", cluster: shared, [
        "namespace": "spire", "service_account": "spire-server", "labels": ModelValue.record([ModelField("app", .string("spire-server"))]),
        "containers": ["spire-server"],
      ]))
    let backend = cluster("backend")
    all.append(resource("k8s.namespace", "\(backend)/yelb", account: "backend", cluster: backend, ["namespace": "yelb"]))
    all.append(
      resource("k8s.pod", "\(backend)/yelb/yelb-appserver", account: "backend", cluster: backend, [
        "namespace": "yelb", "labels": ModelValue.record([ModelField("app", .string("yelb-appserver"))]),
        "containers": ["envoy", "yelb-appserver"],
      ]))
    return all
  }
}
