public import SteepleEngine
public import SteepleModel
import enum SteepleSyntax.Spelling

/// `verify`'s operands resolved against the topology, the checks that can never pass, and the
/// engine's `Check`s the declarations lower to.
extension Mesh {
  /// What a `verify` operand names.
  enum Operand {
    case service(MeshPolicy.Policy.Service)
    case workload(Declaration)
    case agents(Declaration)
    /// A `reachable` endpoint written as a string: an address or a pod, which the provider resolves.
    case endpoint(String)
  }

  /// Why an operand names nothing the check can use.
  struct OperandProblem: Error {
    let code: String
    let summary: String
    let detail: String
    var suggestion: String?
  }

  /// How many operands each check takes.
  static func operandCount(_ check: String) -> Int {
    switch check {
    case "all": return 0
    case "attested", "svid": return 1
    default: return 2
    }
  }

  /// Resolves one operand of a `check`.
  static func resolve(_ value: ModelValue, for check: String, _ policy: MeshPolicy.Policy) -> Result<Operand, OperandProblem> {
    let topology = policy.topology
    let wanted: String
    switch check {
    case "attested": wanted = "a spire.agents"
    case "svid": wanted = "a mesh.service or k8s.workload"
    case "reachable": wanted = "a k8s.workload, a mesh.service, an address or a pod"
    default: wanted = "a mesh.service"
    }
    func wrong(_ what: String) -> Result<Operand, OperandProblem> {
      .failure(.init(
        code: "wrong-check-operand", summary: "verify \(check) takes \(wanted), not \(what)",
        detail: "write verify \(check) \(operandExample(check))"))
    }
    if case .reference(let id) = value {
      switch id.kind {
      case "mesh.service":
        guard let service = policy.service(id) else { return wrong(id.description) }
        return check == "attested" ? wrong(id.description) : .success(.service(service))
      case "k8s.workload":
        guard let workload = topology[id], check != "attested" else { return wrong(id.description) }
        if check == "mtls" || check == "denied" { return serviceInFront(of: workload, for: check, policy) }
        return .success(.workload(workload))
      case "spire.agents":
        guard check == "attested", let agents = topology[id] else { return wrong(id.description) }
        return .success(.agents(agents))
      default: return wrong(id.description)
      }
    }
    guard let text = value.string else { return wrong(value.description) }
    if check == "reachable" {
      let named = topology.declarations(of: "k8s.workload").filter { written(policy, $0).contains(text) }
      if named.count > 1 {
        return .failure(.init(
          code: "ambiguous-check-operand", summary: "verify \(check): \(ModelValue.string(text)) names \(named.count) declarations",
          detail: "it names \(named.map { "k8s.workload \(policy.path(of: $0))" }.joined(separator: ", ")); pass the handle, or write the cluster as <cluster>@<account>"))
      }
      if let workload = named.first { return .success(.workload(workload)) }
      return .success(.endpoint(text))
    }
    var candidates: [String] = []
    var found: [Operand] = []
    var names: [String] = []
    if check == "attested" {
      for agents in topology.declarations(of: "spire.agents") {
        candidates.append(agents.name)
        if agents.name == text || agents.id.name == text { found.append(.agents(agents)); names.append(agents.id.name) }
      }
    } else {
      for service in policy.services {
        candidates.append(service.declaration.name)
        if service.declaration.name == text || service.resourceName == text {
          found.append(.service(service))
          names.append("mesh.service \(service.resourceName ?? service.declaration.name)")
        }
      }
      if found.isEmpty {
        for workload in topology.declarations(of: "k8s.workload") {
          candidates.append(workload.name)
          guard workload.name == text || written(policy, workload).contains(text) else { continue }
          if check == "svid" {
            found.append(.workload(workload))
          } else if case .success(let service) = serviceInFront(of: workload, for: check, policy) {
            found.append(service)
          } else {
            return serviceInFront(of: workload, for: check, policy)
          }
          names.append("k8s.workload \(policy.path(of: workload))")
        }
      }
    }
    if found.count == 1 { return .success(found[0]) }
    if found.isEmpty {
      let kinds = check == "attested" ? "spire.agents" : check == "svid" ? "mesh.service or k8s.workload" : "mesh.service (or workload behind one)"
      return .failure(.init(
        code: "unknown-check-operand", summary: "verify \(check): no \(kinds) is named \(ModelValue.string(text))",
        detail: candidates.isEmpty
          ? "declare it first, or pass its handle: verify \(check) \(operandExample(check))"
          : "the names are: \(Array(Set(candidates)).sorted().joined(separator: ", ")); a handle names one exactly",
        suggestion: Spelling.nearest(to: text, in: candidates)))
    }
    return .failure(.init(
      code: "ambiguous-check-operand", summary: "verify \(check): \(ModelValue.string(text)) names \(found.count) declarations",
      detail: "it names \(names.joined(separator: ", ")); pass the handle, or write <trust domain>/<service> or <cluster>/<namespace>/<workload>"))
  }

