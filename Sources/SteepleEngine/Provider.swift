public import SteepleModel

/// One change the engine asks a provider to make.
public enum Action: Hashable, Sendable, Codable {
  case create(Resource)
  /// Change in place: the resource as wanted, and the observed one it replaces.
  case update(Resource, from: ObservedResource)
  case delete(ObservedResource)

  public var address: ResourceAddress {
    switch self {
    case .create(let resource), .update(let resource, _): return resource.address
    case .delete(let observed): return observed.address
    }
  }
}

/// A check the engine asks a provider to run after apply, from a `verify` declaration.
public struct Check: Hashable, Sendable, Codable {
  /// `mtls`, `denied`, `svid`, `reachable`, ...
  public var kind: String
  public var arguments: [ModelValue]
  public var fields: [ModelField]
  public var origin: DeclarationID?
  /// How reports name the check when its arguments do not say it (`verify all`, whose arguments are
  /// every service); `nil` names it by its kind and first two arguments.
  public var label: String?

  public init(
    kind: String, arguments: [ModelValue], fields: [ModelField] = [], origin: DeclarationID? = nil, label: String? = nil
  ) {
    self.kind = kind
    self.arguments = arguments
    self.fields = fields
    self.origin = origin
    self.label = label
  }
}

/// How a check came out.
public enum CheckOutcome: Hashable, Sendable, Codable {
  case passed(detail: String)
  case failed(reason: String)
  /// The provider cannot run this kind of check (yet).
  case unsupported(reason: String)
}

/// An error a provider met, as the real service would say it: `AccessDenied`, `InvalidParameterValue`.
public struct ProviderError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
  /// The service's own error code.
  public var code: String
  public var message: String
  /// The resource the error is about, when there is one.
  public var address: ResourceAddress?

  public init(code: String, message: String, address: ResourceAddress? = nil) {
    self.code = code
    self.message = message
    self.address = address
  }

  public var description: String { "\(code): \(message)" }
}

/// A file a provider makes from a plan instead of (or before) applying it: a CloudFormation
/// template, a Kubernetes manifest.
public struct Artifact: Hashable, Sendable {
  /// Where the file belongs, relative to the folder the artifacts are written to: `network.yaml`.
  public var path: String
  public var contents: String

  public init(path: String, contents: String) {
    self.path = path
    self.contents = contents
  }
}

/// A host binding that makes a topology real: the embedded local cloud, or AWS.
///
/// The engine calls a provider only with plain values (resources, actions, checks); a provider never
/// sees interpreter values or the engine's state. What Steeple manages is the engine's to record
/// (its ledger, in the state directory), so a provider keeps no list of its own: it is asked to
/// refresh what the ledger holds, and to apply one action at a time. Calls may come from several
/// tasks at once, at most the apply's parallelism; a provider serialises what it must.
public protocol Provider: Sendable {
  /// `local`, `aws`: shown in plans and stored with the state.
  var name: String { get }

  /// The resource types this provider can make (the types a catalog's lowering makes); `plan` refuses any other.
  var resourceTypes: Set<String> { get }

  /// What exists now of `resources` (what the ledger holds): each one that still exists, with its
  /// current outputs; one left out has vanished. Attributes are returned as given, except for the
  /// resources in `unsettled` (an action on them was under way when an apply stopped): for those
  /// the provider reports the attributes as they hold now, since the ledger cannot know whether the
  /// action took effect.
  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource]

  /// Makes one change and returns what the provider assigned (IDs, ARNs, endpoints) as the
  /// resource's outputs (`nil` after a delete). `inputs` holds the outputs of the resources the
  /// action's resource depends on, by address. Applying an action whose effect already holds
  /// succeeds without doing it twice, so an interrupted apply can be resumed.
  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource?

  /// The files this provider would write for `plan` instead of applying it (CloudFormation
  /// templates, manifests); none for a provider that only applies.
  func render(_ plan: Plan) async throws -> [Artifact]

  /// What this provider managed before the engine kept the ledger (a state written by an older
  /// Steeple), for the engine to take over the first time it opens the state; none by default.
  func adoptableResources() async throws -> [ObservedResource]

  /// Runs one check against what exists.
  func check(_ check: Check) async throws -> CheckOutcome

  /// A session for the checks of one `verify` run, which may share work between them; by default
  /// each check is ``check(_:)`` on its own.
  func checkSession() async throws -> any CheckSession
}

extension Provider {
  public func render(_ plan: Plan) async throws -> [Artifact] { [] }

  public func adoptableResources() async throws -> [ObservedResource] { [] }

  public func checkSession() async throws -> any CheckSession { CheckByCheck(provider: self) }
}
