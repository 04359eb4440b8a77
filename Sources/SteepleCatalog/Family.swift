public import SteepleEngine
public import SteepleModel

/// One family of the domain catalog (accounts, IAM, network, EKS, Kubernetes, the mesh): the kinds
/// it declares, the rules across them, how they lower to resources, and those resources' types.
///
/// A family is the one home of its domain: the model, `steeple doc`, completion, the lowering and
/// the local cloud all read a kind's fields, defaults and rules from it.
public protocol Family: CrossCheck {
  /// The kinds its keywords and host module functions declare, in the order docs list them.
  var kinds: [KindSchema] { get }
  /// The resource types its lowering makes.
  var resourceTypes: [ResourceType] { get }
  /// Adds the resources one declaration of one of its kinds asks for.
  func lower(_ declaration: Declaration, into lowering: inout Lowering)
  /// Adds the resources that need every declaration lowered first (routes between attached VPCs).
  func finish(_ lowering: inout Lowering)
  /// What the family adds to a plan after the resource changes (the mesh's "who may talk to
  /// whom"), from the plan and the `desired` resources it was made for; `topology`, when there is
  /// one, places the declarations it names.
  func planSections(for plan: Plan, desired: [Resource], topology: Topology?) -> [any PlanSection]
  /// What one declaration of `kind` expands into, a line each (`spire.agents: one agent per node …`),
  /// for its `steeple doc` page: nothing a kind makes is hidden. Empty for a kind that makes one
  /// resource of its own name.
  func expansion(of kind: String) -> [String]
}

extension Family {
  public func check(_ checker: inout TopologyChecker) {}
  public func finish(_ lowering: inout Lowering) {}
  public func planSections(for plan: Plan, desired: [Resource], topology: Topology?) -> [any PlanSection] { [] }
  public func expansion(of kind: String) -> [String] { [] }
}