  /// What a script may write for a workload: its path, and its path with the cluster's name alone.
  static func written(_ policy: MeshPolicy.Policy, _ workload: Declaration) -> [String] {
    Kubernetes.writtenPaths(of: workload, in: policy.topology, sharedClusterNames: policy.sharedClusterNames)
  }

  /// The one service in front of a workload, for `mtls` and `denied`.
  static func serviceInFront(of workload: Declaration, for check: String, _ policy: MeshPolicy.Policy) -> Result<Operand, OperandProblem> {
    let services = policy.services.filter { $0.workload?.id == workload.id }
    if services.count == 1 { return .success(.service(services[0])) }
    return .failure(.init(
      code: services.isEmpty ? "unknown-check-operand" : "ambiguous-check-operand",
      summary: services.isEmpty
        ? "verify \(check): no mesh.service is in front of k8s.workload \(ModelValue.string(workload.name))"
        : "verify \(check): \(services.count) mesh.services are in front of k8s.workload \(ModelValue.string(workload.name))",
      detail: services.isEmpty
        ? "an mTLS check runs between services' proxies; declare mesh.service(\(ModelValue.string(workload.name)), workload: ..., identity: ..., port: ...)"
        : "name the service: \(services.map { $0.declaration.name }.joined(separator: ", "))"))
  }

  static func operandExample(_ check: String) -> String {
    switch check {
    case "attested": return "front (a spire.agents handle)"
    case "svid": return "ui (a mesh.service or k8s.workload handle)"
    case "all": return ""
    default: return "ui -> app (mesh.service handles)"
    }
  }

  // MARK: - Checks at `check` time

  public func check(_ checker: inout TopologyChecker) {
    let policy = MeshPolicy.Policy(checker.topology)
    var seen: Set<DeclarationID> = []
    for declaration in checker.topology.declarations(of: "verify") where seen.insert(declaration.id).inserted {
      checkVerify(declaration, policy, &checker)
    }
  }

