import Foundation
import Testing

@testable import SteepleSPIRE

@Suite struct SVIDCacheTests {
  @Test func rotatesAtHalfLifeAndReportsExpiry() throws {
    let ca = try X509Authority.selfSigned(trustDomain: TutorialEntries.trustDomain, ttl: 86_400, now: testNow)
    let id = TutorialEntries.id("/frontend")
    var cache = SVIDCache()
    let first = try ca.issueSVID(for: id, ttl: 3600, now: testNow)
    cache.store(first, forEntry: "entry-3")
    let halfLife = first.rotationTime
    #expect(halfLife == testNow - 10 + 1805)
    #expect(cache.dueForRotation(at: halfLife - 1).isEmpty)
    #expect(cache.dueForRotation(at: halfLife) == ["entry-3"])

    // A renewal that fails keeps the old SVID, which then expires and is reported.
    struct ServerDown: Error {}
    #expect(throws: ServerDown.self) { try cache.rotate(at: halfLife) { _ in throw ServerDown() } }
    #expect(cache.svids["entry-3"]?.serialNumber == first.serialNumber)
    #expect(cache.expired(at: first.notAfter).isEmpty)
    #expect(cache.expired(at: first.notAfter + 1) == ["entry-3"])

    // A renewal that succeeds replaces it with a fresh one.
    let renewed = try cache.rotate(at: halfLife) { _ in try ca.issueSVID(for: id, ttl: 3600, now: halfLife) }
    #expect(renewed == ["entry-3"])
    let second = try #require(cache.svids["entry-3"])
    #expect(second.serialNumber != first.serialNumber)
    #expect(second.notAfter == halfLife + 3600)
    #expect(cache.dueForRotation(at: halfLife + 1).isEmpty)
    cache.remove(entryID: "entry-3")
    #expect(cache.svids.isEmpty)
  }
}
