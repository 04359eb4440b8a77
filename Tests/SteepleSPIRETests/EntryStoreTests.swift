import Foundation
import Testing

@testable import SteepleSPIRE

@Suite struct EntryStoreTests {
  @Test func createsWithRevisionZeroAndCreationTime() throws {
    let store = try TutorialEntries.store()
    #expect(store.entries.count == 6)
    #expect(store.revision == 6)
    let first = try #require(store.entry(id: "entry-1"))
    #expect(first.revisionNumber == 0)
    #expect(first.createdAt == Int64(testNow.timeIntervalSince1970))
    #expect(first.isNodeEntry)
    #expect(!(try #require(store.entry(id: "entry-3"))).isNodeEntry)
  }

  @Test func generatesAUUIDWhenNoIDIsGiven() throws {
    var store = EntryStore(trustDomain: TutorialEntries.trustDomain)
    let entry = try store.create(TutorialEntries.all[2], now: testNow)
    #expect(UUID(uuidString: entry.id) != nil)
    #expect(entry.id == entry.id.lowercased())
  }

  @Test func updateBumpsTheRevisionOnlyWhenSomethingChanged() throws {
    var store = try TutorialEntries.store()
    var entry = try #require(store.entry(id: "entry-3"))
    #expect(try store.update(entry).revisionNumber == 0)
    #expect(store.revision == 6)
    entry.x509SVIDTTL = 600
    let updated = try store.update(entry)
    #expect(updated.revisionNumber == 1)
    #expect(updated.createdAt == entry.createdAt)
    #expect(store.revision == 7)
    entry.hint = "envoy"
    #expect(try store.update(entry).revisionNumber == 2)
    #expect(throws: EntryStoreError.notFound("nope")) { try store.delete(id: "nope") }
    try store.delete(id: "entry-3")
    #expect(store.entry(id: "entry-3") == nil)
  }

  @Test func refusesWhatSPIRERefuses() throws {
    var store = try TutorialEntries.store()
    let td = TutorialEntries.trustDomain
    var entry = TutorialEntries.workload("/new", parent: "spire-agent-front", app: "x", tier: "y")
    func refusal(_ change: (inout RegistrationEntry) -> Void) -> String {
      var changed = entry
      change(&changed)
      do {
        try store.create(changed, now: testNow)
        return "accepted"
      } catch {
        return error.description
      }
    }
    #expect(refusal { $0.selectors = [] } == "an entry needs at least one selector: SPIRE refuses an empty selector list")
    #expect(
      refusal { $0.spiffeID = try! SPIFFEID(parsing: "spiffe://other.org/a") }
        == "the SPIFFE ID 'spiffe://other.org/a' is not a member of the trust domain 'am-multi-account-mesh'")
    #expect(
      refusal { $0.spiffeID = td.id } == "the SPIFFE ID 'spiffe://am-multi-account-mesh' has no path: an entry's ID must name a workload")
    #expect(
      refusal { $0.spiffeID = td.serverID }
        == "the SPIFFE ID 'spiffe://am-multi-account-mesh/spire/server' is under /spire/, which SPIRE reserves for its server and agents")
    #expect(
      refusal { $0.parentID = try! SPIFFEID(parsing: "spiffe://other.org/agent") }
        == "the parent ID 'spiffe://other.org/agent' is not a member of the trust domain 'am-multi-account-mesh'")
    #expect(refusal { $0.x509SVIDTTL = -1 } == "x509_svid_ttl cannot be negative (-1); 0 means the server's default")
    #expect(refusal { $0.dnsNames = ["no_underscores"] } == "'no_underscores' is not a valid DNS name")
    #expect(refusal { $0.id = "entry-1" } == "an entry with the ID 'entry-1' already exists")
    entry = TutorialEntries.all[2]
    entry.selectors.reverse()
    #expect(refusal { _ in } == "a similar entry already exists (entry-3): same SPIFFE ID, parent ID and selectors")
  }

  @Test func roundTripsThroughJSON() throws {
    let store = try TutorialEntries.store()
    let decoded = try JSONDecoder().decode(EntryStore.self, from: try JSONEncoder().encode(store))
    #expect(decoded == store)
  }
}
