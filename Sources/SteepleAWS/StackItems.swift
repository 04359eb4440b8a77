import SteepleCatalog
import SteepleEngine

/// The CloudFormation side of the desired state: a stack item for each resource CloudFormation
/// makes (network, transit gateway and its share, IAM, EKS), and the few the renderer adds.
struct StackItems {
  let input: RenderInput

  /// The logical ID of the item that makes a resource.
  static func key(_ type: String, _ name: String) -> String {
    let clusterNamed = ["ec2.vpc", "ec2.transit_gateway_attachment", "ec2.route", "eks.cluster", "eks.nodegroup", "eks.access"]
    let name = clusterNamed.contains(type) ? idWords(ofClusterNamed: name) : name
    switch type {
    case "ec2.vpc": return CFN.logicalID("Vpc", name)
    case "ec2.transit_gateway": return CFN.logicalID("TransitGateway", name)
    case "ram.resource_share": return CFN.logicalID("ResourceShare", name)
    case "ec2.transit_gateway_attachment": return CFN.logicalID("Attachment", name)
    case "ec2.route": return CFN.logicalID("Route", name)
    case "iam.role": return CFN.logicalID("Role", name)
    case "eks.cluster": return CFN.logicalID("Cluster", name)
    case "eks.nodegroup": return CFN.logicalID("Nodegroup", name)
    case "eks.access": return CFN.logicalID("AccessEntry", name)
    default: return CFN.logicalID(type, name)
    }
  }

  /// A name that starts with a cluster's, with the cluster written for a logical ID: one that
  /// shares its name with another account's (`eks-cluster@frontend`) keeps its account as
  /// `eks-cluster-at-frontend`, so its IDs (`ClusterEksClusterAtFrontend`) stay apart from those of
  /// a cluster `eks-cluster-frontend`.
  static func idWords(ofClusterNamed name: String) -> String {
    guard let at = name.firstIndex(of: "@"), !name[..<at].contains("/") else { return name }
    return name.replacingCharacters(in: at...at, with: "-at-")
  }

  /// The key of the ECR repository of the SPIRE server's image with the aws CLI.
  static let serverImageRepository = "SpireServerImageRepository"

  /// Every item, in address order, then the added ones.
  func all() -> [StackItem] {
    var items: [StackItem] = []
    for resource in input.resources {
      switch resource.address.type {
      case "ec2.vpc": items.append(vpc(resource))
      case "ec2.transit_gateway": items.append(transitGateway(resource))
      case "ram.resource_share": items.append(resourceShare(resource))
      case "ec2.transit_gateway_attachment": items.append(attachment(resource))
      case "ec2.route": items.append(route(resource))
      case "iam.role": items.append(role(resource))
      case "eks.cluster": items.append(cluster(resource))
      case "eks.nodegroup": items.append(nodegroup(resource))
      case "eks.access" where resource.string("mode") != "aws_auth": items.append(accessEntry(resource))
      default: break
      }
    }
    items.append(contentsOf: serverAssumePolicies())
    if let repository = serverImageRepository() { items.append(repository) }
    return items
  }

  // MARK: - Network

