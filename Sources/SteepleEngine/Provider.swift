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

  public init(kind: String, arguments: [ModelValue], fields: [ModelField] = [], origin: DeclarationID? = nil) {
    self.kind = kind
    self.arguments = arguments
    self.fields = fields
    self.origin = origin
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

/// A host binding that makes a topology real: the embedded local cloud, or AWS.
///
/// The engine calls a provider only with plain values (resources, actions, checks); a provider never
/// sees interpreter values or the engine's state. Calls may come from several tasks at once, at most
/// the apply's parallelism; a provider serialises what it must.
public protocol Provider: Sendable {
  /// `local`, `aws`: shown in plans and stored with the state.
  var name: String { get }

  /// Everything this provider manages that exists now.
  func observe() async throws -> [ObservedResource]

  /// Makes one change and returns the resource as it now exists (`nil` after a delete). Applying an
  /// action whose effect already holds succeeds without doing it twice, so an interrupted apply can
  /// be resumed.
  func apply(_ action: Action) async throws -> ObservedResource?

  /// Runs one check against what exists.
  func check(_ check: Check) async throws -> CheckOutcome
}
