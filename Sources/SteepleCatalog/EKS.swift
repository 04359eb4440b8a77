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
  /// How many nodes a node group may run.
  public static let nodeCounts = 1...450
  /// How many nodes a node group runs when the script says nothing.
  public static let defaultNodes = 3
  /// The nodes' EC2 instance type when the script names none.
  public static let defaultInstanceType = "t3.xlarge"
  /// The prefix lengths a cluster's VPC block may have: AWS allows /16 to /28, and the six subnets
  /// need a /24 or larger.
  public static let vpcPrefixLengths = 16...24

  /// What is wrong with an EC2 instance type's name (`t3.xlarge`: a family and a size), or `nil`.
  public static func instanceTypeProblem(_ name: String) -> String? {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(\.isASCIIAlphanumeric) }) else {
      return "an instance type is a family and a size, such as t3.xlarge"
    }
    return nil
  }

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
      FieldSchema("instance_type", .string(.string), .defaultValue(.string(defaultInstanceType)), "the nodes' EC2 instance type"),
      FieldSchema("version", .string(.kubernetesVersion), .defaultValue(.string(defaultVersion)), "the Kubernetes version"),
      FieldSchema("node_role", .reference(["aws.role"]), .optional, "the IAM role the nodes (and their pods) act as"),
    ])

  public static let clusterAccess = KindSchema(
    kind: "aws.cluster_access", summary: "lets an IAM role call a cluster's Kubernetes API, as a user in groups",
    form: #"aws.cluster_access(cluster: edge, role: frontend_access, groups: ["system:masters"])"#,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster (in: works too)"),
      FieldSchema("role", .reference(["aws.role"]), .required, "the role that gets access"),
      FieldSchema("groups", .list(.string(.string)), .defaultValue(.list([])), "the Kubernetes groups the role's user is in"),
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
      ResourceType("eks.nodegroup", replaceOnChange: ["cluster"], durations: .init(create: 180, update: 300, delete: 240)),
      ResourceType("eks.access", replaceOnChange: ["cluster", "role"], durations: .init(create: 5, update: 5, delete: 5)),
    ]
  }

  // MARK: - Checks

  /// A cluster's VPC block fits its subnets, and its node role is in its account and trusts EC2.
  public func check(_ checker: inout TopologyChecker) {
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
    let name = declaration.name
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
    lowering.add(
      "eks.access", "\(cluster.name)/\(role.id.name)", Placement(account: account.name, cluster: cluster.name),
      [
        ("cluster", .string(cluster.name)), ("role", .string(role.id.name)), ("mode", declaration.value("mode")),
        ("username", .string(declaration.string("username") ?? role.name)), ("groups", declaration.value("groups")),
      ],
      dependencies: [Lowering.address("eks.cluster", cluster.name), Lowering.address("iam.role", role.id.name)],
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

  /// A Kubernetes version such as `1.31`.
  public static let kubernetesVersion = StringFormat(
    "k8s-version", title: "Kubernetes version", example: "major.minor, such as 1.31"
  ) { text in
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    return parts.count == 2 && parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) ? nil : "write major.minor, such as 1.31"
  }
}
