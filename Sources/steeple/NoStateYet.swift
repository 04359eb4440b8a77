import Steeple
import SteepleLocal

/// The local provider's view of a state directory that does not exist yet: nothing exists. `plan`
/// and `state` read it so that looking never creates `.steeple`; only `apply`, `destroy` and `run`
/// make the directory and its database.
struct NoStateYet: Provider {
  var name: String { "local" }

  var resourceTypes: Set<String> { LocalProvider.supportedTypes }

  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>) async throws -> [ObservedResource] { [] }

  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]]) async throws -> ObservedResource? {
    throw ProviderError(
      code: "NoState", message: "there is no state to change; apply makes one", address: action.address)
  }

  func check(_ check: Check) async throws -> CheckOutcome {
    .unsupported(reason: "nothing has been applied to this state yet")
  }
}
