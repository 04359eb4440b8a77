import SteepleEngine
public import SteepleModel

/// The EKS family: `cluster` and `aws.cluster_access`, the Kubernetes versions and node group
/// defaults, and the `eks.cluster`, `eks.nodegroup` and `eks.access` resources (a cluster's VPC
/// and attachment come from the network family).
public struct EKS: Family {
  public init() {}

  // MARK: - Validation data and defaults

  /// The Kubernetes versions EKS offers (standard and extended support), oldest first.
  public static let kubernetesVersions = ["1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34"]
  /// The version a cluster runs when the script names none.
  public static let defaultVersion = "1.31"
  /// The EKS access policies an access entry can be associated with.
  public static let accessPolicies = ["AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy", "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"]
  /// How an access policy's ARN starts; the name follows.
  public static let accessPolicyARNPrefix = "arn:aws:eks::aws:cluster-access-policy/"
  /// How many nodes a node group may run.
  public static let nodeCounts = 1...450
  /// How many nodes a node group runs when the script says nothing.
  public static let defaultNodes = 3
  /// The nodes' EC2 instance type when the script names none.
  public static let defaultInstanceType = "t3.xlarge"
  /// The sizes an EC2 instance type may have after its family (`t3.` + `xlarge`).
  public static let instanceSizes = Set(["nano", "micro", "small", "medium", "large", "xlarge", "metal"])
    .union([2, 3, 4, 6, 8, 9, 10, 12, 16, 18, 24, 32, 48, 56, 64, 96, 112, 128, 192, 224].map { "\($0)xlarge" })
    .union([16, 24, 32, 48, 96, 192].map { "metal-\($0)xl" })
  /// Instance types a mistyped one was probably meant as: the common general purpose, compute and
  /// memory families in their usual sizes.
  public static let commonInstanceTypes: [String] = {
    let families = ["t3", "t3a", "t4g", "m5", "m6i", "m6g", "m7i", "m7g", "c5", "c6i", "c6g", "c7i", "c7g", "r5", "r6i", "r6g", "r7i", "r7g"]
    let sizes = ["micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"]
    return families.flatMap { family in sizes.map { "\(family).\($0)" } }
  }()

