/// A script's desired state, deployed through one provider into one state directory: what the
/// `steeple` commands `plan`, `apply`, `destroy`, `state` and `run` do, as Swift values.
///
/// ```swift
/// let outcome = Session().run(file: "network.spire")
/// let deployment = try Deployment(topology: outcome.topology, provider: provider,
///                                 stateDirectory: ".steeple")
/// let plan = try await deployment.plan()
/// print(PlanRenderer.text(plan, sections: deployment.sections(for: plan)))
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
  /// The domain catalog whose families add sections to a plan (`sections(for:)`).
  public let catalog: Catalog

  public init(
    resources: [Resource], checks: [Check] = [], provider: any Provider, stateDirectory: String, catalog: Catalog = .standard
  ) throws(EngineError) {
    try self.init(
      resources: resources, checks: checks, topology: nil, provider: provider, stateDirectory: stateDirectory, catalog: catalog)
  }

  /// `resources` (a topology's, as a provider needs them: the aws provider orders a stack's
  /// resources together) and `checks`, deployed through `provider`; `topology` is where they were
  /// declared, for errors that point into the script.
  public init(
    resources: [Resource], checks: [Check], topology: Topology?, provider: any Provider, stateDirectory: String,
    catalog: Catalog = .standard
  ) throws(EngineError) {
    self.engine = try Engine(provider: provider, stateDirectory: stateDirectory)
    self.resources = resources
    self.checks = checks
    self.topology = topology
    self.catalog = catalog
  }

  /// The resources and checks a script's topology asks for (`DesiredState`, lowered by the
  /// families of `catalog`), deployed through `provider`. The topology should have passed its
  /// checks (`Session` runs them).
  public init(
    topology: Topology, provider: any Provider, stateDirectory: String, catalog: Catalog = .standard
  ) throws(EngineError) {
    try self.init(
      resources: DesiredState.resources(for: topology, in: catalog), checks: DesiredState.checks(for: topology), topology: topology,
      provider: provider, stateDirectory: stateDirectory, catalog: catalog)
  }

  /// Each step of `report` that failed, as an error at the declaration that asked for its resource
  /// (the declaration's name), so a provider's refusal points into the script as a check's would.
  public func diagnostics(for report: ApplyReport) -> [Diagnostic] {
    report.failed.compactMap { outcome -> Diagnostic? in
      guard case .failed(let error) = outcome.status else { return nil }
      // The error names the resource it is about (a dependency, sometimes), which may not be the step's.
      let address = error.address ?? outcome.step.address
      let origin = resources.first { $0.address == address }?.origin
        ?? resources.first { $0.address == outcome.step.address }?.origin
      let declaration = origin.flatMap { topology?[$0] }
      let about = address == outcome.step.address ? "" : " (about \(address))"
      return Diagnostic(
        code: "apply-failed", "\(outcome.step.address) failed\(about): \(error.code): \(error.message)",
        detail: "the provider refused what this declaration asks for; change it (or what it uses) and apply again",
        at: declaration?.nameRange)
    }
  }

  /// Each check of `results` that failed, as an error at its `verify` statement; with
  /// `unsupportedFail`, each check the provider could not run too, so that a run whose checks
  /// could not run does not pass for one whose checks held.
  public func diagnostics(for results: [CheckResult], unsupportedFail: Bool) -> [Diagnostic] {
    results.compactMap { result -> Diagnostic? in
      let declaration = result.check.origin.flatMap { topology?[$0] }
      let label = CheckReportRenderer.describe(result.check)
      switch result.outcome {
      case .passed: return nil
      case .failed(let reason):
        // The first line says why; lines after it (a matrix) are for the report on standard output.
        let why = reason.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? reason
        return Diagnostic(
          code: "check-failed", "\(label) failed: \(why)",
          detail: "what exists does not hold what this check asks; fix the declarations it depends on and run again",
          at: declaration?.range)
      case .unsupported(let reason):
        guard unsupportedFail else { return nil }
        return Diagnostic(
          code: "check-unsupported", "\(label) could not run: \(reason)",
          detail: "the provider cannot run this kind of check yet, so nothing was verified; "
            + "pass --allow-unsupported-checks to accept that, or remove the check",
          at: declaration?.range)
      }
    }
  }

  /// A plan error as an error at the declarations whose resources it names, so it points into the
  /// script; `nil` for other engine errors, or when no resource it names came from the script.
  public func diagnostic(for error: EngineError) -> Diagnostic? {
    guard case .plan(let planError) = error else { return nil }
    let addresses: [ResourceAddress]
    var detail = "what the script declares cannot be made in any order; change one of these declarations"
    switch planError {
    case .duplicateAddress(let address): addresses = [address]
    case .unknownDependency(let address, _): addresses = [address]
    case .dependencyCycle(let circle): addresses = circle
    case .unsupportedType(let address, _, let provider, _):
      addresses = [address]
      detail = "the \(provider) provider cannot make what this declaration asks for; remove it, or use a provider that can"
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
      detail: detail, at: first.nameRange,
      notes: declarations.dropFirst().map { .init("\($0.kind) \(ModelValue.string($0.name)) is declared here", at: $0.nameRange) })
  }

  /// What `apply` would do now.
  public func plan() async throws(EngineError) -> Plan { try await engine.plan(resources) }

  /// What the catalog's families add to `plan` after its resource changes, for `PlanRenderer`:
  /// who may talk to whom. `plan` is one of this deployment's plans (`plan()`, or an apply's; a
  /// destroy's when the deployment has no resources, as `steeple destroy`'s has): what exists is
  /// read back from it, so nothing is observed again.
  public func sections(for plan: Plan) -> [any PlanSection] {
    catalog.planSections(for: plan, desired: resources, topology: topology)
  }

  /// How `plan` changes who may talk to whom.
  public func authorization(for plan: Plan) -> AuthorizationChange {
    AuthorizationChange(plan: plan, desired: resources, topology: topology)
  }

  /// For `plan --no-new-access`: an error for each edge `plan` grants that does not hold now, at
  /// the declaration that grants it.
  public func newAccessDiagnostics(for plan: Plan) -> [Diagnostic] {
    authorization(for: plan).gained.map { entry in
      let edge = entry.edge
      let cross = edge.crossAccount ? ", across accounts" : ""
      let site = entry.cause.site
      let declaration = site.flatMap { topology?[$0.declaration] }
      let by = site.map { "\($0.declaration)" } ?? "\(entry.cause.resource)"
      return Diagnostic(
        code: "new-access",
        "the plan lets \(edge.from) reach \(edge.to) (\(edge.marking)\(cross)), which it cannot now",
        detail: "\(by) grants it: \(entry.cause.reason). --no-new-access refuses any edge that does not hold now; "
          + "if the access is meant, plan without --no-new-access and apply it",
        at: declaration?.nameRange)
    }
  }

  /// Makes what exists match the script; `progress` sees every step start and end. With
  /// `approved`, only if the plan is still that one (`EngineError.planChanged` otherwise).
  public func apply(
    options: ApplyOptions = ApplyOptions(), approved: Plan? = nil,
    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await engine.apply(resources, options: options, approved: approved, progress: progress)
  }

  /// What `destroy` would do now.
  public func destroyPlan() async throws(EngineError) -> Plan { try await engine.destroyPlan() }

  /// Deletes everything in the state, in reverse dependency order; with `approved`, only if the
  /// plan is still that one.
  public func destroy(
    options: ApplyOptions = ApplyOptions(), approved: Plan? = nil,
    progress: @escaping @Sendable (ApplyEvent) -> Void = { _ in }
  ) async throws(EngineError) -> ApplyReport {
    try await engine.destroy(options: options, approved: approved, progress: progress)
  }

  /// What exists now.
  public func state() async throws(EngineError) -> [ObservedResource] { try await engine.state() }

  /// Runs the script's checks against what exists.
  public func verify() async -> [CheckResult] { await engine.verify(checks) }
}
