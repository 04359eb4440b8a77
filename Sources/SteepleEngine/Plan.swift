/// What an apply would do: the actions that make what exists match what the script declares.
///
/// Actions are in a stable order, grouped by placement (account, then cluster) and sorted by
/// address inside a group, the way plans print them.
public struct Plan: Hashable, Sendable {
  public var actions: [PlannedAction]
  /// The name of the provider the plan was made against.
  public var provider: String

  public init(actions: [PlannedAction], provider: String) {
    self.actions = actions.sorted { ($0.placement, $0.address) < ($1.placement, $1.address) }
    self.provider = provider
  }

  public var isEmpty: Bool { actions.isEmpty }

  /// Resources created, counting a replace's create, as Terraform counts them.
  public var toAdd: Int { actions.filter { $0.kind == .create || $0.kind == .replace }.count }
  /// Resources changed in place.
  public var toChange: Int { actions.filter { $0.kind == .update }.count }
  /// Resources deleted, counting a replace's delete.
  public var toDestroy: Int { actions.filter { $0.kind == .delete || $0.kind == .replace }.count }

  /// `Plan: 12 to add, 1 to change, 0 to destroy.`, or `No changes.`
  public var summary: String {
    isEmpty ? "No changes." : "Plan: \(toAdd) to add, \(toChange) to change, \(toDestroy) to destroy."
  }

  /// The action for one resource, if it has one.
  public subscript(address: ResourceAddress) -> PlannedAction? { actions.first { $0.address == address } }
}
