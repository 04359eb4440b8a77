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
}

extension Family {
  public func check(_ checker: inout TopologyChecker) {}
  public func finish(_ lowering: inout Lowering) {}
}
