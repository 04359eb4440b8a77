public import SteepleEngine

extension AWSRendering {
  /// `resources` with what a stack deploy needs made explicit: a stack deploys whole, so each of its
  /// resources depends on everything any resource of the stack depends on outside it, and on every
  /// resource of the stacks whose outputs it takes (`RenderedStack.dependsOn`). The engine then starts
  /// a stack's first resource only when the whole stack can be deployed: an attachment's stack
  /// waits for the RAM invitation to be accepted even if its VPC is ready first. Resources outside
  /// any stack are returned as they are.
  public func orderedForStacks(_ resources: [Resource]) -> [Resource] {
    var members: [String: Set<ResourceAddress>] = [:]
    for resource in resources {
      if case .stack(let name, _)? = placements[resource.address] { members[name, default: []].insert(resource.address) }
    }
    var needs: [String: Set<ResourceAddress>] = [:]
    for resource in resources {
      guard case .stack(let name, _)? = placements[resource.address] else { continue }
      needs[name, default: []].formUnion(resource.dependencies.subtracting(members[name] ?? []))
    }
    for stack in stacks {
      for earlier in stack.dependsOn { needs[stack.name, default: []].formUnion(members[earlier] ?? []) }
    }
    return resources.map { resource in
      guard case .stack(let name, _)? = placements[resource.address], let extra = needs[name] else { return resource }
      var ordered = resource
      ordered.dependencies.formUnion(extra)
      return ordered
    }
  }
}
