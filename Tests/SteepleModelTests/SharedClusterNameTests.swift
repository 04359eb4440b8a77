import Steeple
import SteepleCatalog
import SteepleEngine
import SteepleModel
import Testing

/// EKS names a cluster uniquely within its account and region, so two accounts may each have a
/// `cluster "eks-cluster"`. The model accepts it, the lowering writes such a cluster (and what is
/// named after it) `<name>@<account>`, and only such a cluster: every other keeps its name.
@Suite("Clusters of one name in two accounts")
struct SharedClusterNameTests {
  /// Two accounts, each with a cluster eks-cluster running a workload ui, and a cluster solo.
  static let source = #"""
    import "k8s"
    let a = account "a" { region: "us-east-2" }
    let b = account "b" { region: "us-east-2" }
    let in_a = cluster "eks-cluster" in a { cidr: "10.20.0.0/16" }
    let in_b = cluster "eks-cluster" in b { cidr: "10.30.0.0/16" }
    let solo = cluster "solo" in a { cidr: "10.40.0.0/16" }
    for home in [in_a, in_b, solo] {
      k8s.namespace("yelb", in: home)
      k8s.workload("ui", in: home, namespace: "yelb", labels: { app: "ui" }, containers: ["ui"], ports: [80])
    }

    """#

  @Test("two accounts may each have a cluster of one name")
  func accepted() throws {
    #expect(ModelTestSupport.diagnostics(Self.source) == "")
    // The model names both by their accounts, and what stands in them after them.
    let topology = try ModelTestSupport.topology(Self.source)
    #expect(topology.declarations(of: "cluster").map(\.id.name) == ["eks-cluster@a", "eks-cluster@b", "solo"])
    #expect(topology.declarations(of: "k8s.workload").map(\.id.name) == ["eks-cluster@a/yelb/ui", "eks-cluster@b/yelb/ui", "solo/yelb/ui"])
    #expect(topology.declarations(of: "k8s.workload").map { $0.reference("cluster")?.name } == ["eks-cluster@a", "eks-cluster@b", "solo"])
  }

  @Test("a second cluster of the name in the same account is declared twice, at its name, with the first in a note")
  func sameAccountRefused() {
    let source = Self.source + #"""
      cluster "eks-cluster" in b { cidr: "10.50.0.0/16" }
      cluster "solo" in a { cidr: "10.60.0.0/16" }
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:11:9: error: cluster "eks-cluster" is declared twice
       11 | cluster "eks-cluster" in b { cidr: "10.50.0.0/16" }
          |         ^~~~~~~~~~~~~
          = help: names are unique within b; rename one, or remove the second
      model.spire:5:20: note: first declared here
        5 | let in_b = cluster "eks-cluster" in b { cidr: "10.30.0.0/16" }
          |                    ^~~~~~~~~~~~~
      model.spire:12:9: error: cluster "solo" is declared twice
       12 | cluster "solo" in a { cidr: "10.60.0.0/16" }
          |         ^~~~~~
          = help: names are unique within a; rename one, or remove the second
      model.spire:6:20: note: first declared here
        6 | let solo = cluster "solo" in a { cidr: "10.40.0.0/16" }
          |                    ^~~~~~

