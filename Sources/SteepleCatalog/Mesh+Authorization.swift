public import SteepleEngine
public import SteepleModel

extension Mesh {
  /// The mesh's section of a plan: who may talk to whom, before and after (`AuthorizationChange`).
  public func planSections(for plan: Plan, desired: [Resource], topology: Topology?) -> [any PlanSection] {
    [AuthorizationChange(plan: plan, desired: desired, topology: topology)]
  }
}
