import GRDB
import SteepleEngine
import SteepleModel

/// What the cloud does for one resource type: make it real, take it away, and read what it assigned.
///
/// Every call runs inside the one write transaction of an action, so an action happens whole or not
/// at all.
protocol ResourceHandler {
  /// The catalog's type name, `ec2.vpc`.
  static var type: String { get }

  /// Checks the service's rules and writes the resource's rows. `previous` is the stored resource
  /// when one exists (an update, or a create being resumed); it keeps the IDs it was given.
  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws

  /// Removes the resource's rows. The generic dependents check has already run.
  static func remove(_ stored: StoredResource, in db: Database) throws

  /// What the service assigned, for `ObservedResource.outputs`.
  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField]

  /// The outputs of many resources of this type at once (a refresh of a large state reads them
  /// with one query a type, not one a resource).
  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]]
}

extension ResourceHandler {
  static func outputs(of stored: [StoredResource], in db: Database) throws -> [ResourceAddress: [ModelField]] {
    var outputs: [ResourceAddress: [ModelField]] = [:]
    for resource in stored { outputs[resource.address] = try self.outputs(of: resource, in: db) }
    return outputs
  }

  /// Outputs read with one fetch of every `Record` row, matched to the resources by `key`.
  static func outputs<Record: FetchableRecord & TableRecord>(
    of stored: [StoredResource], in db: Database, rows _: Record.Type, key: (Record) -> String,
    resourceKey: (StoredResource) -> String = \.name, fields: (Record) -> [ModelField]
  ) throws -> [ResourceAddress: [ModelField]] {
    var records: [String: Record] = [:]
    for record in try Record.fetchAll(db) { records[key(record)] = record }
    var outputs: [ResourceAddress: [ModelField]] = [:]
    outputs.reserveCapacity(stored.count)
    for resource in stored { outputs[resource.address] = records[resourceKey(resource)].map(fields) ?? [] }
    return outputs
  }
}

/// Every resource type of the catalog and the handler that serves it.
enum ResourceCatalog {
  static func handler(forType type: String) -> (any ResourceHandler.Type)? {
    switch type {
    case OrganizationHandler.type: return OrganizationHandler.self
    case AccountHandler.type: return AccountHandler.self
    case RoleHandler.type: return RoleHandler.self
    case TransitGatewayHandler.type: return TransitGatewayHandler.self
    case ResourceShareHandler.type: return ResourceShareHandler.self
    case ShareAcceptanceHandler.type: return ShareAcceptanceHandler.self
    case VPCHandler.type: return VPCHandler.self
    case AttachmentHandler.type: return AttachmentHandler.self
    case RouteHandler.type: return RouteHandler.self
    case ClusterHandler.type: return ClusterHandler.self
    case NodegroupHandler.type: return NodegroupHandler.self
    case ClusterAccessHandler.type: return ClusterAccessHandler.self
    case NamespaceHandler.type: return NamespaceHandler.self
    case ServiceAccountHandler.type: return ServiceAccountHandler.self
    case PodHandler.type: return PodHandler.self
    default: return nil
    }
  }

  /// The catalog's types, in the order a topology is usually built.
  static let types = [
    "aws.organization", "aws.account", "iam.role", "ec2.transit_gateway", "ram.resource_share", "ram.share_acceptance",
    "ec2.vpc", "ec2.transit_gateway_attachment", "ec2.route", "eks.cluster", "eks.nodegroup", "eks.access",
    "k8s.namespace", "k8s.service_account", "k8s.pod",
  ]

  static func handler(for address: ResourceAddress) throws -> any ResourceHandler.Type {
    guard let handler = handler(forType: address.type) else {
      throw ProviderError(
        code: "UnsupportedResourceType",
        message: "The local cloud has no resource type '\(address.type)' (it knows \(types.joined(separator: ", ")))",
        address: address)
    }
    return handler
  }
}