  func checkVerify(_ declaration: Declaration, _ policy: MeshPolicy.Policy, _ checker: inout TopologyChecker) {
    let check = declaration.name
    guard Self.checkKinds.contains(check) else { return }
    let written = [("subject", declaration[field: "subject"]), ("peer", declaration[field: "peer"])].compactMap { name, value in
      value.map { (name, $0) }
    }
    let count = Self.operandCount(check)
    if written.count != count, check != "reachable" || written.count != 2 {
      let form = "verify \(check) \(Self.operandExample(check))".trimmingCharacters(in: .whitespaces)
      checker.error(
        "check-operand-count", "verify \(check) takes \(count == 0 ? "no operands" : count == 1 ? "one operand" : "two operands, A -> B"), not \(written.count)",
        detail: "write \(form)", at: declaration.range)
      return
    }
    var operands: [Operand] = []
    for (field, value) in written {
      switch Self.resolve(value, for: check, policy) {
      case .success(let operand): operands.append(operand)
      case .failure(let problem):
        checker.error(problem.code, problem.summary, detail: problem.detail, at: declaration.range(of: field), suggestion: problem.suggestion)
      }
    }
    guard operands.count == count else { return }
    switch (check, operands.first, operands.last) {
    case ("mtls", .service(let a)?, .service(let b)?):
      guard let refusal = policy.refusal(from: a, to: b) else { return }
      checker.error(
        "check-never-passes", "verify mtls \(a.declaration.name) -> \(b.declaration.name) can never pass: \(refusal)",
        detail: "the policy refuses this edge; admit the caller with mesh.allow(to: ..., from: ...) or the callee's allow, or verify denied",
        at: declaration.range, notes: [checker.note(b.declaration)])
    case ("denied", .service(let a)?, .service(let b)?):
      if let refusal = policy.refusal(from: a, to: b) {
        guard !refusal.hasSuffix("does not admit \(ModelValue.string(a.identity ?? ""))") else { return }
        checker.error(
          "check-never-passes", "verify denied \(a.declaration.name) -> \(b.declaration.name) can never pass: \(refusal)",
          detail: "denied passes only when the handshake is refused for the policy's reason; without an SVID it fails earlier",
          at: declaration.range, notes: [checker.note(a.declaration)])
        return
      }
      let grant = a.identity.flatMap { policy.grant(of: $0, to: b) }
      checker.error(
        "check-never-passes",
        "verify denied \(a.declaration.name) -> \(b.declaration.name) can never pass: \(b.tls == "none" ? "\(checker.describe(b.declaration)) has no TLS and admits anyone" : "\(checker.describe(b.declaration)) admits \(ModelValue.string(a.identity ?? ""))")",
        detail: "the policy allows this edge; remove the admission, or verify mtls",
        at: declaration.range,
        notes: [grant.map { .init("it is admitted here", at: $0.kind == "mesh.allow" ? $0.range : $0.range(of: "allow")) } ?? checker.note(b.declaration)])
    case ("svid", let target?, _):
      if let problem = svidProblem(target, declaration, policy, checker.topology) {
        checker.error(
          "check-never-passes", "verify svid can never pass: \(problem.summary)", detail: problem.detail, at: declaration.range,
          notes: problem.note.map { [checker.note($0)] } ?? [])
      }
    default: break
    }
  }

  /// Why no entry can issue the SVID a `verify svid` expects.
  func svidProblem(
    _ target: Operand, _ declaration: Declaration, _ policy: MeshPolicy.Policy, _ topology: Topology
  ) -> (summary: String, detail: String, note: Declaration?)? {
    let proxies = SPIRE.injectedProxies(topology)
    let expected = declaration.string("id")
    let entries = topology.declarations(of: "entry")
    func applies(_ entry: Declaration, _ shown: [String]) -> Bool {
      let selectors = entry.value("selectors")?.list?.compactMap(\.string) ?? []
      return !selectors.isEmpty && selectors.allSatisfy { $0.hasPrefix("k8s:") && shown.contains($0) }
    }
    switch target {
    case .service(let service):
      guard let identity = service.identity, let workload = service.workload else { return nil }
      if let expected, expected != identity {
        return (
          "mesh.service \(ModelValue.string(service.declaration.name)) presents \(ModelValue.string(identity)), not \(ModelValue.string(expected))",
          "its proxy holds the SVID of its identity; write id: \(ModelValue.string(identity)), or leave id out", service.declaration
        )
      }
      let shown = SPIRE.containerSelectors(workload, injected: proxies[workload.id] ?? []).first { $0.container == service.proxy }?.selectors ?? []
      guard !entries.contains(where: { $0.name == identity && applies($0, shown) }) else { return nil }
      return (
        "no entry issues \(ModelValue.string(identity)) to container \(ModelValue.string(service.proxy)) of mesh.service \(ModelValue.string(service.declaration.name))",
        "declare an entry with that ID whose selectors container \(ModelValue.string(service.proxy)) shows: \(shown.joined(separator: ", "))", service.declaration
      )
    case .workload(let workload):
      let containers = SPIRE.containerSelectors(workload, injected: proxies[workload.id] ?? [])
      let issued = entries.contains { entry in
        (expected == nil || entry.name == expected) && containers.contains { applies(entry, $0.selectors) }
      }
      guard !issued else { return nil }
      return (
        "no entry\(expected.map { " \(ModelValue.string($0))" } ?? "") applies to a container of k8s.workload \(ModelValue.string(workload.name))",
        "an entry applies when its k8s: selectors are all shown by one container; declare one, such as spire.workload_entry(workload, path, parent: ...)", workload
      )
    default: return nil
    }
  }

