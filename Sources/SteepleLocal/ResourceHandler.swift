import Foundation
import GRDB
import SteepleEngine
import SteepleModel

/// What the cloud does for one resource type: make it real, take it away, and read what it assigned.
///
/// Every call runs inside the one write transaction of an action, so an action happens whole or not
/// at all.
protocol ResourceHandler: Sendable {
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

/// A handler whose effect depends on the cloud's time (the embedded SPIRE makes and rotates
/// certificates on the modelled clock), and that may need the cloud's own APIs before its write: an
/// agent attests through STS, TokenReview and the network as a client does, which cannot run inside
/// the action's transaction. `prepare` runs first, outside it; each of its steps is idempotent, so an
/// interrupted action that is applied again resumes.
protocol ClockedResourceHandler: ResourceHandler {
  /// Work outside the action's transaction, before `put` (nothing by default).
  static func prepare(_ resource: Resource, previous: StoredResource?, cloud: LocalCloud) async throws

  /// `put`, with the cloud's time (its clock, before the modelled offset).
  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws

  /// `remove`, with the cloud's time.
  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws
}

extension ClockedResourceHandler {
  static func prepare(_ resource: Resource, previous: StoredResource?, cloud: LocalCloud) async throws {}

  static func put(_ resource: Resource, previous: StoredResource?, in db: Database) throws {
    throw ProviderError.state("\(resource.address) needs the cloud's time to be applied")
  }

  static func remove(_ stored: StoredResource, in db: Database) throws {
    throw ProviderError.state("\(stored.address) needs the cloud's time to be removed")
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {}
}

/// Every resource type the cloud serves and the handler that serves it, registered by type: one
/// list, from which the provider's supported types, routing and error messages all come.
enum ResourceCatalog {
  /// The handlers, in the order a topology is usually built.
  static let handlers: [any ResourceHandler.Type] = [
    OrganizationHandler.self, AccountHandler.self, RoleHandler.self, TransitGatewayHandler.self,
    ResourceShareHandler.self, ShareAcceptanceHandler.self, VPCHandler.self, AttachmentHandler.self, AttachmentAccepterHandler.self,
    RouteHandler.self, ClusterHandler.self, NodegroupHandler.self, ClusterAccessHandler.self,
    NamespaceHandler.self, ServiceAccountHandler.self, PodHandler.self, SPIREServerHandler.self, SPIRECAHandler.self,
    SPIREPSATClusterHandler.self, SPIREBundleHandler.self, SPIREAgentsHandler.self, SPIREEntryHandler.self,
    MeshServiceHandler.self, MeshAllowHandler.self,
  ]

  private static let byType: [String: any ResourceHandler.Type] = Dictionary(
    uniqueKeysWithValues: handlers.map { ($0.type, $0) })

  /// The catalog's types, in the order a topology is usually built.
  static let types = handlers.map { $0.type }

  static func handler(forType type: String) -> (any ResourceHandler.Type)? { byType[type] }

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
