import Testing

@testable import SteepleSPIRE

@Suite struct EntryMatchingTests {
  let frontAgent = TutorialEntries.id("/spire/agent/k8s_psat/frontend-k8s-cluster/node-1-uid")
  let backAgent = TutorialEntries.id("/spire/agent/k8s_psat/backend-k8s-cluster/node-1-uid")
  let frontSelectors = TutorialEntries.agentSelectors(cluster: "frontend-k8s-cluster", serviceAccount: "spire-agent-front")
  let backSelectors = TutorialEntries.agentSelectors(cluster: "backend-k8s-cluster", serviceAccount: "spire-agent-back")

  @Test func agentsGetTheirClustersAliasByTheSubsetRule() throws {
    let store = try TutorialEntries.store()
    #expect(store.nodeAliases(forAgentSelectors: frontSelectors).map(\.id) == ["entry-1"])
    #expect(store.nodeAliases(forAgentSelectors: backSelectors).map(\.id) == ["entry-2"])
    // An agent running as another service account is no alias of either.
    let stranger = TutorialEntries.agentSelectors(cluster: "backend-k8s-cluster", serviceAccount: "spire-agent")
    #expect(store.nodeAliases(forAgentSelectors: stranger).isEmpty)
  }

  @Test func authorizedEntriesFollowParentsThroughAliases() throws {
    let store = try TutorialEntries.store()
    #expect(store.authorizedEntries(agentID: frontAgent, agentSelectors: frontSelectors).map(\.id) == ["entry-3"])
    #expect(store.authorizedEntries(agentID: backAgent, agentSelectors: backSelectors).map(\.id) == ["entry-4", "entry-5", "entry-6"])
  }

  @Test func descendantsOfAuthorizedEntriesAreAuthorizedToo() throws {
    var store = try TutorialEntries.store()
    try store.create(
      RegistrationEntry(
        id: "child", spiffeID: TutorialEntries.id("/frontend/child"), parentID: TutorialEntries.id("/frontend"),
        selectors: TutorialEntries.selectors("unix:uid:1000")), now: testNow)
    #expect(store.authorizedEntries(agentID: frontAgent, agentSelectors: frontSelectors).map(\.id) == ["entry-3", "child"])
  }

  @Test func aWorkloadGetsTheEntriesWhoseSelectorsAreASubsetOfItsOwn() throws {
    let store = try TutorialEntries.store()
    let ui = TutorialEntries.envoySelectors(app: "yelb-ui", tier: "frontend")
    #expect(store.entries(forWorkloadSelectors: ui, agentID: frontAgent, agentSelectors: frontSelectors).map(\.id) == ["entry-3"])
    // The same pod on a backend node: no entry, because its parent is the front agents' alias.
    #expect(store.entries(forWorkloadSelectors: ui, agentID: backAgent, agentSelectors: backSelectors).isEmpty)
    let db = TutorialEntries.envoySelectors(app: "yelb-db", tier: "backenddb")
    #expect(store.entries(forWorkloadSelectors: db, agentID: backAgent, agentSelectors: backSelectors).map(\.spiffeID.path) == ["/yelbdb"])
    // The app container of the same pod is not envoy: nothing applies.
    var app = db
    app.remove(try Selector(parsing: "k8s:container-name:envoy"))
    app.insert(try Selector(parsing: "k8s:container-name:yelb-db"))
    #expect(store.entries(forWorkloadSelectors: app, agentID: backAgent, agentSelectors: backSelectors).isEmpty)
  }

  @Test func theClosestEntryNamesTheSelectorsItLacks() throws {
    let store = try TutorialEntries.store()
    var db = TutorialEntries.envoySelectors(app: "yelb-db", tier: "backenddb")
    db.remove(try Selector(parsing: "k8s:container-name:envoy"))
    let closest = try #require(store.closestEntry(forWorkloadSelectors: db, agentID: backAgent, agentSelectors: backSelectors))
    #expect(closest.entry.id == "entry-5")
    #expect(closest.missing.map(\.description) == ["k8s:container-name:envoy"])
  }
}