  // MARK: - Lowering to Checks

  /// The checks the topology's `verify` declarations ask for, in order, with operands as the
  /// providers name them (service resources `<td>/<service>`, workloads `<cluster>/<namespace>/<name>`,
  /// agent sets `<td>/<name>`) and durations in seconds.
  public static func checks(for topology: Topology) -> [Check] {
    let policy = MeshPolicy.Policy(topology)
    return topology.declarations(of: "verify").map { declaration in
      let check = declaration.name
      var fields: [ModelField] = []
      var arguments: [ModelValue] = []
      for name in ["subject", "peer"] {
        guard let value = declaration[field: name] else { continue }
        switch resolve(value, for: check, policy) {
        case .success(.service(let service)):
          if check == "reachable" {
            arguments.append(.string(service.workload.map(policy.path(of:)) ?? service.declaration.name))
          } else {
            arguments.append(.string(service.resourceName ?? service.declaration.name))
            if check == "svid" {
              fields.append(ModelField("container", .string(service.proxy)))
              if declaration[field: "id"] == nil, let identity = service.identity { fields.append(ModelField("id", .string(identity))) }
            }
          }
        case .success(.workload(let workload)): arguments.append(.string(policy.path(of: workload)))
        case .success(.agents(let agents)): arguments.append(.string(agentsName(agents)))
        case .success(.endpoint(let text)): arguments.append(.string(text))
        case .failure: arguments.append(value.reference.map { .string($0.name) } ?? value)
        }
      }
      if check == "all" {
        arguments = policy.services.compactMap { $0.resourceName.map(ModelValue.string) }
        var declared: [ModelValue] = []
        for a in policy.services {
          for b in policy.services where a.declaration.id != b.declaration.id && policy.holds(from: a, to: b) {
            if let from = a.resourceName, let to = b.resourceName { declared.append(.string("\(from) -> \(to)")) }
          }
        }
        fields.append(ModelField("declared", .list(declared)))
      }
      for field in declaration.fields where field.name != "subject" && field.name != "peer" {
        switch field.name {
        case "timeout", "after", "valid_for":
          fields.append(ModelField(field.name, ModelDuration.seconds(field.value).map(ModelValue.int) ?? field.value))
        case "stop":
          let stopped = (field.value.list ?? []).compactMap { item -> ModelValue? in
            guard let id = item.reference else { return item }
            if id.kind == "mesh" { return .string(id.name) }
            return topology[id].map { .string(agentsName($0)) }
          }
          fields.append(ModelField("stop", .list(stopped)))
        default: fields.append(field)
        }
      }
      let label = check == "all" ? "verify all (\(arguments.count) services)" : nil
      return Check(kind: check, arguments: arguments, fields: fields, origin: declaration.id, label: label)
    }
  }

  /// `<td>/<name>`: a spire.agents resource's name.
  static func agentsName(_ agents: Declaration) -> String {
    agents.reference("mesh").map { "\($0.name)/\(agents.name)" } ?? agents.name
  }
}
