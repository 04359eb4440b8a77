/// Every kind the model knows: the five keywords and the host modules' functions, as data.
public enum Schemas {
  public static let account = KindSchema(
    kind: "account", summary: "an AWS account, reached through a named profile",
    form: #"account "shared" { profile: "shared", region: "us-east-2" }"#, nameFormat: .accountName,
    fields: [
      FieldSchema("profile", .string(.string), .derived("the account's name", template: "{name}"), "the AWS CLI profile that reaches the account"),
      FieldSchema("region", .string(.region), .required, "the region its resources live in, such as us-east-2"),
      FieldSchema("id", .string(.accountID), .optional, "the 12-digit account ID, when known; the provider's must match"),
    ])

  public static let cluster = KindSchema(
    kind: "cluster", summary: "an EKS cluster in its own VPC, with one managed node group",
    form: #"cluster "eks-cluster-frontend" in frontend { cidr: "10.20.0.0/16", network: tgw, nodes: 2 }"#,
    nameFormat: .eksClusterName,
    fields: [
      FieldSchema("account", .reference(["account"]), .required, "the account it lives in, written after 'in'"),
      FieldSchema("cidr", .string(.cidr), .required, "the VPC's IPv4 block, /16 to /24; six subnets are carved from it"),
      FieldSchema("network", .reference(["aws.transit_gateway"]), .optional, "the transit gateway the VPC attaches to"),
      FieldSchema("nodes", .int(1...450), .defaultValue(.int(3)), "how many nodes the node group runs"),
      FieldSchema("instance_type", .string(.string), .defaultValue(.string("t3.xlarge")), "the nodes' EC2 instance type"),
      FieldSchema("version", .string(.kubernetesVersion), .defaultValue(.string("1.31")), "the Kubernetes version"),
      FieldSchema("node_role", .reference(["aws.role"]), .optional, "the IAM role the nodes (and their pods) act as"),
    ])

  public static let mesh = KindSchema(
    kind: "mesh", summary: "a SPIFFE trust domain that spans accounts, named by its trust domain",
    form: #"mesh "am-multi-account-mesh" { owner: shared, members: [frontend, backend], server: hub }"#,
    nameFormat: .tagName,
    fields: [
      FieldSchema("owner", .reference(["account"]), .required, "the account that owns the mesh and runs its server"),
      FieldSchema("members", .list(.reference(["account"])), .defaultValue(.list([])), "the other accounts in the mesh"),
      FieldSchema(
        "server", .oneOf([.reference(["cluster"]), .shape(spireServer)]), .optional,
        "the cluster the SPIRE server runs in, or { cluster: ..., service_account: ... }"),
      FieldSchema("agents", .list(.shape(spireAgent)), .defaultValue(.list([])), "the SPIRE agents, one per member cluster"),
    ])

  static let spireServer = [
    FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster the server runs in"),
    FieldSchema("service_account", .string(.dnsSubdomain), .defaultValue(.string("spire-server")), "the server's service account"),
  ]

  static let spireAgent = [
    FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster the agent runs on"),
    FieldSchema("name", .string(.tagName), .required, "the cluster's name in the server's k8s_psat attestor"),
    FieldSchema("service_account", .string(.dnsSubdomain), .defaultValue(.string("spire-agent")), "the agent's service account"),
  ]

  public static let entry = KindSchema(
    kind: "entry", summary: "a SPIRE registration entry: which workloads get this SPIFFE ID",
    form: #"entry "spiffe://am-multi-account-mesh/frontend" { parent: "spiffe://...", selectors: ["k8s:ns:yelb"] }"#,
    nameFormat: .spiffeID,
    fields: [
      FieldSchema("parent", .string(.spiffeID), .required, "the SPIFFE ID of the agent (or alias) that attests the workload"),
      FieldSchema("selectors", .list(.string(.string)), .required, "the selectors a workload must match, such as k8s:ns:yelb"),
      FieldSchema("ttl", .int(0...Int.max), .optional, "how long the SVIDs live, in seconds; the server's default when left out"),
    ])

  public static let verify = KindSchema(
    kind: "verify", summary: "a check that must hold once the topology is applied",
    form: #"verify mtls "yelb-ui" -> "yelb-appserver" { timeout: 30 }"#,
    fields: [
      FieldSchema("subject", .string(.string), .optional, "the workload the check starts from, written after the check's kind"),
      FieldSchema("peer", .string(.string), .optional, "the workload it reaches, written after '->'"),
      FieldSchema("timeout", .int(1...Int.max), .optional, "how long the check may take, in seconds"),
      FieldSchema("reason", .string(.string), .optional, "why the check must hold, shown when it fails"),
    ],
    scope: .derived(fields: ["subject", "peer"]), allowedNames: ["mtls", "denied", "svid", "reachable", "all"])

  public static let organization = KindSchema(
    kind: "aws.organization", summary: "an AWS Organization: accounts in it share resources without invitations",
    form: #"aws.organization("am-multi-account", accounts: [shared, frontend, backend])"#, nameFormat: .tagName,
    fields: [
      FieldSchema("accounts", .list(.reference(["account"])), .required, "the accounts in the organization"),
    ],
    function: HostFunction(module: "aws", name: "organization"))

