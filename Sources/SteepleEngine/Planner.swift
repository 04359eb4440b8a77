/// Compares what the script wants with what a provider observes and says what must change.
public enum Planner {
  /// The plan that turns `observed` into `desired`.
  ///
  /// A resource that is declared and missing is created; one that exists and differs changes in
  /// place, or is replaced when a replace-on-change attribute differs; one that exists and is not
  /// declared is deleted. When a resource is replaced, every existing resource that depends on it
  /// is replaced too, since it cannot outlive what it stands on. `deleteReason` is what a delete
  /// says (destroy says why it deletes everything).
  public static func plan(
    desired: [Resource], observed: [ObservedResource], provider: String,
    deleteReason: String = "no longer declared"
  ) throws(PlanError) -> Plan {
    var index: [ResourceAddress: Int] = [:]
    index.reserveCapacity(desired.count)
    for (position, resource) in desired.enumerated() {
      guard index.updateValue(position, forKey: resource.address) == nil else {
        throw .duplicateAddress(resource.address)
      }
    }
    var dependencies = Array(repeating: [Int](), count: desired.count)
    for (position, resource) in desired.enumerated() {
      for dependency in resource.dependencies.sorted() {
        guard let target = index[dependency] else { throw .unknownDependency(resource.address, missing: dependency) }
        dependencies[position].append(target)
      }
    }
    let order: [Int]
    switch DependencyOrder.sort(count: desired.count, dependencies: dependencies) {
    case .success(let sorted): order = sorted
    case .failure(let cycle): throw .dependencyCycle(cycle.nodes.map { desired[$0].address })
    }

    var existing: [ResourceAddress: ObservedResource] = [:]
    existing.reserveCapacity(observed.count)
    for resource in observed { existing[resource.address] = resource }

    var actions: [PlannedAction] = []
    var replaced = Array(repeating: false, count: desired.count)
    // In dependency order, so a replaced dependency is known before its dependents are planned.
    for position in order {
      let resource = desired[position]
      guard let current = existing[resource.address] else {
        actions.append(PlannedAction(
          kind: .create, address: resource.address, placement: resource.placement, desired: resource, observed: nil,
          changes: AttributeChange.between(old: [], new: resource.attributes), reason: "declared, does not exist"))
        continue
      }
      let changes = AttributeChange.between(
        old: current.attributes, new: resource.attributes, replaceOnChange: resource.replaceOnChange)
      let forcing = changes.filter(\.forcesReplacement).map(\.name)
      let replacedDependency = dependencies[position].first { replaced[$0] }.map { desired[$0].address }
      if !forcing.isEmpty || replacedDependency != nil {
        replaced[position] = true
        let reason = forcing.isEmpty
          ? "depends on \(replacedDependency!), which is replaced"
          : "\(list(forcing)) cannot change in place"
        actions.append(PlannedAction(
          kind: .replace, address: resource.address, placement: resource.placement, desired: resource,
          observed: current, changes: changes, reason: reason))
      } else if !changes.isEmpty || current.placement != resource.placement {
        let reason = changes.isEmpty ? "placement changed" : "\(list(changes.map(\.name))) changed"
        actions.append(PlannedAction(
          kind: .update, address: resource.address, placement: resource.placement, desired: resource,
          observed: current, changes: changes, reason: reason))
      }
    }
    for resource in observed where index[resource.address] == nil {
      actions.append(PlannedAction(
        kind: .delete, address: resource.address, placement: resource.placement, desired: nil, observed: resource,
        changes: AttributeChange.between(old: resource.attributes, new: []), reason: deleteReason))
    }
    return Plan(actions: actions, provider: provider)
  }

  /// The plan that deletes everything observed.
  public static func destroy(observed: [ObservedResource], provider: String) -> Plan {
    // Nothing is desired, so nothing can be a duplicate, a missing dependency or a cycle.
    (try? plan(desired: [], observed: observed, provider: provider, deleteReason: "destroy deletes everything"))
      ?? Plan(actions: [], provider: provider)
  }

  private static func list(_ names: [String]) -> String {
    switch names.count {
    case 0: return ""
    case 1: return names[0]
    default: return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
  }
}