      """#)
  }

  @Test("the shared name is written with the account in every address and attribute; the others keep theirs")
  func addresses() throws {
    let resources = DesiredState.resources(for: try ModelTestSupport.topology(Self.source))
    let clusterNamed = ["ec2.vpc", "eks.cluster", "eks.nodegroup", "k8s.namespace", "k8s.pod"]
    #expect(resources.filter { clusterNamed.contains($0.address.type) }.map(\.address.description).sorted() == [
      "ec2.vpc.eks-cluster@a", "ec2.vpc.eks-cluster@b", "ec2.vpc.solo",
      "eks.cluster.eks-cluster@a", "eks.cluster.eks-cluster@b", "eks.cluster.solo",
      "eks.nodegroup.eks-cluster@a/nodegroup", "eks.nodegroup.eks-cluster@b/nodegroup", "eks.nodegroup.solo/nodegroup",
      "k8s.namespace.eks-cluster@a/yelb", "k8s.namespace.eks-cluster@b/yelb", "k8s.namespace.solo/yelb",
      "k8s.pod.eks-cluster@a/yelb/ui", "k8s.pod.eks-cluster@b/yelb/ui", "k8s.pod.solo/yelb/ui",
    ])
    let pod = try #require(resources.first { $0.address.description == "k8s.pod.eks-cluster@b/yelb/ui" })
    #expect(pod.placement == Placement(account: "b", cluster: "eks-cluster@b"))
    #expect(pod.attributes[field: "cluster"] == .string("eks-cluster@b"))
    #expect(pod.dependencies.contains(ResourceAddress(type: "eks.nodegroup", name: "eks-cluster@b/nodegroup")))
    let cluster = try #require(resources.first { $0.address.description == "eks.cluster.eks-cluster@a" })
    #expect(cluster.attributes[field: "vpc"] == .string("eks-cluster@a"))
    #expect(cluster.attributes[field: "account"] == .string("a"))
  }

  @Test("a path with the cluster's name alone that fits both is refused with both spellings; the qualified one resolves")
  func ambiguousPath() throws {
    let ambiguous = Self.source + #"""
      verify reachable "eks-cluster/yelb/ui" -> "solo/yelb/ui"
      """#
    #expect(ModelTestSupport.diagnostics(ambiguous) == #"""
      model.spire:11:18: error: verify reachable: "eks-cluster/yelb/ui" names 2 declarations
       11 | verify reachable "eks-cluster/yelb/ui" -> "solo/yelb/ui"
          |                  ^~~~~~~~~~~~~~~~~~~~~
          = help: it names k8s.workload eks-cluster@a/yelb/ui, k8s.workload eks-cluster@b/yelb/ui; pass the handle, or write the cluster as <cluster>@<account>

      """#)
    let qualified = Self.source + #"""
      verify reachable "eks-cluster@b/yelb/ui" -> "solo/yelb/ui"
      """#
    let checks = DesiredState.checks(for: try ModelTestSupport.topology(qualified))
    #expect(checks.map(\.arguments) == [[.string("eks-cluster@b/yelb/ui"), .string("solo/yelb/ui")]])
  }

  @Test("a check's message names such a cluster with its account")
  func messagesQualify() {
    let source = Self.source + #"""
      k8s.workload("api", in: in_b, namespace: "nowhere", containers: ["api"])
      """#
    #expect(ModelTestSupport.diagnostics(source) == #"""
      model.spire:11:31: error: namespace "nowhere" is not declared in cluster "eks-cluster@b"
       11 | k8s.workload("api", in: in_b, namespace: "nowhere", containers: ["api"])
          |                               ^~~~~~~~~~~~~~~~~~~~
          = help: declare it with k8s.namespace("nowhere", in: ...)

      """#)
  }

  @Test("a handle names its own cluster's workload in the checks")
  func handlesResolve() throws {
    let source = Self.source.replacingOccurrences(
      of: "for home in [in_a, in_b, solo] {", with: "var pods = []\nfor home in [in_a, in_b, solo] {"
    ).replacingOccurrences(of: "  k8s.workload(\"ui\"", with: "  pods.append(k8s.workload(\"ui\"").replacingOccurrences(
      of: "ports: [80])\n", with: "ports: [80]))\n") + "verify reachable pods[1] -> pods[0]\n"
    let checks = DesiredState.checks(for: try ModelTestSupport.topology(source))
    #expect(checks.map(\.arguments) == [[.string("eks-cluster@b/yelb/ui"), .string("eks-cluster@a/yelb/ui")]])
  }

  @Test("in an interactive session, a cluster typed again in its account replaces it; one in another account joins it")
  func interactive() throws {
    let session = ModelTestSupport.session()
    for input in [
      #"let a = account "a" { region: "us-east-2" }"#, #"let b = account "b" { region: "us-east-2" }"#,
      #"cluster "eks-cluster" in a { cidr: "10.20.0.0/16" }"#, #"cluster "eks-cluster" in b { cidr: "10.30.0.0/16" }"#,
      #"cluster "eks-cluster" in a { cidr: "10.21.0.0/16" }"#,
    ] {
      let outcome = session.evaluate(input)
      #expect(outcome.diagnostics.isEmpty, "\(input): \(outcome.diagnostics)")
    }
    let clusters = session.topology.declarations(of: "cluster")
    #expect(clusters.map { "\($0.reference("account")?.name ?? "") \($0.string("cidr") ?? "")" } == ["a 10.21.0.0/16", "b 10.30.0.0/16"])
  }
}
