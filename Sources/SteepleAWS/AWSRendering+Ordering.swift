public import SteepleEngine

extension AWSRendering {
  /// `resources` with what a stack deploy needs made explicit: a stack deploys whole, so each of its
  /// resources depends on everything any resource of the stack depends on outside it, and on every
  /// resource of the stacks whose outputs it takes (`RenderedStack.dependsOn`). The engine then starts
  /// a stack's first resource only when the whole stack can be deployed: an attachment's stack
  /// waits for the RAM invitation to be accepted even if its VPC is ready first. A manifest's
  /// resources likewise follow those of the objects it reads values from (`objectValues`).
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
    // A manifest that reads a value from another manifest's object (a load balancer's host name)
    // applies after the resources that object belongs to.
    var holders: [String: Set<ResourceAddress>] = [:]
    for resource in resources {
      if case .manifest(_, let objects)? = placements[resource.address] {
        for object in objects { holders[object, default: []].insert(resource.address) }
      }
    }
    var inManifest: [String: Set<ResourceAddress>] = [:]
    for resource in resources {
      if case .manifest(let path, _)? = placements[resource.address] { inManifest[path, default: []].insert(resource.address) }
    }
    for manifest in manifests {
      for value in manifest.objectValues {
        // A value read from the manifest's own objects waits in apply's bounded read instead (no cycle).
        let others = (holders[value.object] ?? []).subtracting(inManifest[manifest.path] ?? [])
        needs["manifest:" + manifest.path, default: []].formUnion(others)
      }
    }
    return resources.map { resource in
      let key: String
      switch placements[resource.address] {
      case .stack(let name, _)?: key = name
      case .manifest(let path, _)?: key = "manifest:" + path
      default: return resource
      }
      guard let extra = needs[key] else { return resource }
      var ordered = resource
      ordered.dependencies.formUnion(extra.subtracting([resource.address]))
      return ordered
    }
  }
}
