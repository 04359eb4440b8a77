import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.bundle`: the bootstrap bundle an agent cluster holds, the ConfigMap `spire-bundle` in the
/// agents' namespace. `publish` keeps it fresh (the server's BundlePublisher rewrites it whenever the
/// CA set changes, see ``SPIREClock``); `copy` and `external` put the bundle of the moment there once,
/// so it goes stale when the CA rotates; `insecure` delivers none (the agents bootstrap insecurely).
enum SPIREBundleHandler: ClockedResourceHandler {
  static let type = "spire.bundle"
  static let deliveries = ["publish", "copy", "external", "insecure"]
  static let configMap = "spire-bundle"

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    let attributes = Attributes(resource)
    let trustDomain = try SPIRERuntime.trustDomain(try attributes.string("trust_domain"))
    let name = String(resource.address.name.split(separator: "/", maxSplits: 1).last ?? "")
    let delivery = try attributes.optionalString("delivery") ?? "publish"
    guard deliveries.contains(delivery) else {
      throw ProviderError(
        code: "InvalidParameterValue", message: "bundle must be one of \(deliveries.joined(separator: ", ")), not '\(delivery)'",
        address: resource.address)
    }
    let cluster = try ClusterRecord.named(try attributes.string("cluster"), in: db)
    let bundle = try SPIRERuntime.serverCA(trustDomain, db).bundle()
    try SPIREBundleDeliveryRecord(
      trustDomain: trustDomain.name, name: name, cluster: cluster.name, namespace: try attributes.optionalString("namespace") ?? "spire",
      delivery: delivery, sequence: Int64(bundle.sequence),
      authorities: delivery == "insecure" ? [] : bundle.x509AuthoritiesDER.map { Data($0) }
    ).save(db)
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    _ = try SPIREBundleDeliveryRecord.deleteOne(db, key: key(stored))
  }

  static func key(_ stored: StoredResource) -> [String: any DatabaseValueConvertible] {
    let parts = stored.name.split(separator: "/", maxSplits: 1).map(String.init)
    return ["trustDomain": parts.first ?? "", "name": parts.count == 2 ? parts[1] : ""]
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let record = try SPIREBundleDeliveryRecord.fetchOne(db, key: key(stored)) else { return [] }
    return [
      ModelField("config_map", .string("\(record.cluster)/\(record.namespace)/\(configMap)")),
      ModelField("delivery", .string(record.delivery)),
      ModelField("sequence", .int(Int(record.sequence))),
    ]
  }
}
