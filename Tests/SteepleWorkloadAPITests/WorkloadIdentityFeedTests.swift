import Foundation
import SteepleSPIRE
import SteepleWorkloadAPI
import Testing

/// A CA of one trust domain and SVIDs it issues, on a fixed clock.
struct TestIdentities {
  static let trustDomain = try! TrustDomain("example.org")
  static let now = Date(timeIntervalSince1970: 1_800_000_000)
  var ca: ServerCA

  init() throws { ca = try ServerCA(trustDomain: Self.trustDomain, now: Self.now) }

  static func id(_ path: String) -> SPIFFEID { try! SPIFFEID(parsing: "spiffe://example.org/\(path)") }

  /// A new SVID for `path`, with the CA's bundle.
  func identity(_ path: String) throws -> WorkloadIdentity {
    WorkloadIdentity(svids: [try ca.current.issueSVID(for: Self.id(path), ttl: 3600, now: Self.now)], bundles: [ca.bundle()])
  }
}

@Suite("a workload's identity feed: the current identity, then each change")
struct WorkloadIdentityFeedTests {
  @Test("a follower gets the current identity, then a renewed one; the same identity again is not pushed")
  func pushesChanges() async throws {
    let identities = try TestIdentities()
    let first = try identities.identity("web")
    let feed = WorkloadIdentityFeed(first)
    var updates = feed.updates().makeAsyncIterator()
    #expect(await updates.next()?.svids.first?.serialNumber == first.svids[0].serialNumber)
    #expect(!feed.publish(first))
    let renewed = try identities.identity("web")
    #expect(feed.publish(renewed))
    #expect(await updates.next()?.svids.first?.serialNumber == renewed.svids[0].serialNumber)
    feed.finish()
    #expect(await updates.next()?.version == nil)
    #expect(feed.followerCount == 0)
  }

  @Test("a new bundle (a CA rotation) is a change even with the same SVID")
  func bundleChange() throws {
    let identities = try TestIdentities()
    let first = try identities.identity("web")
    let feed = WorkloadIdentityFeed(first)
    let other = try ServerCA(trustDomain: TestIdentities.trustDomain, now: TestIdentities.now)
    let rotated = WorkloadIdentity(
      svids: first.svids,
      bundles: [try TrustBundle(
        trustDomain: TestIdentities.trustDomain,
        x509AuthoritiesDER: first.bundles[0].x509AuthoritiesDER + other.bundle().x509AuthoritiesDER, sequence: 2)])
    #expect(feed.publish(rotated))
    #expect(feed.current.bundles[0].x509Authorities.count == 2)
  }
}
