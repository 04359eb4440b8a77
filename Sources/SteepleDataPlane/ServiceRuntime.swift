import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SteepleSPIRE

/// One service's proxy at run time: its configuration, its current secrets (replaced on reload while
/// the listener stays bound), its listener's counters and verdicts.
final class ServiceRuntime: Sendable {
  let configuration: MeshServiceConfiguration
  let listenerCounters = CounterSet()
  let ledger = VerdictLedger()
  /// The current secrets, or why there are none (the source had no SVID for the identity).
  private let secrets: NIOLockedValueBox<Result<ProxyIdentity, SecretUnavailable>>

  init(configuration: MeshServiceConfiguration, source: any SecretSource) {
    self.configuration = configuration
    secrets = NIOLockedValueBox(Self.load(configuration.identity, from: source))
  }

  /// The secrets new connections use.
  var identity: Result<ProxyIdentity, SecretUnavailable> { secrets.withLockedValue { $0 } }

  /// Asks `source` again (SDS's push). A failure keeps the secrets it had, as Envoy keeps its last good
  /// secret, and is returned.
  func reload(from source: any SecretSource) -> SecretUnavailable? {
    let fresh = Self.load(configuration.identity, from: source)
    switch fresh {
    case .success: secrets.withLockedValue { $0 = fresh }; return nil
    case .failure(let problem):
      secrets.withLockedValue { current in if case .failure = current { current = fresh } }
      return problem
    }
  }

  private static func load(_ id: SPIFFEID, from source: any SecretSource) -> Result<ProxyIdentity, SecretUnavailable> {
    do { return .success(try ProxyIdentity(id: id, source: source)) } catch {
      return .failure(SecretUnavailable(id: id, reason: "\(error)"))
    }
  }
}