  public static let transitGateway = KindSchema(
    kind: "aws.transit_gateway", summary: "a transit gateway owned by one account and shared with others through RAM",
    form: #"aws.transit_gateway("tgw-shared", owner: shared, share_with: [frontend, backend])"#, nameFormat: .tagName,
    fields: [
      FieldSchema("owner", .reference(["account"]), .required, "the account that owns it"),
      FieldSchema("share_with", .list(.reference(["account"])), .defaultValue(.list([])), "the accounts it is shared with"),
      FieldSchema("share_name", .string(.tagName), .derived("<name>-share", template: "{name}-share"), "the name of the RAM resource share"),
      FieldSchema("amazon_side_asn", .int(64512...65534), .defaultValue(.int(64512)), "the private ASN of the Amazon side"),
      FieldSchema(
        "auto_accept_shared_attachments", .bool, .defaultValue(.bool(true)),
        "whether attachments from the accounts it is shared with are accepted without a request"),
      FieldSchema(
        "allow_external_principals", .bool, .derived("false when every account is in the owner's organization, else true"),
        "whether the share may reach accounts outside the owner's organization"),
    ],
    function: HostFunction(module: "aws", name: "transit_gateway"))

  public static let role = KindSchema(
    kind: "aws.role", summary: "an IAM role in an account, with the principals its trust policy lets assume it",
    form: #"aws.role("eks-cluster-frontend-access-role", in: frontend, trust: [spire_nodes])"#, nameFormat: .iamRoleName,
    fields: [
      FieldSchema("account", .reference(["account"]), .required, "the account the role is in; written in:, read as .account"),
      FieldSchema(
        "trust", .list(.oneOf([.reference(["account", "aws.role"]), .string(.principal)])), .required,
        "who may assume it: accounts, roles, or \"service:<name>.amazonaws.com\""),
      FieldSchema("policies", .list(.string(.string)), .defaultValue(.list([])), "the names of the permission policies attached"),
    ],
    scope: .account(field: "account"),
    function: HostFunction(module: "aws", name: "role", labelAliases: ["in": "account"]))

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

  public static let namespace = KindSchema(
    kind: "k8s.namespace", summary: "a Kubernetes namespace in a cluster",
    form: #"k8s.namespace("yelb", in: edge)"#, nameFormat: .dnsLabel,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
    ],
    scope: .cluster(field: "cluster", namespace: nil),
    function: HostFunction(module: "k8s", name: "namespace", labelAliases: ["in": "cluster"]))

  public static let serviceAccount = KindSchema(
    kind: "k8s.service_account", summary: "a Kubernetes service account in a namespace",
    form: #"k8s.service_account("spire-agent-front", in: edge, namespace: "spire")"#, nameFormat: .dnsSubdomain,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
      FieldSchema("namespace", .string(.dnsLabel), .defaultValue(.string("default")), "the namespace; declare it with k8s.namespace"),
    ],
    scope: .cluster(field: "cluster", namespace: "namespace"),
    function: HostFunction(module: "k8s", name: "service_account", labelAliases: ["in": "cluster"]))

  public static let workload = KindSchema(
    kind: "k8s.workload", summary: "a pod in a cluster, with labels and containers",
    form: #"k8s.workload("yelb-ui", in: edge, namespace: "yelb", labels: { app: "yelb-ui" }, containers: ["envoy", "yelb-ui"])"#,
    nameFormat: .dnsSubdomain,
    fields: [
      FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster; written in:, read as .cluster"),
      FieldSchema("namespace", .string(.dnsLabel), .defaultValue(.string("default")), "the namespace; declare it with k8s.namespace"),
      FieldSchema(
        "service_account", .string(.dnsSubdomain), .defaultValue(.string("default")),
        "the service account the pod runs as; declare it with k8s.service_account"),
      FieldSchema("labels", .record(.string(.labelValue)), .defaultValue(.record([])), "the pod's labels"),
      FieldSchema("containers", .list(.string(.dnsLabel)), .required, "the names of the pod's containers"),
    ],
    scope: .cluster(field: "cluster", namespace: "namespace"),
    function: HostFunction(module: "k8s", name: "workload", labelAliases: ["in": "cluster"]))

  /// The kinds the five keywords declare.
  public static let keywords: [KindSchema] = [account, cluster, mesh, entry, verify]

  /// The kinds host module functions declare, by module.
  public static let hostKinds: [KindSchema] = [organization, transitGateway, role, clusterAccess, namespace, serviceAccount, workload]

  public static let all: [KindSchema] = keywords + hostKinds

  private static let byKind: [String: KindSchema] = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0) })

  public static func schema(for kind: String) -> KindSchema? { byKind[kind] }

  /// The host modules and their functions, in order: `aws`, then `k8s`.
  public static var modules: [(name: String, kinds: [KindSchema])] {
    var order: [String] = []
    var kinds: [String: [KindSchema]] = [:]
    for schema in hostKinds {
      guard let function = schema.function else { continue }
      if kinds[function.module] == nil { order.append(function.module) }
      kinds[function.module, default: []].append(schema)
    }
    return order.map { ($0, kinds[$0]!) }
  }

  /// A line for each host module.
  public static let moduleSummaries: [String: String] = [
    "aws": "AWS resources beyond accounts and clusters: organizations, transit gateways, roles, cluster access",
    "k8s": "Kubernetes objects inside a cluster: namespaces, service accounts, workloads",
  ]
}
