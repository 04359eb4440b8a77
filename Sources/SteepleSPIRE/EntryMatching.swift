/// Which entries reach an agent and its workloads, by SPIRE's rules.
///
/// An agent's *aliases* are the node entries whose selectors are a subset of the agent's node
/// selectors. The entries *authorized* for an agent are those whose parent is the agent's ID or one of
/// its aliases' IDs, and then, recursively, their descendants (entries whose parent is the SPIFFE ID of
/// an entry already found). A workload entry applies to a workload of that agent when its selectors
/// are a subset of the workload's.
extension EntryStore {
  /// The node entries that make aliases of an agent with `agentSelectors`.
  public func nodeAliases(forAgentSelectors agentSelectors: Set<Selector>) -> [RegistrationEntry] {
    entries.filter { $0.isNodeEntry && $0.applies(toSelectors: agentSelectors) }
  }

  /// The entries an agent may obtain SVIDs for, in store order.
  public func authorizedEntries(agentID: SPIFFEID, agentSelectors: Set<Selector>) -> [RegistrationEntry] {
    var parents: Set<SPIFFEID> = [agentID]
    parents.formUnion(nodeAliases(forAgentSelectors: agentSelectors).map(\.spiffeID))
    var found: Set<String> = []
    var frontier = parents
    while !frontier.isEmpty {
      var discovered: Set<SPIFFEID> = []
      for entry in entries where !found.contains(entry.id) && !entry.isNodeEntry && frontier.contains(entry.parentID) {
        found.insert(entry.id)
        if !parents.contains(entry.spiffeID) { discovered.insert(entry.spiffeID) }
      }
      parents.formUnion(discovered)
      frontier = discovered
    }
    return entries.filter { found.contains($0.id) }
  }

  /// The entries that apply to a workload with `workloadSelectors` on the agent `agentID`.
  public func entries(
    forWorkloadSelectors workloadSelectors: Set<Selector>, agentID: SPIFFEID, agentSelectors: Set<Selector>
  ) -> [RegistrationEntry] {
    authorizedEntries(agentID: agentID, agentSelectors: agentSelectors).filter { $0.applies(toSelectors: workloadSelectors) }
  }

  /// The entry authorized for the agent that comes closest to applying to the workload: the one that
  /// lacks the fewest selectors (ties: the most selectors in common, then store order). For a
  /// diagnostic that says which selectors are missing.
  public func closestEntry(
    forWorkloadSelectors workloadSelectors: Set<Selector>, agentID: SPIFFEID, agentSelectors: Set<Selector>
  ) -> (entry: RegistrationEntry, missing: [Selector])? {
    let candidates = authorizedEntries(agentID: agentID, agentSelectors: agentSelectors)
    var best: (entry: RegistrationEntry, missing: [Selector])?
    for entry in candidates {
      let missing = entry.missingSelectors(from: workloadSelectors)
      guard let current = best else {
        best = (entry, missing)
        continue
      }
      let common = entry.selectors.count - missing.count
      let bestCommon = current.entry.selectors.count - current.missing.count
      if missing.count < current.missing.count || (missing.count == current.missing.count && common > bestCommon) {
        best = (entry, missing)
      }
    }
    return best
  }
}