  func vpc(_ resource: Resource) -> StackItem {
    let key = Self.key("ec2.vpc", resource.address.name)
    let name = resource.address.name
    let subnets = resource.strings("subnets")
    let publicSubnets = subnets.prefix(3).indices.map { "\(key)PublicSubnet\($0 + 1)" }
    let privateSubnets = subnets.dropFirst(3).prefix(3).indices.map { "\(key)PrivateSubnet\($0 - 2)" }
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [
        ("Id", CFN.ref(key), false),
        ("PublicSubnetIds", .list(publicSubnets.map(CFN.ref)), true),
        ("PrivateSubnetIds", .list(privateSubnets.map(CFN.ref)), true),
        ("SubnetIds", .list((publicSubnets + privateSubnets).map(CFN.ref)), true),
        ("PublicRouteTableId", CFN.ref("\(key)PublicRouteTable"), false),
        ("PrivateRouteTableId", CFN.ref("\(key)PrivateRouteTable"), false),
      ],
      makesIAM: false
    ) { _ in
      var entries: [YAMLEntry] = [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EC2::VPC",
            [
              ("CidrBlock", .string(resource.string("cidr") ?? "")), ("EnableDnsHostnames", .bool(true)),
              ("EnableDnsSupport", .bool(true)), ("Tags", CFN.tags([("Name", name)])),
            ])),
        YAMLEntry("\(key)InternetGateway", resourceNode("AWS::EC2::InternetGateway", [("Tags", CFN.tags([("Name", name)]))])),
        YAMLEntry(
          "\(key)GatewayAttachment",
          resourceNode("AWS::EC2::VPCGatewayAttachment", [("VpcId", CFN.ref(key)), ("InternetGatewayId", CFN.ref("\(key)InternetGateway"))])),
      ]
      for (index, cidr) in subnets.prefix(6).enumerated() {
        let isPublic = index < 3
        let logical = isPublic ? publicSubnets[index] : privateSubnets[index - 3]
        entries.append(
          YAMLEntry(
            logical,
            resourceNode(
              "AWS::EC2::Subnet",
              [
                ("VpcId", CFN.ref(key)), ("CidrBlock", .string(cidr)), ("AvailabilityZone", CFN.availabilityZone(index % 3)),
                ("MapPublicIpOnLaunch", isPublic ? .bool(true) : nil),
                (
                  "Tags",
                  CFN.tags([
                    ("Name", "\(name)-\(isPublic ? "public" : "private")-\(index % 3 + 1)"),
                    (isPublic ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb", "1"),
                  ])
                ),
              ])))
      }
      for side in ["Public", "Private"] {
        let table = "\(key)\(side)RouteTable"
        entries.append(
          YAMLEntry(
            table,
            resourceNode("AWS::EC2::RouteTable", [("VpcId", CFN.ref(key)), ("Tags", CFN.tags([("Name", "\(name)-\(side.lowercased())")]))])))
        for subnet in side == "Public" ? publicSubnets : privateSubnets {
          entries.append(
            YAMLEntry(
              "\(subnet)RouteTableAssociation",
              resourceNode("AWS::EC2::SubnetRouteTableAssociation", [("SubnetId", CFN.ref(subnet)), ("RouteTableId", CFN.ref(table))])))
        }
      }
      entries.append(contentsOf: [
        YAMLEntry("\(key)NatAddress", resourceNode("AWS::EC2::EIP", [("Domain", .string("vpc"))], dependsOn: ["\(key)GatewayAttachment"])),
        YAMLEntry(
          "\(key)NatGateway",
          resourceNode(
            "AWS::EC2::NatGateway",
            [
              ("AllocationId", CFN.getAtt("\(key)NatAddress", "AllocationId")), ("SubnetId", CFN.ref(publicSubnets.first ?? "")),
              ("Tags", CFN.tags([("Name", name)])),
            ])),
        YAMLEntry(
          "\(key)PublicDefaultRoute",
          resourceNode(
            "AWS::EC2::Route",
            [
              ("RouteTableId", CFN.ref("\(key)PublicRouteTable")), ("DestinationCidrBlock", .string("0.0.0.0/0")),
              ("GatewayId", CFN.ref("\(key)InternetGateway")),
            ], dependsOn: ["\(key)GatewayAttachment"])),
        YAMLEntry(
          "\(key)PrivateDefaultRoute",
          resourceNode(
            "AWS::EC2::Route",
            [
              ("RouteTableId", CFN.ref("\(key)PrivateRouteTable")), ("DestinationCidrBlock", .string("0.0.0.0/0")),
              ("NatGatewayId", CFN.ref("\(key)NatGateway")),
            ])),
      ])
      return entries
    }
  }

  func transitGateway(_ resource: Resource) -> StackItem {
    let key = Self.key("ec2.transit_gateway", resource.address.name)
    let name = resource.address.name
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [
        ("Id", CFN.ref(key), false),
        ("Arn", CFN.sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:transit-gateway/${\(key)}"), false),
      ],
      makesIAM: false
    ) { _ in
      let autoAccept = resource.bool("auto_accept_shared_attachments") ?? Network.defaultAutoAcceptSharedAttachments
      return [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EC2::TransitGateway",
            [
              ("Description", .string("\(name): the network the clusters of the trust domain share")),
              ("AmazonSideAsn", .int(resource.int("amazon_side_asn") ?? Network.defaultAmazonSideASN)),
              ("AutoAcceptSharedAttachments", .string(autoAccept ? "enable" : "disable")),
              ("DefaultRouteTableAssociation", .string("enable")), ("DefaultRouteTablePropagation", .string("enable")),
              ("DnsSupport", .string("enable")), ("Tags", CFN.tags([("Name", name)])),
            ]))
      ]
    }
  }

  func resourceShare(_ resource: Resource) -> StackItem {
    let key = Self.key("ram.resource_share", resource.address.name)
    let gateways = resource.strings("resources")
    let principals = resource.strings("principals")
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [("Arn", CFN.ref(key), false)], makesIAM: false
    ) { context in
      let arns = gateways.map { context.value(Self.key("ec2.transit_gateway", $0), "Arn") }
      let accounts = principals.map { context.accountID($0) }
      return [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::RAM::ResourceShare",
            [
              ("Name", .string(resource.address.name)), ("ResourceArns", .list(arns)), ("Principals", .list(accounts)),
              ("AllowExternalPrincipals", .bool(resource.bool("allow_external_principals") ?? true)),
            ]))
      ]
    }
  }

  func attachment(_ resource: Resource) -> StackItem {
    let name = resource.address.name
    let key = Self.key("ec2.transit_gateway_attachment", name)
    let vpc = Self.key("ec2.vpc", resource.string("vpc") ?? name)
    let gateway = Self.key("ec2.transit_gateway", resource.string("transit_gateway") ?? "")
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [("Id", CFN.ref(key), false)], makesIAM: false
    ) { context in
      [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EC2::TransitGatewayAttachment",
            [
              ("TransitGatewayId", context.value(gateway, "Id")), ("VpcId", context.value(vpc, "Id")),
              ("SubnetIds", context.value(vpc, "PrivateSubnetIds")), ("Tags", CFN.tags([("Name", name)])),
            ]))
      ]
    }
  }

  /// A VPC's route to the other networks on its gateway, from both its route tables, and the
  /// cluster's security group opened to them (agents reach the server, proxies their peers).
  func route(_ resource: Resource) -> StackItem {
    let key = Self.key("ec2.route", resource.address.name)
    let vpcName = resource.string("vpc") ?? ""
    let vpc = Self.key("ec2.vpc", vpcName)
    let attachment = Self.key("ec2.transit_gateway_attachment", vpcName)
    let gateway = Self.key("ec2.transit_gateway", resource.string("transit_gateway") ?? "")
    let destination = resource.string("destination") ?? ""
    let cluster = input.all("eks.cluster").first { $0.string("vpc") == vpcName }
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address,
      dependencies: cluster.map { [.resource($0.address)] } ?? [], exposed: [], makesIAM: false
    ) { context in
      let sameStackAttachment = context.stackOf[attachment] == context.stack ? [attachment] : []
      var entries = [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EC2::Route",
            [
              ("RouteTableId", context.value(vpc, "PrivateRouteTableId")), ("DestinationCidrBlock", .string(destination)),
              ("TransitGatewayId", context.value(gateway, "Id")),
            ], dependsOn: sameStackAttachment)),
        YAMLEntry(
          "\(key)Public",
          resourceNode(
            "AWS::EC2::Route",
            [
              ("RouteTableId", context.value(vpc, "PublicRouteTableId")), ("DestinationCidrBlock", .string(destination)),
              ("TransitGatewayId", context.value(gateway, "Id")),
            ], dependsOn: sameStackAttachment)),
      ]
      if let cluster {
        entries.append(
          YAMLEntry(
            "\(key)Ingress",
            resourceNode(
              "AWS::EC2::SecurityGroupIngress",
              [
                ("GroupId", context.value(Self.key("eks.cluster", cluster.address.name), "SecurityGroupId")),
                ("IpProtocol", .string("-1")), ("CidrIp", .string(destination)),
                ("Description", .string("the other networks on \(resource.string("transit_gateway") ?? "the gateway")")),
              ])))
      }
      return entries
    }
  }

  // MARK: - IAM

  /// AWS managed policies are named by AWS (`Amazon…`, `AWS…`); any other name is the account's own.
  static func isAWSManaged(_ policy: String) -> Bool { policy.hasPrefix("Amazon") || policy.hasPrefix("AWS") }

  /// The roles the SPIRE servers run as, with the access roles each assumes to review tokens.
  func serverRoles() -> [(role: String, assumes: [String])] {
    var found: [String: [String]] = [:]
    for server in input.all("spire.server") {
      guard let role = server.string("role") else { continue }
      let trustDomain = server.string("trust_domain")
      let assumed = input.all("spire.psat_cluster").filter { $0.string("trust_domain") == trustDomain }.compactMap { $0.string("api_role") }
      found[role, default: []].append(contentsOf: assumed.filter { $0 != role })
    }
    return found.keys.sorted().map { role in (role, Array(Set(found[role]!)).sorted()) }
  }

  func role(_ resource: Resource) -> StackItem {
    let key = Self.key("iam.role", resource.address.name)
    let isServerRole = serverRoles().contains { $0.role == resource.address.name }
    var own = resource.strings("policies").filter { !Self.isAWSManaged($0) }
    // The server's own policy is the AssumeRole policy the renderer writes (StackItems.serverAssumePolicies).
    if isServerRole, !own.isEmpty { own.removeFirst() }
    let managed = resource.strings("policies").filter(Self.isAWSManaged)
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [("Arn", CFN.getAtt(key, "Arn"), false), ("Name", CFN.ref(key), false)], makesIAM: true
    ) { context in
      var services: [String] = []
      var principals: [YAMLNode] = []
      for principal in resource.strings("trust") {
        if principal.hasPrefix("service:") {
          services.append(String(principal.dropFirst("service:".count)))
        } else if principal.hasPrefix("role:") {
          principals.append(context.value(Self.key("iam.role", String(principal.dropFirst("role:".count))), "Arn"))
        } else if principal.hasPrefix("account:") {
          let id = context.accountID(String(principal.dropFirst("account:".count)))
          principals.append(.map([YAMLEntry("Fn::Join", .list([.string(""), .list([CFN.sub("arn:${AWS::Partition}:iam::"), id, .string(":root")])]))]))
        }
      }
      var statements: [YAMLNode] = []
      if !services.isEmpty {
        statements.append(
          .object([
            ("Effect", .string("Allow")), ("Principal", .object([("Service", .strings(services))])),
            ("Action", .string("sts:AssumeRole")),
          ]))
      }
      if !principals.isEmpty {
        statements.append(
          .object([("Effect", .string("Allow")), ("Principal", .object([("AWS", .list(principals))])), ("Action", .string("sts:AssumeRole"))]))
      }
      let arns = managed.map(CFN.managedPolicy) + own.map { CFN.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/\($0)") }
      return [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::IAM::Role",
            [
              ("RoleName", .string(resource.string("role_name") ?? resource.address.name)),
              ("AssumeRolePolicyDocument", CFN.policyDocument(statements)),
              ("ManagedPolicyArns", arns.isEmpty ? nil : .list(arns)),
            ]))
      ]
    }
  }

  /// For each SPIRE server role that reviews tokens in other clusters, the policy that lets it
  /// assume their access roles; named as the role's first policy that is not AWS managed (the
  /// tutorial's `front-back-assume-role-policy`), else `spire-server-assume-access-roles`. It is
  /// its own item, since those roles are made after the server's role, which they trust.
  func serverAssumePolicies() -> [StackItem] {
    serverRoles().compactMap { server -> StackItem? in
      guard !server.assumes.isEmpty, let role = input["iam.role", server.role] else { return nil }
      let roleKey = Self.key("iam.role", server.role)
      let key = roleKey + "AssumeAccessRoles"
      let name = role.strings("policies").first { !Self.isAWSManaged($0) } ?? "spire-server-assume-access-roles"
      return StackItem(
        key: key, account: role.string("account") ?? "", resource: nil,
        dependencies: [.resource(role.address)] + server.assumes.map { .resource(ResourceAddress(type: "iam.role", name: $0)) },
        exposed: [], makesIAM: true
      ) { context in
        let targets = server.assumes.map { context.value(Self.key("iam.role", $0), "Arn") }
        return [
          YAMLEntry(
            key,
            resourceNode(
              "AWS::IAM::Policy",
              [
                ("PolicyName", .string(name)), ("Roles", .list([context.value(roleKey, "Name")])),
                (
                  "PolicyDocument",
                  CFN.policyDocument([.object([("Effect", .string("Allow")), ("Action", .string("sts:AssumeRole")), ("Resource", .list(targets))])])
                ),
              ]))
        ]
      }
    }
  }

  // MARK: - EKS

  func cluster(_ resource: Resource) -> StackItem {
    let name = resource.address.name
    let key = Self.key("eks.cluster", name)
    let vpc = Self.key("ec2.vpc", resource.string("vpc") ?? name)
    return StackItem(
      key: key, account: resource.string("account") ?? "", resource: resource.address, dependencies: [],
      exposed: [
        ("Name", CFN.ref(key), false), ("Arn", CFN.getAtt(key, "Arn"), false), ("Endpoint", CFN.getAtt(key, "Endpoint"), false),
        ("CertificateAuthorityData", CFN.getAtt(key, "CertificateAuthorityData"), false),
        ("SecurityGroupId", CFN.getAtt(key, "ClusterSecurityGroupId"), false),
      ],
      makesIAM: true
    ) { context in
      [
        YAMLEntry(
          "\(key)ServiceRole",
          resourceNode(
            "AWS::IAM::Role",
            [
              ("AssumeRolePolicyDocument", CFN.serviceTrust("eks.amazonaws.com")),
              ("ManagedPolicyArns", .list([CFN.managedPolicy("AmazonEKSClusterPolicy")])),
            ])),
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EKS::Cluster",
            [
              ("Name", .string(EKS.eksName(name))), ("Version", resource.string("version").map(YAMLNode.string)),
              ("RoleArn", CFN.getAtt("\(key)ServiceRole", "Arn")),
              (
                "ResourcesVpcConfig",
                .object([
                  ("SubnetIds", context.value(vpc, "SubnetIds")), ("EndpointPublicAccess", .bool(true)),
                  ("EndpointPrivateAccess", .bool(true)),
                ])
              ),
              (
                "AccessConfig",
                .object([("AuthenticationMode", .string("API_AND_CONFIG_MAP")), ("BootstrapClusterCreatorAdminPermissions", .bool(true))])
              ),
            ])),
      ]
    }
  }

  func nodegroup(_ resource: Resource) -> StackItem {
    let clusterName = resource.string("cluster") ?? ""
    let key = Self.key("eks.nodegroup", resource.address.name)
    let cluster = Self.key("eks.cluster", clusterName)
    let vpc = Self.key("ec2.vpc", input["eks.cluster", clusterName]?.string("vpc") ?? clusterName)
    let declaredRole = resource.string("node_role")
    let nodes = resource.int("nodes") ?? EKS.defaultNodes
    return StackItem(
      key: key, account: input.account(ofCluster: clusterName) ?? resource.placement.account ?? "", resource: resource.address,
      dependencies: [], exposed: [("Arn", CFN.getAtt(key, "Arn"), false)], makesIAM: declaredRole == nil
    ) { context in
      var entries: [YAMLEntry] = []
      let nodeRole: YAMLNode
      if let declaredRole {
        nodeRole = context.value(Self.key("iam.role", declaredRole), "Arn")
      } else {
        nodeRole = CFN.getAtt("\(key)Role", "Arn")
        entries.append(
          YAMLEntry(
            "\(key)Role",
            resourceNode(
              "AWS::IAM::Role",
              [
                ("AssumeRolePolicyDocument", CFN.serviceTrust("ec2.amazonaws.com")),
                (
                  "ManagedPolicyArns",
                  .list(["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"].map(CFN.managedPolicy))
                ),
              ])))
      }
      entries.append(
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EKS::Nodegroup",
            [
              ("ClusterName", context.value(cluster, "Name")), ("NodegroupName", .string("nodegroup")), ("NodeRole", nodeRole),
              ("Subnets", context.value(vpc, "PrivateSubnetIds")),
              ("ScalingConfig", .object([("MinSize", .int(nodes)), ("DesiredSize", .int(nodes)), ("MaxSize", .int(nodes))])),
              ("InstanceTypes", .strings([resource.string("instance_type") ?? EKS.defaultInstanceType])),
            ])))
      return entries
    }
  }

  func accessEntry(_ resource: Resource) -> StackItem {
    let clusterName = resource.string("cluster") ?? ""
    let key = Self.key("eks.access", resource.address.name)
    let role = Self.key("iam.role", resource.string("role") ?? "")
    return StackItem(
      key: key, account: input.account(ofCluster: clusterName) ?? resource.placement.account ?? "", resource: resource.address,
      dependencies: [], exposed: [("Arn", CFN.getAtt(key, "AccessEntryArn"), false)], makesIAM: false
    ) { context in
      let policies = resource.strings("access_policies").map { policy -> YAMLNode in
        let arn = policy.hasPrefix(EKS.accessPolicyARNPrefix) ? policy : EKS.accessPolicyARNPrefix + policy
        return .object([("PolicyArn", .string(arn)), ("AccessScope", .object([("Type", .string("cluster"))]))])
      }
      let groups = resource.strings("groups")
      return [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::EKS::AccessEntry",
            [
              ("ClusterName", context.value(Self.key("eks.cluster", clusterName), "Name")), ("PrincipalArn", context.value(role, "Arn")),
              ("Type", .string("STANDARD")), ("Username", resource.string("username").map(YAMLNode.string)),
              ("KubernetesGroups", groups.isEmpty ? nil : .strings(groups)), ("AccessPolicies", policies.isEmpty ? nil : .list(policies)),
            ]))
      ]
    }
  }

  // MARK: - The SPIRE server's image

  /// The clusters whose agents a server attests through a kubeconfig (another cluster than its own).
  func remotePSATClusters() -> [Resource] {
    input.all("spire.psat_cluster").filter { psat in
      let server = input.all("spire.server").first { $0.string("trust_domain") == psat.string("trust_domain") }
      return server?.string("cluster") != psat.string("cluster")
    }
  }

  /// An ECR repository for the SPIRE server image with the aws CLI (`aws eks get-token` in its
  /// kubeconfigs; the official image has neither a shell nor the CLI), when a server needs one.
  func serverImageRepository() -> StackItem? {
    guard let psat = remotePSATClusters().first,
      let server = input.all("spire.server").first(where: { $0.string("trust_domain") == psat.string("trust_domain") }),
      let account = server.placement.account
    else { return nil }
    let key = Self.serverImageRepository
    return StackItem(
      key: key, account: account, resource: nil, dependencies: [.resource(ResourceAddress(type: "aws.account", name: account))],
      exposed: [("Uri", CFN.getAtt(key, "RepositoryUri"), false)], makesIAM: false
    ) { _ in
      [
        YAMLEntry(
          key,
          resourceNode(
            "AWS::ECR::Repository",
            [
              ("RepositoryName", .string(AWSRenderer.serverImageName)),
              ("ImageScanningConfiguration", .object([("ScanOnPush", .bool(true))])),
            ]))
      ]
    }
  }
}

/// A template resource: its type, properties (those `nil` left out) and what it must follow.
func resourceNode(_ type: String, _ properties: [(String, YAMLNode?)], dependsOn: [String] = []) -> YAMLNode {
  .object([
    ("Type", .string(type)), ("DependsOn", dependsOn.isEmpty ? nil : .strings(dependsOn)), ("Properties", .object(properties)),
  ])
}
