public import Foundation
import GRDB
import SteepleEngine
import SteepleSPIRE

/// The embedded SPIRE's modelled clock, which `verify … { stop: [...], after: N }` moves: stopping
/// agents or servers first (kept in the state), then advancing the clock by N seconds, as if that
/// time passed. Over that time each running server's CA rotates per its thresholds, a `publish`
/// bundle follows the CA set while a `copy` one stays as it was, and each running agent of a running
/// server renews its own SVID and those it holds past half their lifetime. So expiry and a stale
/// bundle become observable, without a test waiting on wall time.
enum SPIREClock {
  /// Stops each of `targets` (`<td>/<agents>` or `<td>`), then moves the clock `seconds` ahead and
  /// runs what happened meanwhile. Returns the modelled time it reached.
  @discardableResult
  static func advance(by seconds: Int, stopping targets: [String], clock: Date, _ db: Database) throws -> Date {
    for target in targets { try stop(target, db) }
    guard seconds != 0 || !targets.isEmpty else { return try SPIRERuntime.now(clock, db) }
    guard seconds >= 0 else {
      throw ProviderError(code: "InvalidParameterValue", message: "after: the modelled clock only moves forward, not by \(seconds)s")
    }
    return try run(advancingBy: seconds, clock: clock, db)
  }

  /// Moves the clock `seconds` ahead (none: only the cloud's clock moved) and runs what is due at the
  /// time it reaches: CA rotation, bundle publication, SVID renewal. Returns that time.
  @discardableResult
  static func run(advancingBy seconds: Int, clock: Date, _ db: Database) throws -> Date {
    let offset = try SPIRERuntime.clockOffset(db) + TimeInterval(seconds)
    if seconds != 0 { try SPIREClockRecord(id: 1, offset: offset).save(db) }
    let now = clock + offset
    for server in try SPIREServerRuntimeRecord.order(Column("trustDomain")).fetchAll(db) where !server.stopped {
      let trustDomain = try SPIRERuntime.trustDomain(server.trustDomain)
      guard var ca = try SPIREState.server(trustDomain, in: db) else { continue }
      if !(try ca.advance(to: now)).isEmpty { try SPIREState.saveServer(ca, in: db) }
      try publish(ca, db)
      try renewAgents(trustDomain, ca: ca, server: server, now: now, db)
      try SPIRERuntime.sync(trustDomain, now: now, db)
    }
    return now
  }

  /// Marks an agent set or a server stopped: it renews nothing and answers nobody from now on.
  static func stop(_ target: String, _ db: Database) throws {
    let parts = target.split(separator: "/", maxSplits: 1).map(String.init)
    if parts.count == 2, var set = try SPIREAgentSetRecord.fetchOne(db, key: ["trustDomain": parts[0], "name": parts[1]]) {
      set.stopped = true
      try set.update(db)
    } else if parts.count == 1, var server = try SPIREServerRuntimeRecord.fetchOne(db, key: parts[0]) {
      server.stopped = true
      try server.update(db)
    } else {
      let known =
        try SPIREAgentSetRecord.fetchAll(db).map(\.resourceName) + (try SPIREServerRuntimeRecord.fetchAll(db).map(\.trustDomain))
      let close = NameSuggestion.closest(to: target, in: known).map { ": did you mean '\($0)'?" } ?? ""
      throw ProviderError(
        code: "NotFound", message: "stop: no agents (<trust domain>/<name>) or server (<trust domain>) named '\(target)'\(close)")
    }
  }

  /// SPIRE's BundlePublisher: every `publish` ConfigMap of the trust domain gets the CA set of now.
  static func publish(_ ca: ServerCA, _ db: Database) throws {
    let bundle = ca.bundle()
    for var delivery in try SPIREBundleDeliveryRecord.filter(Column("trustDomain") == ca.trustDomain.name && Column("delivery") == "publish")
      .fetchAll(db) where delivery.sequence != Int64(bundle.sequence)
    {
      delivery.sequence = Int64(bundle.sequence)
      delivery.authorities = bundle.x509AuthoritiesDER.map { Data($0) }
      try delivery.update(db)
    }
  }

  /// Each running agent renews its own SVID past half its lifetime.
  static func renewAgents(_ trustDomain: TrustDomain, ca: ServerCA, server: SPIREServerRuntimeRecord, now: Date, _ db: Database) throws {
    let stopped = Set(
      try SPIREAgentSetRecord.filter(Column("trustDomain") == trustDomain.name && Column("stopped") == true).fetchAll(db)
        .map { "\($0.cluster)/\($0.namespace)" })
    for var agent in try SPIREState.agents(trustDomain, in: db)
    where !stopped.contains("\(agent.cluster)/\(agent.namespace)") && now >= agent.svid.rotationTime {
      agent.svid = try ca.current.issueSVID(for: agent.agentID, ttl: TimeInterval(server.svidTTL), now: now)
      try SPIREState.saveAgent(agent, in: db)
    }
  }
}

extension LocalCloud {
  /// Stops the embedded SPIRE's agent sets (`<td>/<name>`) or servers (`<td>`) in `stopping`, then
  /// moves its modelled clock `seconds` ahead and runs what happens meanwhile (CA rotation, bundle
  /// publication, SVID renewal). Returns the modelled time.
  @discardableResult
  public func advanceSPIREClock(by seconds: Int, stopping: [String] = []) throws -> Date {
    let clock = clock()
    return try write { db in try SPIREClock.advance(by: seconds, stopping: stopping, clock: clock, db) }
  }

  /// What a running SPIRE does as time passes: moves the modelled clock `seconds` ahead (none when
  /// only the cloud's clock moved), then rotates what is due (CAs, published bundles, agents' and
  /// workloads' SVIDs past half their lifetime). Returns the modelled time. `steeple serve` calls it
  /// as it runs, so that its sockets and listeners hand out renewed SVIDs.
  @discardableResult
  public func runSPIRE(advancingBy seconds: Int = 0) throws -> Date {
    guard seconds >= 0 else {
      throw ProviderError(code: "InvalidParameterValue", message: "the modelled clock only moves forward, not by \(seconds)s")
    }
    let clock = clock()
    return try write { db in try SPIREClock.run(advancingBy: seconds, clock: clock, db) }
  }

  /// The embedded SPIRE's modelled time: the cloud's clock and the offset `advanceSPIREClock` added.
  public func spireNow() throws -> Date {
    let clock = clock()
    return try read { db in try SPIRERuntime.now(clock, db) }
  }
}
