/// Orders the nodes of a dependency graph so every node comes after what it depends on (Kahn's
/// algorithm), or finds a cycle.
enum DependencyOrder {
  /// `dependencies[i]` are the indices node `i` depends on. Ties keep the nodes' own order.
  static func sort(count: Int, dependencies: [[Int]]) -> Result<[Int], Cycle> {
    var remaining = dependencies.map(\.count)
    var dependents = Array(repeating: [Int](), count: count)
    for (node, edges) in dependencies.enumerated() {
      for dependency in edges { dependents[dependency].append(node) }
    }
    var order: [Int] = []
    order.reserveCapacity(count)
    var ready = (0..<count).filter { remaining[$0] == 0 }
    var next = 0
    while next < ready.count {
      let node = ready[next]
      next += 1
      order.append(node)
      for dependent in dependents[node] {
        remaining[dependent] -= 1
        if remaining[dependent] == 0 { ready.append(dependent) }
      }
    }
    if order.count == count { return .success(order) }
    return .failure(Cycle(nodes: findCycle(among: Set((0..<count).filter { remaining[$0] > 0 }), dependencies)))
  }

  struct Cycle: Error {
    /// The nodes along the cycle, each depending on the next.
    var nodes: [Int]
  }

  /// Walks dependencies inside the unsorted nodes (every one of which is on or behind a cycle)
  /// until a node repeats.
  private static func findCycle(among stuck: Set<Int>, _ dependencies: [[Int]]) -> [Int] {
    guard var node = stuck.min() else { return [] }
    var path: [Int] = []
    var position: [Int: Int] = [:]
    while position[node] == nil {
      position[node] = path.count
      path.append(node)
      guard let next = dependencies[node].filter({ stuck.contains($0) }).min() else { return path }
      node = next
    }
    return Array(path[position[node]!...])
  }
}
