/// A script's desired state, deployed through one provider into one state directory: what the
/// `steeple` commands `plan`, `apply`, `destroy`, `state` and `run` do, as Swift values.
///
/// ```swift
/// let outcome = Session().run(file: "network.spire")
/// let deployment = try Deployment(topology: outcome.topology, provider: provider,
///                                 stateDirectory: ".steeple")
/// let plan = try await deployment.plan()
/// print(PlanRenderer.text(plan))
/// let report = try await deployment.apply(options: ApplyOptions(parallelism: 4)) { event in
///   print(ApplyProgress.line(for: event))
/// }
/// ```
///
/// Apply and destroy take the state's lock; cancel the task running them to stop early (steps in
/// flight finish or fail, the rest are skipped, and the journal lets the next apply finish the work).
public struct Deployment: Sendable {
  public let engine: Engine
  /// The resources the script wants.
  public let resources: [Resource]
  /// The checks the script's `verify` declarations ask for, in order.
  public let checks: [Check]
  /// The topology the resources come from, when they come from one: where each was declared.
  public let topology: Topology?

  public init(
    resources: [Resource], checks: [Check] = [], provider: any Provider, stateDirectory: String
  ) throws(EngineError) {
    try self.init(resources: resources, checks: checks, topology: nil, provider: provider, stateDirectory: stateDirectory)
  }

  init(
    resources: [Resource], checks: [Check], topology: Topology?, provider: any Provider, stateDirectory: String
  ) throws(EngineError) {
    self.engine = try Engine(provider: provider, stateDirectory: stateDirectory)
    self.resources = resources
    self.checks = checks
    self.topology = topology
  }

  /// The resources and checks a script's topology asks for (`DesiredState`), deployed through
  /// `provider`. The topology should have passed its checks (`Session` runs them).
  public init(topology: Topology, provider: any Provider, stateDirectory: String) throws(EngineError) {
    try self.init(
      resources: DesiredState.resources(for: topology), checks: DesiredState.checks(for: topology), topology: topology,
      provider: provider, stateDirectory: stateDirectory)
  }

  /// Each step of `report` that failed, as an error at the declaration that asked for its resource
  /// (the declaration's name), so a provider's refusal points into the script as a check's would.
  public func diagnostics(for report: ApplyReport) -> [Diagnostic] {
    report.failed.compactMap { outcome -> Diagnostic? in
      guard case .failed(let why) = outcome.status else { return nil }
      let origin = resources.first { $0.address == outcome.step.address }?.origin
      let declaration = origin.flatMap { topology?[$0] }
      return Diagnostic(
        code: "apply-failed", "\(outcome.step.address) failed: \(why)",
        detail: "the provider refused what this declaration asks for; change it (or what it uses) and apply again",
        at: declaration?.nameRange)
    }
  }

  /// A plan error as an error at the declarations whose resources it names, so it points into the
  /// script; `nil` for other engine errors, or when no resource it names came from the script.
  public func diagnostic(for error: EngineError) -> Diagnostic? {
    guard case .plan(let planError) = error else { return nil }
    let addresses: [ResourceAddress]
    switch planError {
    case .duplicateAddress(let address): addresses = [address]
    case .unknownDependency(let address, _): addresses = [address]
    case .dependencyCycle(let circle): addresses = circle
    }
    var declarations: [Declaration] = []
    for address in addresses {
      guard let origin = resources.first(where: { $0.address == address })?.origin, let declaration = topology?[origin],
        !declarations.contains(where: { $0.id == declaration.id })
      else { continue }
      declarations.append(declaration)
    }
    guard let first = declarations.first else { return nil }
    return Diagnostic(
      code: "plan-failed", planError.description,
      detail: "what the script declares cannot be made in any order; change one of these declarations",
      at: first.nameRange,
      notes: declarations.dropFirst().map { .init("\($0.kind) \(ModelValue.string($0.name)) is declared here", at: $0.nameRange) })
  }

  /// What `apply` would do now.
  public func plan() async throws(EngineError) -> Plan { try await engine.plan(resources) }

  /// Makes what exists match the script; `progress` sees every step start and end.
  public func apply(
    options: ApplyOptions = ApplyOptions(), progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await engine.apply(resources, options: options, progress: progress)
  }

  /// Deletes everything in the state, in reverse dependency order.
  public func destroy(
    options: ApplyOptions = ApplyOptions(), progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await engine.destroy(options: options, progress: progress)
  }

  /// What exists now.
  public func state() async throws(EngineError) -> [ObservedResource] { try await engine.state() }

  /// Runs the script's checks against what exists.
  public func verify() async -> [CheckResult] { await engine.verify(checks) }
}
