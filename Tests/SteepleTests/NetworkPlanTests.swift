import Foundation
import Steeple
import Testing

/// The tutorial's network (`stdlib/examples/network.spire`) planned against an empty state, through
/// the embedding API: evaluate to a topology, expand it to resources, plan, render.
@Suite("the network example's plan")
struct NetworkPlanTests {
  static func plan() throws -> Plan {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    let network = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/network.spire")
    let outcome = Session(configuration).run(file: network.path)
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    return try Planner.plan(desired: DesiredState.resources(for: outcome.topology), observed: [], provider: "local")
  }

  @Test("as text: every resource a create, grouped by account and cluster, in a stable order")
  func planText() throws {
    let text = PlanRenderer.text(try Self.plan())
    #expect(text == (try TestSupport.fixtureText("network-plan.expected")), "rendered:\n\(text)")
  }

  @Test("as a graph: the frontend and backend clusters do not wait for each other")
  func clustersIndependent() throws {
    let graph = try ApplyGraph(try Self.plan())
    func step(_ address: String) throws -> Int {
      try #require(graph.steps.first { $0.address.description == address }?.id, "no step for \(address)")
    }
    let frontend = try step("eks.cluster.eks-cluster-frontend")
    let backend = try step("eks.cluster.eks-cluster-backend")
    // Everything each one waits for, directly or not.
    func upstream(_ id: Int) -> Set<Int> {
      var seen = Set<Int>()
      var stack = graph.steps[id].dependencies
      while let next = stack.popLast() {
        if seen.insert(next).inserted { stack += graph.steps[next].dependencies }
      }
      return seen
    }
    #expect(!upstream(frontend).contains(backend))
    #expect(!upstream(backend).contains(frontend))
    #expect(upstream(frontend).contains(try step("ec2.vpc.eks-cluster-frontend")))
  }
}
