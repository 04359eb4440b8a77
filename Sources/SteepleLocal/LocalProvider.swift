public import Foundation
import GRDB
import SteepleCatalog
public import SteepleEngine
public import SteepleModel

/// The `local` provider: makes a topology real in the embedded cloud.
///
/// Each action is one SQLite savepoint, in a transaction it shares with the actions that run at the
/// same time (a group commit), so a process killed at any moment leaves an action done whole or not
/// at all, and applying an action whose effect already holds changes nothing. A
/// request is checked at once; the action then takes its modelled duration (`OperationDurations`)
/// times `timeScale` before its effect is written.
///
/// The engine's ledger says what Steeple manages; the cloud's own inventory (the `resource` table,
/// what its services hold, as AWS knows what exists in an account) makes actions idempotent and
/// answers refreshes.
public final class LocalProvider: Provider {
  public let name = "local"
  /// Every resource type the local cloud itself serves.
  public static var supportedTypes: Set<String> { Set(ResourceCatalog.types) }
  /// The cloud's types and those of the registered parts.
  public let resourceTypes: Set<String>
  /// The registered parts, by the type each serves.
  let parts: [String: any LocalPart]
  /// The cloud's own API, for checks, tests and the embedded SPIRE.
  public let cloud: LocalCloud
  public let timeScale: Double
  let wait: @Sendable (Duration) async throws -> Void

  /// The largest time scale: a thousand times AWS's durations is already hours an operation, and
  /// much larger ones overflow a `Duration`.
  public static let largestTimeScale = 1000.0

  /// Opens (or creates) the cloud in `<stateDirectory>/cloud.sqlite`; with `readOnly`, opens an
  /// existing one to look at, writing nothing. Each operation takes its modelled duration times
  /// `timeScale`, spent in `wait` (a task sleep unless given). `parts` serve resource types of their
  /// own (the embedded SPIRE, the data plane), with the cloud's services. `clock` is the cloud's idea
  /// of now (tests inject one; the embedded SPIRE adds the modelled clock's offset to it).
  public init(
    stateDirectory: String, timeScale: Double = 0, readOnly: Bool = false,
    wait: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
    parts: [any LocalPart] = [], clock: @escaping @Sendable () -> Date = { Date() }
  ) throws {
    var byType: [String: any LocalPart] = [:]
    for part in parts {
      for type in part.resourceTypes.sorted() {
        guard !Self.supportedTypes.contains(type), byType.updateValue(part, forKey: type) == nil else {
          throw ProviderError(
            code: "InvalidParameterValue", message: "The resource type '\(type)' is served by two parts of the local provider")
        }
      }
    }
    self.parts = byType
    self.resourceTypes = Self.supportedTypes.union(byType.keys)
    guard timeScale >= 0, timeScale <= Self.largestTimeScale else {
      throw ProviderError(
        code: "InvalidParameterValue",
        message: "The time scale must be from 0 to \(Int(Self.largestTimeScale)), not \(timeScale)")
    }
    self.cloud = try LocalCloud(stateDirectory: stateDirectory, readOnly: readOnly, clock: clock)
    self.timeScale = timeScale
    self.wait = wait
  }

  /// Everything the cloud holds, sorted by address, with what it assigned.
  public func observe() async throws -> [ObservedResource] {
    try cloud.read { db in
      let stored = try StoredResource.order(Column("type"), Column("name")).fetchAll(db)
      let outputs = try Self.outputs(of: stored, db)
      return stored.map { Self.observed($0, outputs: outputs[$0.address] ?? []) }
    }
  }

  /// A state an older Steeple wrote kept what it managed here only: the engine takes it over.
  public func adoptableResources() async throws -> [ObservedResource] { try await observe() }

