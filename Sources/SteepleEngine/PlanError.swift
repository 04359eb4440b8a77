public import SteepleModel
import SteepleSyntax

/// Why a set of resources cannot be planned: the desired state contradicts itself.
///
/// These are errors in how a topology became resources (the model's checks should have caught the
/// script's own mistakes first), so they name resources, not source ranges.
public enum PlanError: Error, Hashable, Sendable, CustomStringConvertible {
  /// Two desired resources have one address.
  case duplicateAddress(ResourceAddress)
  /// A desired resource depends on one that is not desired.
  case unknownDependency(ResourceAddress, missing: ResourceAddress)
  /// Desired resources depend on each other in a circle; the addresses along it.
  case dependencyCycle([ResourceAddress])
  /// A desired resource's type is not one the provider can make: the resource, the declaration it
  /// comes from, the provider, and the types it supports.
  case unsupportedType(ResourceAddress, origin: DeclarationID?, provider: String, supported: [String])

  public var description: String {
    switch self {
    case .duplicateAddress(let address):
      return "two resources are both named \(address); each address must be unique within its type"
    case .unknownDependency(let address, let missing):
      return "\(address) depends on \(missing), which nothing declares"
    case .dependencyCycle(let addresses):
      return "resources depend on each other in a circle: "
        + (addresses + addresses.prefix(1)).map(\.description).joined(separator: " -> ")
    case .unsupportedType(let address, let origin, let provider, let supported):
      let from = origin.map { ", declared by \($0)," } ?? ""
      let near = Spelling.nearest(to: address.type, in: supported).map { " (did you mean \($0)?)" } ?? ""
      return "\(address)\(from) has the type \(address.type), which the \(provider) provider does not support\(near); "
        + "it supports \(supported.joined(separator: ", ")), so use a provider that supports it or remove the declaration"
    }
  }
}
