/// One provider call of an apply, and the steps that must finish before it starts.
public struct ApplyStep: Hashable, Sendable, Identifiable {
  /// The step's position in its graph.
  public var id: Int
  /// What the provider is asked to do.
  public var action: Action
  /// The plan action the step carries out; a replace has two steps, a delete and then a create.
  public var planned: PlannedAction.Kind
  public var placement: Placement
  /// Steps that must finish first.
  public var dependencies: [Int]

  public var address: ResourceAddress { action.address }

  /// `creating`, `updating`, `deleting`, as progress lines say it.
  public var verb: String {
    switch action {
    case .create: return "creating"
    case .update: return "updating"
    case .delete: return "deleting"
    }
  }

  /// The plan's sign for the step: `+`, `~`, `-`, or `-/+` for both halves of a replace.
  public var symbol: String { planned.symbol }
}

/// A plan as a dependency graph of provider calls.
///
/// Creates and updates wait for the creates of what they depend on; deletes wait for the deletes of
/// what depends on them (reverse order), and for the updates of what depended on them before; a
/// replace's create waits for its own delete.
public struct ApplyGraph: Hashable, Sendable {
  public var steps: [ApplyStep]
  /// For each step, the steps that wait for it.
  public var dependents: [[Int]]

  public init(_ plan: Plan) throws(PlanError) {
    var steps: [ApplyStep] = []
    var creating: [ResourceAddress: Int] = [:]
    var deleting: [ResourceAddress: Int] = [:]
    for planned in plan.actions {
      for action in planned.providerActions {
        let id = steps.count
        steps.append(ApplyStep(id: id, action: action, planned: planned.kind, placement: planned.placement, dependencies: []))
        if case .delete = action { deleting[action.address] = id } else { creating[action.address] = id }
      }
    }
    // Who stands on each resource, from what the provider recorded when it was applied: a delete
    // of that resource waits until they are deleted, or changed so that they no longer need it.
    var standingOn: [ResourceAddress: [Int]] = [:]
    for step in steps {
      switch step.action {
      case .delete(let observed), .update(_, from: let observed):
        for dependency in observed.dependencies { standingOn[dependency, default: []].append(step.id) }
      case .create: break
      }
    }
    for index in steps.indices {
      var dependencies: Set<Int> = []
      switch steps[index].action {
      case .create(let resource), .update(let resource, _):
        for dependency in resource.dependencies {
          if let step = creating[dependency] { dependencies.insert(step) }
        }
        if let own = deleting[resource.address] { dependencies.insert(own) }
      case .delete(let observed):
        for dependent in standingOn[observed.address] ?? [] where dependent != index { dependencies.insert(dependent) }
      }
      steps[index].dependencies = dependencies.sorted()
    }
    var dependents = Array(repeating: [Int](), count: steps.count)
    for step in steps {
      for dependency in step.dependencies { dependents[dependency].append(step.id) }
    }
    if case .failure(let cycle) = DependencyOrder.sort(count: steps.count, dependencies: steps.map(\.dependencies)) {
      throw .dependencyCycle(cycle.nodes.map { steps[$0].address })
    }
    self.steps = steps
    self.dependents = dependents
  }

  /// The steps in an order where each comes after its dependencies.
  public var order: [Int] {
    (try? DependencyOrder.sort(count: steps.count, dependencies: steps.map(\.dependencies)).get()) ?? Array(steps.indices)
  }

  /// The longest chain of dependent steps, each weighted by `duration`: no apply, however
  /// parallel, can take less.
  public func criticalPath(_ duration: (Int) -> Duration) -> Duration {
    var finish = Array(repeating: Duration.zero, count: steps.count)
    var longest = Duration.zero
    for id in order {
      let start = steps[id].dependencies.map { finish[$0] }.max() ?? .zero
      finish[id] = start + duration(id)
      longest = max(longest, finish[id])
    }
    return longest
  }
}