  /// One read of the inventory's addresses, and one query per resource type for the outputs.
  public func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] {
    guard parts.isEmpty else {
      var byPart: [String: [ObservedResource]] = [:]
      var own: [ObservedResource] = []
      for resource in resources {
        if parts[resource.address.type] != nil { byPart[resource.address.type, default: []].append(resource) } else { own.append(resource) }
      }
      var refreshed = try await refreshCloud(own, unsettled: unsettled)
      for (type, resources) in byPart.sorted(by: { $0.key < $1.key }) {
        refreshed += try await parts[type]!.refresh(resources, unsettled: unsettled, services: cloud)
      }
      return refreshed
    }
    return try await refreshCloud(resources, unsettled: unsettled)
  }

  private func refreshCloud(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws
    -> [ObservedResource]
  {
    try cloud.read { db in
      var held: Set<ResourceAddress> = []
      let rows = try Row.fetchCursor(db, sql: "SELECT type, name FROM resource")
      while let row = try rows.next() { held.insert(ResourceAddress(type: row[0], name: row[1])) }
      var current: [StoredResource] = []
      current.reserveCapacity(resources.count)
      for resource in resources where held.contains(resource.address) {
        // What an interrupted action left is what the inventory holds, whatever the ledger wanted.
        if unsettled.contains(resource.address), let stored = try StoredResource.find(resource.address, in: db) {
          current.append(stored)
        } else {
          current.append(StoredResource(resource))
        }
      }
      let outputs = try Self.outputs(of: current, db)
      return current.map { Self.observed($0, outputs: outputs[$0.address] ?? []) }
    }
  }

  /// The service checks the request at once (a bad one fails without waiting), the operation then
  /// takes its modelled time, and only then is its effect written, in one transaction. With no time
  /// to wait, the check and the effect are one transaction.
  public func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]] = [:]) async throws -> ObservedResource? {
    if let part = parts[action.address.type] { return try await part.apply(action, inputs: inputs, services: cloud) }
    try await prepare(action)
    let seconds = OperationDurations.seconds(for: action) * timeScale
    guard seconds > 0 else { return try await write(action, commit: true) }
    if let held = try cloud.read({ db in try Self.holding(action, db) }) { return held }
    try await write(action, commit: false)
    try await wait(.seconds(seconds))
    try Task.checkCancellation()
    return try await write(action, commit: true)
  }

  /// Runs the handler's work outside the transaction (an agent's attestation), unless the action's
  /// effect already holds.
  func prepare(_ action: Action) async throws {
    guard let handler = try ResourceCatalog.handler(for: action.address) as? any ClockedResourceHandler.Type else { return }
    switch action {
    case .create(let resource), .update(let resource, _):
      let previous = try cloud.read { db in
        (try Self.holding(action, db), try StoredResource.find(action.address, in: db))
      }
      guard previous.0 == nil else { return }
      do {
        try await handler.prepare(resource, previous: previous.1, cloud: cloud)
      } catch var error as ProviderError {
        if error.address == nil { error.address = resource.address }
        throw error
      }
    case .delete: return
    }
  }

  /// Performs the action in a write transaction, kept when `commit`, rolled back otherwise.
  @discardableResult
  func write(_ action: Action, commit: Bool) async throws -> ObservedResource? {
    let now = cloud.clock()
    do {
      // Concurrent calls share a transaction, each in its own savepoint.
      return try await cloud.groupWrite { db in
        (try Self.perform(action, now: now, db), commit ? .commit : .rollback)
      }
    } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
      throw ProviderError(
        code: "DependencyViolation",
        message: "\(action.address) is still used by, or still needs, another resource: \(error.message ?? "foreign key")",
        address: action.address)
    }
  }

  /// What the action would leave, when its effect already holds: the resource as it is (create and
  /// update), or nothing (a delete of what is gone). `nil` when there is work to do.
  static func holding(_ action: Action, _ db: Database) throws -> ObservedResource?? {
    let previous = try StoredResource.find(action.address, in: db)
    switch action {
    case .create(let resource), .update(let resource, _):
      guard let previous, previous.holds(resource) else { return nil }
      return .some(try observed(previous, db))
    case .delete:
      return previous == nil ? .some(nil) : nil
    }
  }

  static func perform(_ action: Action, now: Date, _ db: Database) throws -> ObservedResource? {
    let handler = try ResourceCatalog.handler(for: action.address)
    let previous = try StoredResource.find(action.address, in: db)
    switch action {
    case .create(let resource), .update(let resource, _):
      let wanted = StoredResource(resource)
      if let previous, previous.holds(resource) {
        return try observed(previous, db)  // already holds: do nothing twice
      }
      do {
        if let clocked = handler as? any ClockedResourceHandler.Type {
          try clocked.put(resource, previous: previous, now: now, in: db)
        } else {
          try handler.put(resource, previous: previous, in: db)
        }
      } catch var error as ProviderError {
        if error.address == nil { error.address = resource.address }
        throw error
      }
      try wanted.store(in: db)
      return try observed(wanted, db)
    case .delete(let observed):
      guard let previous else { return nil }  // already gone
      if let dependent = try StoredResource.dependent(on: observed.address, in: db) {
        throw ProviderError(
          code: "DependencyViolation",
          message: "The resource \(observed.address) has a dependent object (\(dependent)) and cannot be deleted.",
          address: observed.address)
      }
      do {
        if let clocked = handler as? any ClockedResourceHandler.Type {
          try clocked.remove(previous, now: now, in: db)
        } else {
          try handler.remove(previous, in: db)
        }
      } catch var error as ProviderError {
        if error.address == nil { error.address = observed.address }
        throw error
      }
      try previous.delete(db)
      return nil
    }
  }

  static func observed(_ stored: StoredResource, _ db: Database) throws -> ObservedResource {
    let handler = try ResourceCatalog.handler(for: stored.address)
    return observed(stored, outputs: try handler.outputs(of: stored, in: db))
  }

  static func observed(_ stored: StoredResource, outputs: [ModelField]) -> ObservedResource {
    ObservedResource(
      address: stored.address, placement: stored.placement, attributes: stored.attributes, outputs: outputs,
      dependencies: Set(stored.dependencies))
  }

  /// The outputs of many resources, read type by type (one query a type where the handler batches).
  static func outputs(of stored: [StoredResource], _ db: Database) throws -> [ResourceAddress: [ModelField]] {
    var byType: [String: [StoredResource]] = [:]
    for resource in stored { byType[resource.type, default: []].append(resource) }
    var outputs: [ResourceAddress: [ModelField]] = [:]
    outputs.reserveCapacity(stored.count)
    for (type, resources) in byType {
      guard let handler = ResourceCatalog.handler(forType: type) else { continue }
      outputs.merge(try handler.outputs(of: resources, in: db)) { $1 }
    }
    return outputs
  }

  /// Runs a `verify` check. `reachable` (two endpoints: addresses, or pods by name) is answered by
  /// the network; `attested` and `svid` by the embedded SPIRE, after the check's `stop:` and
  /// `after:` moved its modelled clock; `mtls`, `denied` and `all` by the data plane started from the
  /// applied policy (MeshChecks.swift).
  public func check(_ check: Check) async throws -> CheckOutcome {
    try await self.check(check, in: nil)
  }

  /// A session whose checks share what they read and found (``LocalCheckSession``).
  public func checkSession() async throws -> any CheckSession { LocalCheckSession(provider: self) }

  /// Runs a check, on its own or as one of `session`'s.
  func check(_ check: Check, in session: LocalCheckSession?) async throws -> CheckOutcome {
    do {
      try await applyClockFields(of: check)
    } catch let error as ProviderError {
      return .failed(reason: error.message)
    }
    switch check.kind {
    case "attested": return try await checkAttested(check, in: session)
    case "svid": return try await checkSVID(check, in: session)
    case "reachable":
      let endpoints = check.arguments.compactMap(\.string)
      guard endpoints.count == 2 else {
        return .failed(reason: "verify reachable takes two endpoints (addresses or pods), not \(check.arguments.count)")
      }
      do {
        let from = try await endpoint(endpoints[0])
        let to = try await endpoint(endpoints[1])
        let report = try cloud.reachability(from: from.ip, in: from.vpc, to: to.ip)
        let path = report.hops.joined(separator: " -> ")
        return report.reachable
          ? .passed(detail: "\(endpoints[0]) reaches \(endpoints[1]): \(path)")
          : .failed(reason: "\(endpoints[0]) cannot reach \(endpoints[1]): \(report.explanation) (after \(path))")
      } catch let error as ProviderError {
        return .failed(reason: error.description)
      }
    case "mtls": return try await checkMTLS(check, in: session)
    case "denied": return try await checkDenied(check, in: session)
    case "all": return try await checkAll(check, in: session)
    default: return .unsupported(reason: "the local provider has no check '\(check.kind)'")
    }
  }

  /// The reading of the mesh a check works from: `session`'s, shared by its checks, or its own.
  func meshRun(in session: LocalCheckSession?) async throws -> MeshCheckRun {
    if let session { return try await session.meshRun() }
    return try await MeshCheckRun.load(provider: self)
  }

  /// An endpoint of a check: an address, or a pod (by its workload name, `<namespace>/<pod>` or
  /// `<cluster>/<namespace>/<pod>`) and its VPC.
  func endpoint(_ text: String) async throws -> (ip: String, vpc: String?) {
    if IPv4.parse(text) != nil { return (text, nil) }
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    return try cloud.read { db in
      var request = PodRecord.all()
      switch parts.count {
      case 1: request = request.filter(Column("name") == parts[0])
      case 2: request = request.filter(Column("namespace") == parts[0] && Column("name") == parts[1])
      // The cluster as the plan names it, or its name alone, which fits a cluster of each account that has the name.
      case 3: request = request.filter(Column("namespace") == parts[1] && Column("name") == parts[2])
      default: throw ProviderError(code: "NotFound", message: "no address or pod named \(text)")
      }
      let pods = try request.order(Column("cluster"), Column("namespace")).fetchAll(db).filter {
        parts.count < 3 || $0.cluster == parts[0] || EKS.eksName($0.cluster) == parts[0]
      }
      guard let pod = pods.first else { throw ProviderError(code: "NotFound", message: "no address or pod named \(text)") }
      guard pods.count == 1 else {
        throw ProviderError(
          code: "Ambiguous",
          message: "\(text) names \(pods.count) pods (\(pods.map { "\($0.cluster)/\($0.namespace)/\($0.name)" }.joined(separator: ", "))): \(parts.count == 3 ? "write the cluster with its account, as here" : "write <cluster>/<namespace>/<pod>")")
      }
      guard !pod.ip.isEmpty, let cluster = try ClusterRecord.fetchOne(db, key: pod.cluster) else {
        throw ProviderError(code: "Pending", message: "pod \(text) is Pending: it has no node and no address yet")
      }
      return (pod.ip, cluster.vpc)
    }
  }
}
