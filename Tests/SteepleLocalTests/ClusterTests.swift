import Foundation
import SteepleEngine
import SteepleLocal
import SteepleModel
import Testing

@Suite("EKS clusters, nodes, pods and cluster access")
struct ClusterTests {
  @Test func clustersGetEndpointsIssuersAndNodesInsideTheirVPC() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources(nodes: 3))
    let observed = try await fixture.provider.observe()
    let cluster = try #require(observed.first { $0.address == address("eks.cluster", "eks-cluster-frontend") })
    let frontendID = LocalCloud.accountID(forProfile: "frontend")
    #expect(cluster.outputs[1] == ModelField("arn", .string("arn:aws:eks:us-east-2:\(frontendID):cluster/eks-cluster-frontend")))
    let endpoint = try #require(cluster.outputs[0].value.string)
    #expect(endpoint.hasPrefix("https://") && endpoint.hasSuffix(".gr7.us-east-2.eks.amazonaws.com"))
    let issuer = try #require(cluster.outputs[2].value.string)
    #expect(issuer.hasPrefix("https://oidc.eks.us-east-2.amazonaws.com/id/"))
    #expect(try fixture.cloud.issuer(cluster: "eks-cluster-frontend").issuer == issuer)

    let nodegroup = try #require(observed.first { $0.address == address("eks.nodegroup", "eks-cluster-frontend/nodegroup") })
    let nodes = try #require(nodegroup.outputs.first?.value.list)
    #expect(nodes.count == 3)
    let vpc = try #require(CIDRBlock("10.20.0.0/16"))
    var ips = Set<String>()
    for node in nodes {
      let ip = try #require(node[field: "ip"]?.string)
      #expect(vpc.contains(try #require(CIDRBlock(ip + "/32"))))
      #expect(node[field: "name"]?.string == "ip-\(ip.replacingOccurrences(of: ".", with: "-")).us-east-2.compute.internal")
      #expect(node[field: "uid"]?.string?.count == 36)
      ips.insert(ip)
    }
    #expect(ips.count == 3)

    let pod = try #require(observed.first { $0.address == address("k8s.pod", "eks-cluster-frontend/yelb/yelb-ui") })
    let podIP = try #require(pod.outputs[field: "ip"]?.string)
    #expect(vpc.contains(try #require(CIDRBlock(podIP + "/32"))))
    #expect(!ips.contains(podIP))
    let node = try #require(pod.outputs[field: "node"]?.string)
    #expect(nodes.contains { $0[field: "name"]?.string == node })
  }

  @Test func podsWaitPendingUntilTheNodeGroupExists() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    try await fixture.createAll(resources.filter { $0.address.type != "eks.nodegroup" })
    let pending = try await fixture.provider.observe().first { $0.address.name == "eks-cluster-frontend/yelb/yelb-ui" }
    #expect(pending?.outputs[field: "ip"]?.string == "")
    try await fixture.createAll(resources.filter { $0.address.type == "eks.nodegroup" })
    let running = try await podIP(fixture, "eks-cluster-frontend/yelb/yelb-ui")
    #expect(running.hasPrefix("10.20."))
  }

  @Test func labelsChangeInPlaceButNewContainersMakeANewPod() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let name = "eks-cluster-frontend/yelb/yelb-ui"
    let before = try #require(try await fixture.provider.observe().first { $0.address.name == name })
    func pod(_ labels: String, _ containers: [String]) -> Resource {
      resource("k8s.pod", name, account: "frontend", cluster: "eks-cluster-frontend", [
        "namespace": "yelb", "service_account": "default", "labels": ModelValue.record([ModelField("app", .string(labels))]),
        "containers": containers,
      ])
    }
    let relabelled = try #require(try await fixture.provider.apply(.update(pod("ui", ["envoy", "yelb-ui"]), from: before)))
    #expect(relabelled.outputs == before.outputs)
    let replaced = try #require(try await fixture.provider.apply(.update(pod("ui", ["yelb-ui"]), from: relabelled)))
    #expect(replaced.outputs[field: "uid"] != before.outputs[field: "uid"])
  }

  @Test func kubernetesRulesForPods() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let cluster = "eks-cluster-frontend"
    func pod(_ name: String, _ attributes: KeyValuePairs<String, any AttributeValue>) -> Resource {
      resource("k8s.pod", "\(cluster)/yelb/\(name)", account: "frontend", cluster: cluster, attributes)
    }
    let missingNamespace = await fixture.failure(
      resource("k8s.pod", "\(cluster)/nowhere/p", account: "frontend", cluster: cluster, ["namespace": "nowhere", "containers": ["c"]]))
    #expect(missingNamespace?.code == "NotFound")
    #expect(missingNamespace?.message == "namespaces \"nowhere\" not found")
    let missingAccount = await fixture.failure(pod("p", ["namespace": "yelb", "service_account": "ghost", "containers": ["c"]]))
    #expect(missingAccount?.code == "Forbidden")
    #expect(
      missingAccount?.message
        == "pods \"p\" is forbidden: error looking up service account yelb/ghost: serviceaccount \"ghost\" not found")
    let noContainers = await fixture.failure(pod("p", ["namespace": "yelb"]))
    #expect(noContainers?.message == "Pod \"p\" is invalid: spec.containers: Required value")
    let duplicate = await fixture.failure(pod("p", ["namespace": "yelb", "containers": ["envoy", "envoy"]]))
    #expect(duplicate?.message == "Pod \"p\" is invalid: spec.containers[1].name: Duplicate value: \"envoy\"")
    let badName = await fixture.failure(
      resource("k8s.namespace", "\(cluster)/Bad_NS", account: "frontend", cluster: cluster, ["namespace": "Bad_NS"]))
    #expect(badName?.code == "Invalid")
    #expect(badName?.message.hasPrefix("Namespace \"Bad_NS\" is invalid: metadata.name: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label") == true)
  }

  @Test func eksRulesForClusters() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { ["aws.account", "ec2.vpc"].contains($0.address.type) })
    let unsupported = await fixture.failure(
      resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend", "version": "1.99"]))
    #expect(unsupported?.code == "InvalidParameterException")
    #expect(unsupported?.message == "unsupported Kubernetes version 1.99")
    let foreignVPC = await fixture.failure(
      resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-backend"]))
    #expect(foreignVPC?.code == "InvalidVpcID.NotFound")
    let cluster = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend", "version": "1.30"])
    let observed = try await fixture.create(cluster)
    let skip = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend", "version": "1.32"])
    let error = await #expect(throws: ProviderError.self) { _ = try await fixture.provider.apply(.update(skip, from: observed)) }
    #expect(error?.message == "Unsupported Kubernetes minor version update from 1.30 to 1.32")
    let next = resource("eks.cluster", "c", account: "frontend", cluster: "c", ["vpc": "eks-cluster-frontend", "version": "1.31"])
    let upgraded = try #require(try await fixture.provider.apply(.update(next, from: observed)))
    #expect(upgraded.outputs == observed.outputs)
    #expect(upgraded.attributes.contains(ModelField("version", .string("1.31"))))
  }

  @Test func anUnmappedRoleCallingAClusterIsUnauthorized() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    // The shared node role is trusted by the frontend's access role, but is itself mapped in no cluster.
    let node = try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-1")
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "pods", namespace: "yelb"), cluster: "eks-cluster-frontend", credentials: node)
    }
    #expect(error?.code == "Unauthorized")
    #expect(error?.message == "error: You must be logged in to the server (Unauthorized)")
    // The frontend's role is mapped in the frontend cluster, not in the backend's.
    let frontendRole = try fixture.cloud.assumeRole(
      "arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role", with: node,
      sessionName: "spire-server")
    let wrongCluster = #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "pods"), cluster: "eks-cluster-backend", credentials: frontendRole)
    }
    #expect(wrongCluster?.code == "Unauthorized")
    guard case .objects(let pods) = try fixture.cloud.clusterRequest(
      .list(resource: "pods", namespace: "yelb"), cluster: "eks-cluster-frontend", credentials: frontendRole)
    else {
      Issue.record("expected a list")
      return
    }
    #expect(pods.map(\.name) == ["yelb-ui"])
    #expect(pods.first?[field: "containers"] == .list([.string("envoy"), .string("yelb-ui")]))
    #expect(pods.first?[field: "labels"] == .record([ModelField("app", .string("yelb-ui"))]))
  }

  @Test func aMappedRoleWithoutRightsIsForbiddenInRBACsWords() async throws {
    let fixture = try CloudFixture()
    var resources = Tutorial.resources()
    let index = try #require(resources.firstIndex { $0.address.type == "eks.access" && $0.address.name.hasPrefix("eks-cluster-frontend") })
    resources[index] = resource(
      "eks.access", "eks-cluster-frontend/frontend/eks-cluster-frontend-access-role", account: "frontend", cluster: "eks-cluster-frontend",
      ["role": "frontend/eks-cluster-frontend-access-role", "mode": "access_entry", "groups": ["viewers"]])
    try await fixture.createAll(resources)
    let node = try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-1")
    let frontendID = LocalCloud.accountID(forProfile: "frontend")
    let role = try fixture.cloud.assumeRole(
      "arn:aws:iam::\(frontendID):role/eks-cluster-frontend-access-role", with: node, sessionName: "spire-server")
    let error = #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "pods", namespace: "yelb"), cluster: "eks-cluster-frontend", credentials: role)
    }
    #expect(error?.code == "Forbidden")
    #expect(
      error?.message
        == "pods is forbidden: User \"arn:aws:sts::\(frontendID):assumed-role/eks-cluster-frontend-access-role/spire-server\" cannot list resource \"pods\" in API group \"\" in the namespace \"yelb\""
    )
    let review = #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.createTokenReview(token: "x"), cluster: "eks-cluster-frontend", credentials: role)
    }
    #expect(review?.message.hasSuffix("cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope") == true)
  }

  @Test func accessEntriesCannotUseSystemGroupsButTakeAccessPolicies() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { $0.address.type != "eks.access" })
    let cluster = "eks-cluster-frontend"
    func entry(_ attributes: KeyValuePairs<String, any AttributeValue>) -> Resource {
      resource("eks.access", "\(cluster)/frontend/eks-cluster-frontend-access-role", account: "frontend", cluster: cluster, attributes)
    }
    let masters = await fixture.failure(
      entry(["role": "frontend/eks-cluster-frontend-access-role", "mode": "access_entry", "groups": ["system:masters"]]))
    #expect(masters?.code == "InvalidParameterException")
    #expect(masters?.message == "The kubernetes group name system:masters is invalid, it cannot start with system:")
    let systemUser = await fixture.failure(
      entry(["role": "frontend/eks-cluster-frontend-access-role", "mode": "access_entry", "username": "system:admin"]))
    #expect(systemUser?.message == "The username must not begin with system:")

    let node = try fixture.cloud.serviceCredentials(role: "shared/node-instance-role", service: "ec2.amazonaws.com", sessionName: "i-1")
    let roleArn = "arn:aws:iam::\(LocalCloud.accountID(forProfile: "frontend")):role/eks-cluster-frontend-access-role"
    let role = try fixture.cloud.assumeRole(roleArn, with: node, sessionName: "spire-server")
    // A view policy reads namespaced objects, not nodes.
    let view = try await fixture.create(
      entry(["role": "frontend/eks-cluster-frontend-access-role", "mode": "access_entry", "access_policies": ["AmazonEKSViewPolicy"]]))
    _ = try fixture.cloud.clusterRequest(.list(resource: "pods", namespace: "yelb"), cluster: cluster, credentials: role)
    let nodes = #expect(throws: ProviderError.self) {
      try fixture.cloud.clusterRequest(.list(resource: "nodes"), cluster: cluster, credentials: role)
    }
    #expect(nodes?.message.hasSuffix("cannot list resource \"nodes\" in API group \"\" at the cluster scope") == true)
    // The cluster admin policy (by ARN) allows everything.
    let admin = entry([
      "role": "frontend/eks-cluster-frontend-access-role", "mode": "access_entry",
      "access_policies": ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"],
    ])
    _ = try await fixture.provider.apply(.update(admin, from: view))
    _ = try fixture.cloud.clusterRequest(.list(resource: "nodes"), cluster: cluster, credentials: role)
  }

  @Test func awsAuthHasTheConfigMapsShape() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources())
    let id = LocalCloud.accountID(forProfile: "backend")
    #expect(
      try fixture.cloud.awsAuthMapRoles(cluster: "eks-cluster-backend")
        == """
        - rolearn: arn:aws:iam::\(id):role/eks-cluster-backend-access-role
          username: eks-cluster-backend-access-role
          groups:
            - system:masters

        """)
  }

  @Test func anAccessEntryNeedsAnExistingRole() async throws {
    let fixture = try CloudFixture()
    try await fixture.createAll(Tutorial.resources().filter { !["eks.access", "iam.role"].contains($0.address.type) })
    let error = await fixture.failure(
      resource("eks.access", "eks-cluster-frontend/frontend/ghost", account: "frontend", cluster: "eks-cluster-frontend", [
        "role": "frontend/ghost", "mode": "access_entry",
      ]))
    #expect(error?.code == "InvalidParameterException")
    #expect(error?.message.hasPrefix("The specified principalArn is invalid") == true)
  }

  @Test func clustersWithNodeGroupsCannotBeDeleted() async throws {
    let fixture = try CloudFixture()
    // EKS's own rule, not the ledger of what depends on what: nothing is recorded as depending on it.
    try await fixture.createAll(Tutorial.resources().filter { !["eks.access", "k8s.namespace", "k8s.service_account", "k8s.pod"].contains($0.address.type) }
      .map { $0.withoutDependency(on: address("eks.cluster", "eks-cluster-backend")) })
    let cluster = try #require(try await fixture.provider.observe().first { $0.address == address("eks.cluster", "eks-cluster-backend") })
    let error = await #expect(throws: ProviderError.self) { _ = try await fixture.provider.apply(.delete(cluster)) }
    #expect(error?.code == "ResourceInUseException")
    #expect(error?.message == "Cluster has nodegroups attached")
  }

  @Test func destroyingEverythingInReverseOrderLeavesAnEmptyCloud() async throws {
    let fixture = try CloudFixture()
    let resources = Tutorial.resources()
    try await fixture.createAll(resources)
    for resource in resources.reversed() { try await fixture.delete(resource.address) }
    #expect(try await fixture.provider.observe().isEmpty)
    // And it can be built again, with fresh IDs.
    try await fixture.createAll(resources)
    #expect(try await fixture.provider.observe().count == resources.count)
  }
}
