import SteepleSPIRE

/// The attestations of one check session: each agent pod attests once against its set's server, and
/// the checks after the first that needs it (`verify attested`, `svid`, and the chains of `mtls`,
/// `denied` and `all`) reuse how it came out. Valid while the state does not change, so a session
/// starts a new one when a check moves the modelled clock.
actor AgentAttestations {
  private struct Key: Hashable {
    var trustDomain: String
    var agents: String
    var pod: AgentPod
  }

  private var outcomes: [Key: Result<AgentAttestation, AgentAttestationFailure>] = [:]

  /// `pod` attested for real the first time; how that came out after.
  func attest(_ pod: AgentPod, with setup: SPIREAttestationSetup, cloud: LocalCloud) async throws(AgentAttestationFailure)
    -> AgentAttestation
  {
    let key = Key(trustDomain: setup.set.trustDomain, agents: setup.set.name, pod: pod)
    if let known = outcomes[key] { return try known.get() }
    let outcome: Result<AgentAttestation, AgentAttestationFailure>
    do throws(AgentAttestationFailure) {
      outcome = .success(try await setup.attest(pod, cloud: cloud))
    } catch {
      outcome = .failure(error)
    }
    outcomes[key] = outcome
    return try outcome.get()
  }
}

extension SPIREAttestationSetup {
  /// Attests `pod` for real, or asks `attestations` (which attest each pod once).
  func attest(_ pod: AgentPod, cloud: LocalCloud, remembering attestations: AgentAttestations?) async throws(AgentAttestationFailure)
    -> AgentAttestation
  {
    guard let attestations else { return try await attest(pod, cloud: cloud) }
    return try await attestations.attest(pod, with: self, cloud: cloud)
  }
}
