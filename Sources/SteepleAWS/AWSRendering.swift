public import SteepleEngine

/// What the aws provider makes of a desired state without touching AWS: every file it would send
/// (CloudFormation templates, Kubernetes manifests, SPIRE configs, a README saying what to apply in
/// which order), and, for each resource, where it lives in those files.
///
/// Rendering is pure (no network, no credentials) and deterministic: the same resources give
/// byte-identical files. Driving (`--provider aws`, `--print-commands`) reads only this value, so
/// what is applied is exactly what `steeple render` shows.
public struct AWSRendering: Hashable, Sendable {
  /// CloudFormation stacks, one per account and dependency layer, in an order that deploys them
  /// (every stack after those it takes parameters from).
  public var stacks: [RenderedStack]
  /// Kubernetes manifests, per cluster, in the order they apply (namespaces and RBAC first).
  public var manifests: [RenderedManifest]
  /// Every file to write, the templates and manifests above included; paths relative to the output folder.
  public var files: [Artifact]
  /// Where each resource of the desired state is made. A resource with no entry is not made by AWS
  /// at all (the engine's own bookkeeping); the renderer says why in `notes`.
  public var placements: [ResourceAddress: ResourcePlacement]
  /// Things the user must know that no file says by itself (an invitation to accept by hand, a
  /// service that no longer exists): shown by `render` and written into the README.
  public var notes: [String]

  public init(
    stacks: [RenderedStack] = [], manifests: [RenderedManifest] = [], files: [Artifact] = [],
    placements: [ResourceAddress: ResourcePlacement] = [:], notes: [String] = []
  ) {
    self.stacks = stacks
    self.manifests = manifests
    self.files = files
    self.placements = placements
    self.notes = notes
  }
}

/// How the aws CLI reaches one declared account: its profile and region, and its ID when declared.
public struct AccountAccess: Hashable, Sendable, Codable {
  /// The account's name in the script.
  public var account: String
  /// The declared 12-digit ID, checked by the preflight (`aws sts get-caller-identity`).
  public var id: String?
  /// The AWS CLI profile the script declares; `nil` means the CLI's default credentials.
  public var profile: String?
  public var region: String

  public init(account: String, id: String?, profile: String?, region: String) {
    self.account = account
    self.id = id
    self.profile = profile
    self.region = region
  }
}

/// One CloudFormation stack: deployed with `aws cloudformation deploy` in its account.
public struct RenderedStack: Hashable, Sendable, Codable {
  /// The stack's name in its account, stable across renders: `steeple-<account>-network`.
  public var name: String
  public var access: AccountAccess
  /// 0 for stacks that need no other stack's outputs; one more than the highest layer it reads from.
  public var layer: Int
  /// The template's path among `AWSRendering.files`.
  public var templatePath: String
  /// Values the stack takes at deploy time; the driver resolves each from another stack's outputs.
  public var parameters: [StackParameter]
  /// Names of the stacks this one must follow.
  public var dependsOn: [String]
  /// Whether the template creates named IAM resources (`--capabilities CAPABILITY_NAMED_IAM`).
  public var needsNamedIAM: Bool

  public init(
    name: String, access: AccountAccess, layer: Int, templatePath: String, parameters: [StackParameter] = [],
    dependsOn: [String] = [], needsNamedIAM: Bool = false
  ) {
    self.name = name
    self.access = access
    self.layer = layer
    self.templatePath = templatePath
    self.parameters = parameters
    self.dependsOn = dependsOn
    self.needsNamedIAM = needsNamedIAM
  }
}

/// A stack parameter and where its value comes from. Cross-account values cannot use
/// CloudFormation exports (they stay in one account and region), so the driver passes them.
public struct StackParameter: Hashable, Sendable, Codable {
  public var name: String
  /// The stack whose output gives the value, and that output's key.
  public var fromStack: String
  public var output: String

  public init(name: String, fromStack: String, output: String) {
    self.name = name
    self.fromStack = fromStack
    self.output = output
  }
}

/// One manifest file for one cluster, applied with `kubectl apply --server-side`.
public struct RenderedManifest: Hashable, Sendable, Codable {
  /// The cluster's name in the script and the EKS cluster's name (for `aws eks update-kubeconfig`).
  public var cluster: String
  public var eksName: String
  public var access: AccountAccess
  /// The manifest's path among `AWSRendering.files`.
  public var path: String
  /// The Kubernetes minor version the manifest is written for (`kubernetes-validate -k`).
  public var kubernetesVersion: String
  /// Values known only once stacks are deployed (a cluster's endpoint, a role's ARN): each `name`
  /// stands in the file as `{{name}}`, which the driver replaces with the stack output before applying.
  public var parameters: [StackParameter]
  /// Values known only once other manifests are applied (the SPIRE server's load balancer): each
  /// `name` stands in the file as `{{name}}`, which the driver replaces with what `kubectl get` reads.
  public var objectValues: [ObjectValue]

  public init(
    cluster: String, eksName: String, access: AccountAccess, path: String, kubernetesVersion: String, parameters: [StackParameter] = [],
    objectValues: [ObjectValue] = []
  ) {
    self.cluster = cluster
    self.eksName = eksName
    self.access = access
    self.path = path
    self.kubernetesVersion = kubernetesVersion
    self.parameters = parameters
    self.objectValues = objectValues
  }
}

/// A value read from an applied Kubernetes object, for a `{{name}}` placeholder of a manifest:
/// `kubectl get <object> -o jsonpath=<jsonPath>` in `cluster`, once it is not empty.
public struct ObjectValue: Hashable, Sendable, Codable {
  public var name: String
  /// The cluster's name in the script (a `RenderedManifest.cluster`).
  public var cluster: String
  /// `kind/namespace/name`, as `kubectl get` names it: `service/spire/spire-server`.
  public var object: String
  public var jsonPath: String

  public init(name: String, cluster: String, object: String, jsonPath: String) {
    self.name = name
    self.cluster = cluster
    self.object = object
    self.jsonPath = jsonPath
  }
}

/// Where one resource is made on AWS.
public enum ResourcePlacement: Hashable, Sendable, Codable {
  /// A resource of a CloudFormation stack, by its logical ID there; its outputs are the stack's
  /// outputs whose keys start with the logical ID.
  case stack(name: String, logicalID: String)
  /// Objects of a Kubernetes manifest (`kind/namespace/name`, as `kubectl get` names them).
  case manifest(path: String, objects: [String])
  /// Something no template or manifest can make, done by a command of the runbook (accepting a
  /// RAM invitation, registering a SPIRE entry with `spire-server entry create`).
  case command(summary: String)
}
