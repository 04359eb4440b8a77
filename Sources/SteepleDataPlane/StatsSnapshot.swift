/// The counters of a data plane at one moment, by scope; every ``EnvoyStat`` is present in each scope.
public struct StatsSnapshot: Sendable, Equatable {
  /// The counters by scope.
  public var counters: [StatsScope: [EnvoyStat: UInt64]]

  /// A snapshot of `counters`.
  public init(counters: [StatsScope: [EnvoyStat: UInt64]]) { self.counters = counters }

  /// One counter (0 when the scope is unknown).
  public subscript(scope: StatsScope, stat: EnvoyStat) -> UInt64 { counters[scope]?[stat] ?? 0 }

  /// What grew from `earlier` to this snapshot: only the counters that moved, by how much.
  public func moved(since earlier: StatsSnapshot) -> [StatsScope: [EnvoyStat: UInt64]] {
    var moved: [StatsScope: [EnvoyStat: UInt64]] = [:]
    for (scope, stats) in counters {
      for (stat, value) in stats {
        let before = earlier[scope, stat]
        if value > before { moved[scope, default: [:]][stat] = value - before }
      }
    }
    return moved
  }

  /// Lines as `steeple stats` prints them, sorted: `<scope>.<stat>: <value>`.
  public var lines: [String] {
    counters.keys.sorted().flatMap { scope in
      (counters[scope] ?? [:]).sorted { $0.key < $1.key }.map { "\(scope).\($0.key.rawValue): \($0.value)" }
    }
  }
}