  /// What is wrong with an EC2 instance type, or `nil`: a family (a class's letters, a generation
  /// digit, then attribute letters, such as `m7gd` or `u7i-6tb`) and one of EC2's sizes.
  @Sendable public static func instanceTypeProblem(_ text: String) -> String? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2 else { return "write a family and a size, such as t3.xlarge" }
    let family = parts[0].unicodeScalars
    let familyForm =
      (family.first.map { ("a"..."z").contains($0) } ?? false) && family.contains(where: { ("0"..."9").contains($0) })
      && family.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    guard familyForm, family.count <= 12 else {
      return "the family '\(parts[0])' is not lowercase letters with a generation digit, such as t3 or m7g"
    }
    return instanceSizes.contains(String(parts[1])) ? nil : "EC2 has no size '\(parts[1])'; sizes are nano to metal, such as large or 2xlarge"
  }

  /// The prefix lengths a cluster's VPC block may have: AWS allows /16 to /28, and the six subnets
  /// need a /24 or larger.
  public static let vpcPrefixLengths = 16...24

  // MARK: - Kinds

  public static let cluster = KindSchema(
    kind: "cluster", summary: "an EKS cluster in its own VPC, with one managed node group",
    form: #"cluster "eks-cluster-frontend" in frontend { cidr: "10.20.0.0/16", network: tgw, nodes: 2 }"#,
    nameFormat: .eksClusterName,
    fields: [
      FieldSchema("account", .reference(["account"]), .required, "the account it lives in, written after 'in'"),
      FieldSchema("cidr", .string(.cidr), .required, "the VPC's IPv4 block, /16 to /24; six subnets are carved from it"),
      FieldSchema("network", .reference(["aws.transit_gateway"]), .optional, "the transit gateway the VPC attaches to"),
      FieldSchema("nodes", .int(nodeCounts), .defaultValue(.int(defaultNodes)), "how many nodes the node group runs"),
      FieldSchema("instance_type", .string(.instanceType), .defaultValue(.string(defaultInstanceType)), "the nodes' EC2 instance type"),
      FieldSchema("version", .string(.kubernetesVersion), .defaultValue(.string(defaultVersion)), "the Kubernetes version"),
      FieldSchema("node_role", .reference(["aws.role"]), .optional, "the IAM role the nodes (and their pods) act as"),
    ],
    scope: .accountWhenShared(field: "account"))

  /// The names of the clusters whose name a cluster in another account has too (EKS names are
  /// unique per account and region): `<name>@<account>`, so each has an address, a place in the
  /// cloud and a kube context of its own. Empty when every name is used once, so a script's
  /// addresses do not change until a second account uses a name.
  public static func sharedClusterNames(in topology: Topology) -> [DeclarationID: String] {
    let clusters = topology.declarations(of: "cluster")
    var accounts: [String: Set<String>] = [:]
    for cluster in clusters { accounts[cluster.name, default: []].insert(cluster.reference("account")?.name ?? "") }
    var names: [DeclarationID: String] = [:]
    for cluster in clusters where accounts[cluster.name, default: []].count > 1 {
      names[cluster.id] = qualifiedClusterName(cluster.name, account: cluster.reference("account")?.name ?? "")
    }
    return names
  }

  /// How a cluster that shares its name is written: `eks-cluster@frontend`.
  public static func qualifiedClusterName(_ name: String, account: String) -> String {
    SharedNameIdentities.qualifiedName(name, account: account)
  }

  /// The name EKS knows a cluster by: the name of `eks-cluster@frontend` is `eks-cluster`.
  public static func eksName(_ clusterName: String) -> String {
    clusterName.firstIndex(of: "@").map { String(clusterName[..<$0]) } ?? clusterName
  }

  public static let clusterAccess = KindSchema(
    kind: "aws.cluster_access", summary: "lets an IAM role call a cluster's Kubernetes API, as a user in groups",
    form: #"aws.cluster_access(cluster: edge, role: frontend_access, access_policies: ["AmazonEKSClusterAdminPolicy"])"#,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster (in: works too)"),
      FieldSchema("role", .reference(["aws.role"]), .required, "the role that gets access"),
      FieldSchema("groups", .list(.string(.string)), .defaultValue(.list([])), "the Kubernetes groups the role's user is in"),
      FieldSchema(
        "access_policies", .list(.string(.eksAccessPolicy)), .defaultValue(.list([])),
        "the EKS access policies of an access entry, cluster-wide, such as AmazonEKSClusterAdminPolicy"),
      FieldSchema(
        "mode", .choice(["access_entry", "aws_auth"]), .defaultValue(.string("access_entry")),
        "an EKS access entry, or a mapRoles entry in the aws-auth ConfigMap"),
      FieldSchema("username", .string(.string), .derived("the role's name"), "the Kubernetes user the role acts as"),
    ],
    scope: .derived(fields: ["cluster", "role"]),
    function: HostFunction(module: "aws", name: "cluster_access", takesName: false, labelAliases: ["in": "cluster"]))

  public var kinds: [KindSchema] { [Self.cluster, Self.clusterAccess] }

  // MARK: - Resource types

  /// | type | name | attributes | from |
  /// |---|---|---|---|
  /// | `eks.cluster` | cluster name | account*, vpc*, version | `cluster` |
  /// | `eks.nodegroup` | `<cluster>/nodegroup` | cluster*, nodes, instance_type, node_role (when declared) | `cluster` |
  /// | `eks.access` | `<cluster>/<account>/<role>` | cluster*, role*, mode, username, groups | `aws.cluster_access(...)` |
  ///
  /// `node_role` is the `iam.role` name, when the cluster names one.
  public var resourceTypes: [ResourceType] {
    [
      ResourceType("eks.cluster", replaceOnChange: ["account", "vpc"], durations: .init(create: 600, update: 1800, delete: 420)),
      ResourceType(
        "eks.nodegroup", replaceOnChange: ["cluster", "instance_type", "node_role"], durations: .init(create: 180, update: 300, delete: 240)),
      ResourceType("eks.access", replaceOnChange: ["cluster", "role"], durations: .init(create: 5, update: 5, delete: 5)),
    ]
  }

  // MARK: - Checks

  /// A cluster's VPC block fits its subnets, its node role is in its account and trusts EC2, and
  /// cluster access asks only what its mode can give.
  public func check(_ checker: inout TopologyChecker) {
    checkClusters(&checker)
    for access in checker.topology.declarations(of: "aws.cluster_access") { checkAccess(access, &checker) }
  }

  /// EKS keeps `system:` names for itself in access entries (rights come from access policies), and
  /// access policies exist only for access entries.
  func checkAccess(_ access: Declaration, _ checker: inout TopologyChecker) {
    let policies = access.value("access_policies")?.list ?? []
    if access.string("mode") == "access_entry" {
      let systemGroups = (access.value("groups")?.list ?? []).compactMap(\.string).filter { $0.hasPrefix("system:") }
      if let group = systemGroups.first {
        let policy = group == "system:masters" ? "AmazonEKSClusterAdminPolicy" : "AmazonEKSViewPolicy"
        checker.error(
          "system-group-in-access-entry", "an EKS access entry cannot put its user in the group \(ModelValue.string(group))",
          detail:
            "EKS keeps system: groups for itself; give rights with access_policies instead, such as access_policies: [\(ModelValue.string(policy))], or use mode: \"aws_auth\"",
          at: access.range(of: "groups"))
      }
      if let username = access.string("username"), username.hasPrefix("system:") {
        checker.error(
          "system-username-in-access-entry", "an EKS access entry cannot name its user \(ModelValue.string(username))",
          detail: "EKS keeps system: names for itself; choose another username", at: access.range(of: "username"))
      }
    } else if !policies.isEmpty {
      checker.error(
        "access-policies-need-access-entry", "access policies work only with mode: \"access_entry\"",
        detail: "an aws-auth mapping gives rights through groups; remove access_policies, or use the default access_entry mode",
        at: access.range(of: "access_policies"))
    }
  }

  func checkClusters(_ checker: inout TopologyChecker) {
    let topology = checker.topology
    for cluster in topology.declarations(of: "cluster") {
      if case .string(let cidr)? = cluster[field: "cidr"], let block = CIDRBlock(cidr), !block.hasHostBits,
        !Self.vpcPrefixLengths.contains(block.prefix)
      {
        checker.error(
          "invalid-value", "a cluster's VPC block must be /\(Self.vpcPrefixLengths.lowerBound) to /\(Self.vpcPrefixLengths.upperBound), not /\(block.prefix)",
          detail: "AWS allows VPC blocks from /16 to /28, and the cluster's six subnets need a /24 or larger", at: cluster.range(of: "cidr"))
      }
      guard let role = topology.referenced(cluster.value("node_role")), role.kind == "aws.role" else { continue }
      if let roleAccount = role.reference("account"), let account = cluster.reference("account"), roleAccount != account {
        checker.error(
          "node-role-account", "the node role of \(checker.describe(cluster)) is in \(roleAccount), not in \(account)",
          detail: "EC2 nodes can only use an instance role of their own account; declare the role in: \(account.name)",
          at: cluster.range(of: "node_role"), notes: [checker.note(role)])
      } else if !(role.value("trust")?.list ?? []).contains(.string("service:ec2.amazonaws.com")) {
        checker.error(
          "node-role-trust", "the node role of \(checker.describe(cluster)) does not trust EC2",
          detail: "nodes are EC2 instances: add \"service:ec2.amazonaws.com\" to the role's trust",
          at: cluster.range(of: "node_role"), notes: [checker.note(role)])
      }
    }
  }

  // MARK: - Lowering

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {
    switch declaration.kind {
    case "cluster": lowerCluster(declaration, into: &lowering)
    case "aws.cluster_access": lowerAccess(declaration, into: &lowering)
    default: break
    }
  }

  func lowerCluster(_ declaration: Declaration, into lowering: inout Lowering) {
    guard let account = lowering.find(declaration.reference("account"), "account") else { return }
    let name = lowering.clusterName(declaration)
    Network.lowerVPC(of: declaration, in: account, into: &lowering)
    let placement = Placement(account: account.name, cluster: name)
    lowering.add(
      "eks.cluster", name, placement,
      [("account", .string(account.name)), ("vpc", .string(name)), ("version", declaration.value("version"))],
      dependencies: [Lowering.address("ec2.vpc", name), Lowering.address("aws.account", account.name)], origin: declaration)
    let nodeRole = lowering.find(declaration.reference("node_role"), "aws.role")
    lowering.add(
      "eks.nodegroup", "\(name)/nodegroup", placement,
      [
        ("cluster", .string(name)), ("nodes", declaration.value("nodes")), ("instance_type", declaration.value("instance_type")),
        ("node_role", nodeRole.map { .string($0.id.name) }),
      ],
      dependencies: [Lowering.address("eks.cluster", name), nodeRole.map { Lowering.address("iam.role", $0.id.name) }],
      origin: declaration)
  }

  func lowerAccess(_ declaration: Declaration, into lowering: inout Lowering) {
    guard let cluster = lowering.find(declaration.reference("cluster"), "cluster"),
      let account = cluster.reference("account"),
      let role = lowering.find(declaration.reference("role"), "aws.role")
    else { return }
    let clusterName = lowering.clusterName(cluster)
    lowering.add(
      "eks.access", "\(clusterName)/\(role.id.name)", Placement(account: account.name, cluster: clusterName),
      [
        ("cluster", .string(clusterName)), ("role", .string(role.id.name)), ("mode", declaration.value("mode")),
        ("username", .string(declaration.string("username") ?? role.name)), ("groups", declaration.value("groups")),
        ("access_policies", declaration[field: "access_policies"]),
      ],
      dependencies: [Lowering.address("eks.cluster", clusterName), Lowering.address("iam.role", role.id.name)],
      origin: declaration)
  }
}

