import SteepleEngine
import SteepleModel
import Testing

@Suite("plan: desired against observed")
struct PlannerTests {
  typealias F = Fixtures

  /// What exists after a clean apply of `resources`.
  static func observed(_ resources: [Resource]) -> [ObservedResource] {
    resources.map {
      ObservedResource(
        address: $0.address, placement: $0.placement, attributes: $0.attributes, outputs: [],
        dependencies: $0.dependencies)
    }
  }

  @Test("everything declared and missing is a create")
  func createsWhatIsMissing() throws {
    let plan = try Planner.plan(desired: F.topology(["frontend", "backend"]), observed: [], provider: "fake")
    #expect(plan.actions.count == 8)
    #expect(plan.actions.allSatisfy { $0.kind == .create && $0.reason == "declared, does not exist" })
    #expect(plan.summary == "Plan: 8 to add, 0 to change, 0 to destroy.")
  }

  @Test("what exists as declared plans nothing")
  func noChanges() throws {
    let desired = F.topology(["frontend"])
    let plan = try Planner.plan(desired: desired, observed: Self.observed(desired), provider: "fake")
    #expect(plan.isEmpty)
    #expect(plan.summary == "No changes.")
  }

  @Test("a changed attribute changes in place, naming old and new")
  func updateInPlace() throws {
    let before = F.topology(["frontend"], nodes: 2)
    let plan = try Planner.plan(desired: F.topology(["frontend"], nodes: 3), observed: Self.observed(before), provider: "fake")
    let action = try #require(plan.actions.first)
    #expect(plan.actions.count == 1)
    #expect(action.kind == .update)
    #expect(action.reason == "nodes changed")
    #expect(action.changes == [AttributeChange(name: "nodes", old: .int(2), new: .int(3))])
    #expect(plan.summary == "Plan: 0 to add, 1 to change, 0 to destroy.")
  }

  @Test("a replace-on-change attribute replaces the resource and everything standing on it")
  func replaceCascades() throws {
    let before = F.topology(["frontend"])
    var after = before
    after[1] = F.vpc("frontend", in: "frontend", cidr: "10.9.0.0/16")
    let plan = try Planner.plan(desired: after, observed: Self.observed(before), provider: "fake")
    #expect(plan.actions.map(\.kind) == [.replace, .replace, .replace])
    let vpc = try #require(plan[F.address("ec2.vpc", "frontend")])
    #expect(vpc.reason == "cidr cannot change in place")
    #expect(vpc.changes.first { $0.name == "cidr" }?.forcesReplacement == true)
    #expect(plan[F.address("eks.cluster", "eks-frontend")]?.reason == "depends on ec2.vpc.frontend, which is replaced")
    #expect(plan.summary == "Plan: 3 to add, 0 to change, 3 to destroy.")
  }

  @Test("what exists and is no longer declared is deleted")
  func deletesUndeclared() throws {
    let before = F.topology(["frontend", "backend"])
    let plan = try Planner.plan(desired: F.topology(["frontend"]), observed: Self.observed(before), provider: "fake")
    #expect(plan.actions.count == 4)
    #expect(plan.actions.allSatisfy { $0.kind == .delete && $0.placement.account == "backend" })
    #expect(plan.actions.first?.reason == "no longer declared")
    #expect(plan.summary == "Plan: 0 to add, 0 to change, 4 to destroy.")
  }

  @Test("destroy deletes everything observed")
  func destroyPlan() {
    let plan = Planner.destroy(observed: Self.observed(F.topology(["a", "b"])), provider: "fake")
    #expect(plan.toDestroy == 8)
    #expect(plan.actions.allSatisfy { $0.reason == "destroy deletes everything" })
  }

  @Test("actions group by account and cluster, sorted by address inside a group")
  func grouping() throws {
    let plan = try Planner.plan(desired: F.topology(["frontend", "backend"]), observed: [], provider: "fake")
    #expect(plan.actions.map(\.address.description) == [
      "aws.account.backend", "ec2.vpc.backend", "eks.cluster.eks-backend", "eks.nodegroup.eks-backend/nodegroup",
      "aws.account.frontend", "ec2.vpc.frontend", "eks.cluster.eks-frontend", "eks.nodegroup.eks-frontend/nodegroup",
    ])
  }

  @Test("resources that contradict themselves are plan errors")
  func planErrors() {
    let account = F.account("a")
    #expect(throws: PlanError.duplicateAddress(account.address)) {
      try Planner.plan(desired: [account, account], observed: [], provider: "fake")
    }
    let orphan = F.vpc("v", in: "missing", cidr: "10.0.0.0/16")
    #expect(throws: PlanError.unknownDependency(orphan.address, missing: F.address("aws.account", "missing"))) {
      try Planner.plan(desired: [orphan], observed: [], provider: "fake")
    }
    var first = F.account("x")
    var second = F.account("y")
    first.dependencies = [second.address]
    second.dependencies = [first.address]
    #expect(throws: PlanError.dependencyCycle([first.address, second.address])) {
      try Planner.plan(desired: [first, second], observed: [], provider: "fake")
    }
    #expect(PlanError.dependencyCycle([first.address, second.address]).description
      == "resources depend on each other in a circle: aws.account.x -> aws.account.y -> aws.account.x")
  }
}
