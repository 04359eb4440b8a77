import Foundation
import GRDB
import SteepleEngine
import SteepleModel
import SteepleSPIRE

/// `spire.entry`: a registration entry in its trust domain's server, created with SPIRE's checks and
/// updated in place with a new revision (its ID stays). The agents of the trust domain then sync:
/// each holds an SVID for every entry now authorized for it, and drops the rest.
enum SPIREEntryHandler: ClockedResourceHandler {
  static let type = "spire.entry"

  static func entry(_ resource: Resource) throws -> RegistrationEntry {
    let attributes = Attributes(resource)
    func id(_ name: String) throws -> SPIFFEID {
      let text = try attributes.string(name)
      do {
        return try SPIFFEID(parsing: text)
      } catch {
        throw ProviderError(code: "InvalidParameterValue", message: "\(name) '\(text)' is not a SPIFFE ID: \(error)", address: resource.address)
      }
    }
    let selectors = try attributes.strings("selectors").map { text in
      do {
        return try Selector(parsing: text)
      } catch {
        throw ProviderError(code: "InvalidParameterValue", message: "selector '\(text)': \(error)", address: resource.address)
      }
    }
    return RegistrationEntry(
      spiffeID: try id("spiffe_id"), parentID: try id("parent_id"), selectors: selectors,
      x509SVIDTTL: Int32(clamping: try attributes.int("x509_svid_ttl", default: 0)),
      jwtSVIDTTL: Int32(clamping: try attributes.int("jwt_svid_ttl", default: 0)), dnsNames: try attributes.strings("dns_names"),
      admin: try attributes.bool("admin", default: false), downstream: try attributes.bool("downstream", default: false),
      hint: try attributes.optionalString("hint") ?? "")
  }

  static func put(_ resource: Resource, previous: StoredResource?, now: Date, in db: Database) throws {
    var wanted = try entry(resource)
    let trustDomain = wanted.spiffeID.trustDomain
    _ = try SPIRERuntime.serverCA(trustDomain, db)
    let now = try SPIRERuntime.now(now, db)
    var store = try SPIREState.entries(trustDomain, in: db)
    do {
      if let existing = store.entries.first(where: { $0.spiffeID == wanted.spiffeID }) {
        wanted.id = existing.id
        try store.update(wanted)
      } else {
        try store.create(wanted, now: now)
      }
    } catch {
      throw ProviderError(code: "InvalidArgument", message: "failed to create entry: \(error)", address: resource.address)
    }
    try SPIREState.saveEntries(store, in: db)
    try SPIRERuntime.sync(trustDomain, now: now, db)
  }

  static func remove(_ stored: StoredResource, now: Date, in db: Database) throws {
    guard let id = try? SPIFFEID(parsing: stored.name), try SPIREServerRecord.fetchOne(db, key: id.trustDomain.name) != nil else {
      return
    }
    var store = try SPIREState.entries(id.trustDomain, in: db)
    guard let existing = store.entries.first(where: { $0.spiffeID == id }) else { return }
    try store.delete(id: existing.id)
    try SPIREState.saveEntries(store, in: db)
    try SPIRERuntime.sync(id.trustDomain, now: try SPIRERuntime.now(now, db), db)
  }

  static func outputs(of stored: StoredResource, in db: Database) throws -> [ModelField] {
    guard let id = try? SPIFFEID(parsing: stored.name),
      let record = try SPIREEntryRecord.filter(Column("trustDomain") == id.trustDomain.name && Column("spiffeID") == stored.name)
        .fetchOne(db)
    else { return [] }
    return [ModelField("id", .string(record.id)), ModelField("revision", .int(Int(record.revisionNumber)))]
  }
}