extension StringFormat {
  /// An EKS cluster name: 1 to 100 letters, digits, `-` or `_`, starting with a letter or digit.
  public static let eksClusterName = StringFormat(
    "eks-cluster-name", title: "EKS cluster name", example: "letters, digits, '-' and '_', such as eks-cluster-frontend"
  ) { text in
    if text.isEmpty || text.utf8.count > 100 { return "it must be 1 to 100 characters long" }
    guard let first = text.unicodeScalars.first, first.isASCIIAlphanumeric else { return "it must start with a letter or a digit" }
    return text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "_" })
      ? nil : "it may contain only letters, digits, '-' and '_'"
  }

  /// A Kubernetes version EKS offers, such as `1.31`.
  public static let kubernetesVersion = StringFormat(
    "k8s-version", title: "Kubernetes version", example: "a version EKS offers: \(EKS.kubernetesVersions.joined(separator: ", "))",
    candidates: EKS.kubernetesVersions
  ) { text in
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return "write major.minor, such as 1.31" }
    return EKS.kubernetesVersions.contains(text)
      ? nil : "EKS offers \(EKS.kubernetesVersions.first!) to \(EKS.kubernetesVersions.last!), not \(text)"
  }

  /// An EKS access policy, by name or ARN, such as `AmazonEKSClusterAdminPolicy`.
  public static let eksAccessPolicy = StringFormat(
    "eks-access-policy", title: "EKS access policy", example: "one of \(EKS.accessPolicies.joined(separator: ", "))",
    candidates: EKS.accessPolicies
  ) { text in
    let name = text.hasPrefix(EKS.accessPolicyARNPrefix) ? String(text.dropFirst(EKS.accessPolicyARNPrefix.count)) : text
    return EKS.accessPolicies.contains(name) ? nil : "EKS has no access policy of that name"
  }

  /// An EC2 instance type: a family and a size, such as `t3.xlarge` or `m7g.2xlarge`.
  public static let instanceType = StringFormat(
    "instance-type", title: "EC2 instance type", example: "a family and a size, such as t3.xlarge or m7g.2xlarge",
    candidates: EKS.commonInstanceTypes, rule: EKS.instanceTypeProblem)
}
