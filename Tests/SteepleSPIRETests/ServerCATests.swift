import Foundation
import Testing

@testable import SteepleSPIRE

@Suite struct ServerCATests {
  let trustDomain = try! TrustDomain("example.org")
  let hour: TimeInterval = 3600

  @Test func rotatesAsSPIREDoesOnTheGivenClock() throws {
    var server = try ServerCA(trustDomain: trustDomain, caTTL: 24 * hour, now: testNow)
    let first = server.current
    #expect(server.bundleAuthorities.map(\.keyID) == [first.keyID])
    #expect(server.bundleSequence == 1)

    // Before half the lifetime nothing happens.
    #expect(try server.advance(to: testNow + 11 * hour).isEmpty)

    // At half the lifetime (12h before NotAfter) the next CA is prepared and joins the bundle; the
    // current one still signs.
    let preparedAt = ServerCA.preparationTime(of: first)
    #expect(preparedAt == first.notAfter - 12 * hour - 5)
    let events = try server.advance(to: preparedAt)
    let next = try #require(server.next)
    #expect(events == [.prepared(keyID: next.keyID, at: preparedAt)])
    #expect(server.current.keyID == first.keyID)
    #expect(server.bundleAuthorities.map(\.keyID) == [first.keyID, next.keyID])
    #expect(server.bundleSequence == 2)

    // A sixth of the lifetime before NotAfter, the prepared CA takes over; the old one stays in the
    // bundle, since SVIDs it signed are still valid.
    let activatedAt = ServerCA.activationTime(of: first)
    #expect(activatedAt == first.notAfter - (24 * hour + 10) / 6)
    #expect(try server.advance(to: activatedAt) == [.activated(keyID: next.keyID, replacing: first.keyID, at: activatedAt)])
    #expect(server.current.keyID == next.keyID)
    #expect(server.bundleAuthorities.map(\.keyID) == [next.keyID, first.keyID])
    #expect(server.bundleSequence == 2)

    // Once the old CA has expired it leaves the bundle. By then the current one is past half its own
    // life, so its successor is prepared in the same step: the bundle always holds the next CA early.
    let after = first.notAfter + 1
    let events2 = try server.advance(to: after)
    let third = try #require(server.next)
    #expect(events2 == [.prepared(keyID: third.keyID, at: after), .dropped(keyID: first.keyID, at: after)])
    #expect(server.bundleAuthorities.map(\.keyID) == [next.keyID, third.keyID])
    #expect(server.bundleSequence == 4)
  }

  @Test func catchesUpAfterALongPause() throws {
    var server = try ServerCA(trustDomain: trustDomain, caTTL: 24 * hour, now: testNow)
    let first = server.current
    let late = testNow + 30 * hour
    let events = try server.advance(to: late)
    #expect(events.count == 3)
    #expect(server.current.keyID != first.keyID)
    #expect(server.current.notBefore == late - 10)
    #expect(server.bundleAuthorities.count == 1)
    // The new CA issues at once, and its SVIDs verify against it.
    let svid = try server.current.issueSVID(for: try SPIFFEID(parsing: "spiffe://example.org/a"), ttl: 60, now: late)
    #expect(server.current.certificate.publicKey.isValidSignature(svid.certificate.signature, for: svid.certificate))
  }

  @Test func storesWithoutKeysAndRestoresWithThem() throws {
    var server = try ServerCA(trustDomain: trustDomain, keyType: .ecP384, caTTL: 24 * hour, now: testNow)
    try server.advance(to: testNow + 13 * hour)
    let data = try JSONEncoder().encode(server.snapshot)
    let keys = server.exportPrivateKeys()
    #expect(keys.count == 4)  // two CAs and their two JWT keys
    for key in keys.values { #expect(data.range(of: key) == nil && !String(decoding: data, as: UTF8.self).contains(key.base64EncodedString())) }
    let snapshot = try JSONDecoder().decode(ServerCA.Snapshot.self, from: data)
    let restored = try ServerCA(snapshot: snapshot, privateKeys: keys)
    #expect(restored.snapshot == server.snapshot)
    #expect(restored.next?.keyID == server.next?.keyID)
    var missing = keys
    missing[server.current.keyID] = nil
    #expect(throws: CARestoreError.missingKey(keyID: server.current.keyID)) {
      try ServerCA(snapshot: snapshot, privateKeys: missing)
    }
  }
}
