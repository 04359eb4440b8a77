/// One run of a script's checks against a provider: the engine hands them to it one at a time, in
/// order, then closes it.
///
/// A provider may keep what the checks of one run share for as long as the run lasts, such as the
/// state it read, the SVID chains it checked, or a data plane it started, provided what it keeps is
/// still true for the next check. ``close()`` ends the run and lets go of it. The engine never runs
/// two checks of one session at once.
public protocol CheckSession: Sendable {
  /// Runs one check against what exists.
  func check(_ check: Check) async throws -> CheckOutcome

  /// Ends the run: stops what it started and keeps what outlives it (counters, for instance).
  func close() async throws
}

/// The session of a provider that shares nothing between checks: each one is the provider's
/// ``Provider/check(_:)``.
public struct CheckByCheck: CheckSession {
  public let provider: any Provider

  public init(provider: any Provider) {
    self.provider = provider
  }

  public func check(_ check: Check) async throws -> CheckOutcome {
    try await provider.check(check)
  }

  public func close() async throws {}
}
