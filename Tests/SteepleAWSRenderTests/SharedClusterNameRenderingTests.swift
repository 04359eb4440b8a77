import Foundation
import SteepleAWS
import Testing

/// stdlib/examples/same-name-clusters.spire rendered for AWS: a cluster eks-cluster in the frontend
/// account and another in the backend account. Each has its folders and kube context as
/// `eks-cluster@<account>`, EKS knows both as `eks-cluster`, and no logical ID or placeholder of one
/// is taken for the other's, or for the tutorial's eks-cluster-frontend and eks-cluster-backend.
@Suite("Rendering clusters of one name in two accounts")
struct SharedClusterNameRenderingTests {
  static func rendering() throws -> AWSRendering {
    try RenderTestSupport.rendering(file: RenderTestSupport.packageRoot.appendingPathComponent("stdlib/examples/same-name-clusters.spire").path)
  }

  @Test("each cluster has its manifests and kube context under its account's spelling, and EKS's name")
  func manifests() throws {
    let rendering = try Self.rendering()
    for account in ["frontend", "backend"] {
      let manifests = rendering.manifests.filter { $0.cluster == "eks-cluster@\(account)" }
      #expect(manifests.map(\.path) == ["1-namespaces", "2-spire", "3-workloads"].map { "kubernetes/eks-cluster@\(account)/\($0).yaml" })
      #expect(manifests.allSatisfy { $0.eksName == "eks-cluster" && $0.access.account == account })
    }
  }

  @Test("both stacks name their cluster eks-cluster, under logical IDs of their own")
  func stacks() throws {
    let rendering = try Self.rendering()
    for (account, other) in [("frontend", "backend"), ("backend", "frontend")] {
      let stack = try RendererTests.stack(rendering, making: "eks.cluster.eks-cluster@\(account)")
      #expect(stack.access.account == account)
      let template = try RendererTests.file(rendering, stack.templatePath)
      let id = "ClusterEksClusterAt\(account.prefix(1).uppercased())\(account.dropFirst())"
      #expect(template.contains("\n  \(id):\n    Type: \"AWS::EKS::Cluster\"\n    Properties:\n      Name: eks-cluster\n"), "\(template)")
      // The tutorial's cluster of the account keeps its own ID and name beside it.
      #expect(template.contains("\n  ClusterEksCluster\(account.prefix(1).uppercased())\(account.dropFirst()):\n    Type: \"AWS::EKS::Cluster\"\n    Properties:\n      Name: eks-cluster-\(account)\n"))
      #expect(!template.contains("eks-cluster@\(other)"))
    }
  }

  @Test("the server's kubeconfigs get a token for eks-cluster as each account's access role, from that account's outputs")
  func kubeconfigs() throws {
    let rendering = try Self.rendering()
    let spire = try RendererTests.file(rendering, "kubernetes/eks-cluster-shared/2-spire.yaml")
    for account in ["Frontend", "Backend"] {
      #expect(spire.contains("{{ClusterEksClusterAt\(account)Endpoint}}"))
      #expect(spire.contains("{{Role\(account)EksClusterAccessRoleArn}}"))
    }
    #expect(spire.components(separatedBy: "- \"--cluster-name\"\n              - eks-cluster\n").count == 3)
    let ui = try RendererTests.file(rendering, "kubernetes/eks-cluster@frontend/3-workloads.yaml")
    #expect(ui.contains("{{ServiceEksClusterAtBackendYelbYelbAppserverSecondAddress}}"), "\(ui)")
  }
}
