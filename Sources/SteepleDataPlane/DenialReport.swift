/// What a denial check showed: the caller's proxy, holding its SVID, dialled the called service's
/// listener directly.
public struct DenialReport: Sendable, Equatable {
  /// The calling service.
  public let from: String
  /// The called service.
  public let to: String
  /// Why the path failed, or nil when the request went through (the denial check then fails).
  public let failure: PathFailure?
  /// The counters this check moved, and by how much.
  public let countersMoved: [StatsScope: [EnvoyStat: UInt64]]

  /// Whether the listener refused the caller for the policy's reason: its ID is not admitted.
  public var deniedByPolicy: Bool { failure?.isPolicyDenial ?? false }
}
