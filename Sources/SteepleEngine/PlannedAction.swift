/// One line of a plan: what will happen to one resource, and why.
public struct PlannedAction: Hashable, Sendable {
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    /// `+`: the resource is declared and does not exist.
    case create
    /// `~`: the resource exists and some attributes differ; they change in place.
    case update
    /// `-/+`: an attribute that cannot change in place differs: delete, then create.
    case replace
    /// `-`: the resource exists and is no longer declared.
    case delete

    /// The sign plans print in front of the address, as Terraform does.
    public var symbol: String {
      switch self {
      case .create: return "+"
      case .update: return "~"
      case .replace: return "-/+"
      case .delete: return "-"
      }
    }
  }

  public var kind: Kind
  public var address: ResourceAddress
  public var placement: Placement
  /// The resource as wanted; `nil` for a delete.
  public var desired: Resource?
  /// The resource as it exists; `nil` for a create.
  public var observed: ObservedResource?
  /// What differs: every attribute for a create or a delete, the differing ones otherwise.
  public var changes: [AttributeChange]
  /// Why the action is in the plan, in a few words.
  public var reason: String

  public init(
    kind: Kind, address: ResourceAddress, placement: Placement, desired: Resource?, observed: ObservedResource?,
    changes: [AttributeChange], reason: String
  ) {
    self.kind = kind
    self.address = address
    self.placement = placement
    self.desired = desired
    self.observed = observed
    self.changes = changes
    self.reason = reason
  }

  /// The provider calls that carry the action out, in order: a replace is a delete, then a create.
  public var providerActions: [Action] {
    switch kind {
    case .create: return desired.map { [.create($0)] } ?? []
    case .update:
      guard let desired, let observed else { return [] }
      return [.update(desired, from: observed)]
    case .replace:
      guard let desired, let observed else { return [] }
      return [.delete(observed), .create(desired)]
    case .delete: return observed.map { [.delete($0)] } ?? []
    }
  }
}
