public import Foundation

/// An agent's cache of the X.509-SVIDs of its entries, renewed as SPIRE's agent renews them: when
/// half of an SVID's lifetime has passed (``X509SVID/rotationTime``). The time is always given (`now`),
/// never read.
public struct SVIDCache: Sendable {
  /// The cached SVIDs by entry ID.
  public private(set) var svids: [String: X509SVID] = [:]

  /// An empty cache.
  public init() {}

  /// Stores `svid` as the current SVID of the entry `entryID`.
  public mutating func store(_ svid: X509SVID, forEntry entryID: String) { svids[entryID] = svid }

  /// Forgets the SVID of `entryID` (its entry was deleted or no longer applies).
  public mutating func remove(entryID: String) { svids[entryID] = nil }

  /// The entries whose SVID is due for renewal at `now`: half its lifetime has passed.
  public func dueForRotation(at now: Date) -> [String] {
    svids.filter { now >= $0.value.rotationTime }.keys.sorted()
  }

  /// The entries whose SVID has expired at `now` (the agent failed to renew them in time).
  public func expired(at now: Date) -> [String] {
    svids.filter { $0.value.isExpired(at: now) }.keys.sorted()
  }

  /// Renews every SVID due at `now` with `issue` (the server's signing call for that entry) and
  /// returns the renewed entry IDs. An entry whose renewal throws keeps its old SVID, and the error
  /// goes to the caller after the others are renewed.
  @discardableResult
  public mutating func rotate(at now: Date, issue: (String) throws -> X509SVID) throws -> [String] {
    var renewed: [String] = []
    var firstError: (any Error)?
    for entryID in dueForRotation(at: now) {
      do {
        svids[entryID] = try issue(entryID)
        renewed.append(entryID)
      } catch {
        if firstError == nil { firstError = error }
      }
    }
    if let firstError { throw firstError }
    return renewed
  }
}
