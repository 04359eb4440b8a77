extension Placement {
  /// `account "frontend"`, `account "frontend", cluster "eks-cluster-frontend"`, or `organization`
  /// for what belongs to no one account (the organization and what it shares). Control
  /// characters in the names are escaped (`TerminalText`).
  public var heading: String {
    guard let account else { return cluster.map { "cluster \"\(TerminalText.escaped($0))\"" } ?? "organization" }
    return "account \"\(TerminalText.escaped(account))\"" + (cluster.map { ", cluster \"\(TerminalText.escaped($0))\"" } ?? "")
  }

  var json: [(String, JSONValue)] {
    [("account", account.map(JSONValue.string) ?? .null), ("cluster", cluster.map(JSONValue.string) ?? .null)]
  }
}

/// Items grouped by placement, groups in placement order, items keeping their order.
func grouped<Item>(_ items: [Item], by placement: (Item) -> Placement) -> [(Placement, [Item])] {
  var groups: [Placement: [Item]] = [:]
  for item in items { groups[placement(item), default: []].append(item) }
  return groups.keys.sorted().map { ($0, groups[$0]!) }
}
