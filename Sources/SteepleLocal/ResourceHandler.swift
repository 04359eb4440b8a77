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
    case AttachmentAccepterHandler.type: return AttachmentAccepterHandler.self
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
    "ec2.vpc", "ec2.transit_gateway_attachment",
    "ec2.transit_gateway_attachment_accepter", "ec2.route", "eks.cluster", "eks.nodegroup", "eks.access",
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
