import SteepleEngine

/// The checks of one `verify` run on the local provider. They share one reading of the applied mesh
/// (``MeshCheckRun``): each SVID chain is checked, each agent's answer for a workload found, and each
/// path between two services' pods traced once for the whole run instead of once per check. A check
/// that moves the modelled clock (`stop:`, `after:`) changes what is true, so the checks after it
/// read the state again.
actor LocalCheckSession: CheckSession {
  let provider: LocalProvider
  private var run: MeshCheckRun?
  private var attestations = AgentAttestations()

  init(provider: LocalProvider) {
    self.provider = provider
  }

  func check(_ check: Check) async throws -> CheckOutcome {
    if check.movesModelledClock {
      run = nil
      attestations = AgentAttestations()
    }
    return try await provider.check(check, in: self)
  }

  /// The run's reading of the mesh, made at the first check that needs it.
  func meshRun() async throws -> MeshCheckRun {
    if let run { return run }
    let loaded = try await MeshCheckRun.load(provider: provider, attestations: attestations)
    run = loaded
    return loaded
  }

  /// The run's attestations: each agent pod attests once.
  func agentAttestations() -> AgentAttestations { attestations }

  func close() async throws { run = nil }
}

extension Check {
  /// Whether the check stops agents or servers or moves the embedded SPIRE's clock before it looks.
  var movesModelledClock: Bool {
    !(fields[field: "stop"]?.list ?? []).isEmpty || (fields[field: "after"]?.int ?? 0) != 0
  }
}
