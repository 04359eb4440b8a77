import NIOConcurrencyHelpers

/// The ``EnvoyStat`` counters of one scope, safe to bump from any event loop.
final class CounterSet: Sendable {
  private let values = NIOLockedValueBox([EnvoyStat: UInt64]())

  /// Adds one to `stat`.
  func bump(_ stat: EnvoyStat) { values.withLockedValue { $0[stat, default: 0] += 1 } }

  /// Every counter, zero included.
  var snapshot: [EnvoyStat: UInt64] {
    values.withLockedValue { current in
      Dictionary(uniqueKeysWithValues: EnvoyStat.allCases.map { ($0, current[$0] ?? 0) })
    }
  }
}
