import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.ca`: the trust domain's CA in its server, made on the modelled clock with `key_type` and
/// `ca_ttl`; its keys go to the owner-only key table and nowhere else. Outputs name the CA by its key
/// ID and expiry, never by its key.
enum SPIRECAHandler: ClockedResourceHandler {
  static let type = "spire.ca"

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    let attributes = Attributes(resource)
    let trustDomain = try SPIRERuntime.trustDomain(try attributes.string("trust_domain"))
    _ = try SPIRERuntime.serverRuntime(trustDomain.name, db)
    let keyName = try attributes.optionalString("key_type") ?? KeyType.ecP256.rawValue
    guard let keyType = KeyType(rawValue: keyName) else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "key_type must be one of \(KeyType.allCases.map(\.rawValue).joined(separator: ", ")), not '\(keyName)'",
        address: resource.address)
    }
    let caTTL = TimeInterval(try attributes.int("ca_ttl", default: Int(ServerCA.defaultCATTL)))
    let now = try SPIRERuntime.now(now, db)
    if let ca = try SPIREState.server(trustDomain, in: db), ca.keyType == keyType {
      guard ca.caTTL != caTTL else { return }
      // A new ca_ttl applies to the CAs made from now on, as SPIRE's does.
      var snapshot = ca.snapshot
      snapshot.caTTL = caTTL
      try SPIREState.saveServer(try ServerCA(snapshot: snapshot, privateKeys: ca.exportPrivateKeys()), in: db)
      return
    }
    try SPIREState.saveServer(try ServerCA(trustDomain: trustDomain, keyType: keyType, caTTL: caTTL, now: now), in: db)
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    // The server's datastore goes with its CA: keys, entries, agents and SVIDs (cascading).
    _ = try SPIREServerRecord.deleteOne(db, key: stored.name)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let trustDomain = try? TrustDomain(stored.name), let ca = try SPIREState.server(trustDomain, in: db) else { return [] }
    return [
      ModelField("id", .string(ca.current.keyID)),
      ModelField("expires", .string(ISO8601DateFormatter().string(from: ca.current.notAfter))),
      ModelField("bundle_sequence", .int(Int(ca.bundleSequence))),
    ]
  }
}
