/// Whose counters: a service's listener, or the upstream from one service to another.
public enum StatsScope: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// The listener of the named service.
  case listener(String)
  /// The upstream of service `from` to service `to` (an Envoy cluster).
  case upstream(from: String, to: String)

  /// `listener.<service>` or `cluster.<from> -> <to>`, the prefixes Envoy gives the same counters.
  public var description: String {
    switch self {
    case .listener(let name): "listener.\(name)"
    case .upstream(let from, let to): "cluster.\(from) -> \(to)"
    }
  }

  public static func < (lhs: StatsScope, rhs: StatsScope) -> Bool { lhs.description < rhs.description }
}
