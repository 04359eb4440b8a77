import Foundation
import SteepleDataPlane
import SteepleSPIRE
import Synchronization

/// The secrets of a served data plane that change as it runs: the SVID each proxy presents and the
/// bundles they trust, replaced when the agents renew an SVID or a CA rotates, so that a reload
/// (SDS's push) hands the listeners the new ones.
final class ServedSecrets: SecretSource {
  private let secrets = Mutex<(svids: [SPIFFEID: X509SVID], bundles: [TrustDomain: TrustBundle])>(([:], [:]))

  /// Replaces every SVID and bundle.
  func replace(svids: [SPIFFEID: X509SVID], bundles: [TrustDomain: TrustBundle]) {
    secrets.withLock { $0 = (svids, bundles) }
  }

  /// Puts `svid` in for its SPIFFE ID and `bundle` for its trust domain; says whether either changed.
  func update(svid: X509SVID, bundle: TrustBundle?) -> Bool {
    secrets.withLock { secrets in
      var changed = false
      if secrets.svids[svid.spiffeID]?.serialNumber != svid.serialNumber {
        secrets.svids[svid.spiffeID] = svid
        changed = true
      }
      if let bundle, secrets.bundles[bundle.trustDomain] != bundle {
        secrets.bundles[bundle.trustDomain] = bundle
        changed = true
      }
      return changed
    }
  }

  func svid(named id: SPIFFEID) throws -> X509SVID {
    guard let svid = secrets.withLock({ $0.svids[id] }) else { throw MeshSecretMissing(what: "the agents hold no current SVID for it") }
    return svid
  }

  func bundle(for trustDomain: TrustDomain) throws -> TrustBundle {
    guard let bundle = secrets.withLock({ $0.bundles[trustDomain] }) else {
      throw MeshSecretMissing(what: "no SPIRE server of \(trustDomain) was applied")
    }
    return bundle
  }
}
