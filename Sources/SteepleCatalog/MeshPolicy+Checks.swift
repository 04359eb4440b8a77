public import SteepleModel
import enum SteepleSyntax.Spelling

/// The policy's rules: each service's identity is issued to its proxy, its port is served, its TLS
/// mode agrees with `allow` and `public`, every call is admitted by the callee, and no call or
/// admission crosses trust domains. Each is reported at the field that causes it, with a note at
/// the other side.
extension MeshPolicy {
  public func check(_ checker: inout TopologyChecker) {
    let policy = Policy(checker.topology)
    let proxies = SPIRE.injectedProxies(checker.topology)
    for service in policy.services {
      checkIdentity(service, policy, proxies, &checker)
      checkPort(service, &checker)
      checkTLS(service, policy, &checker)
      checkAllow(service, policy, &checker)
      checkCalls(service, policy, &checker)
    }
    for admission in policy.admissions { checkAdmission(admission, policy, &checker) }
  }

  // MARK: - mesh.service

  /// An entry with the service's SPIFFE ID must select its workload's proxy container.
  func checkIdentity(_ service: Policy.Service, _ policy: Policy, _ proxies: [DeclarationID: [String]], _ checker: inout TopologyChecker) {
    guard let id = service.identity else { return }
    let declaration = service.declaration
    let entries = checker.topology.declarations(of: "entry").filter { $0.name == id }
    guard !entries.isEmpty else {
      let names = checker.topology.declarations(of: "entry").map(\.name)
      checker.error(
        "identity-not-issued", "no entry issues \(ModelValue.string(id)), the identity of \(checker.describe(declaration))",
        detail: "its proxy would have no SVID to present; declare the entry for container \(ModelValue.string(service.proxy)) of its workload, such as spire.workload_entry(workload, path, parent: ...)",
        at: declaration.range(of: "identity"), suggestion: Spelling.nearest(to: id, in: names))
      return
    }
    guard let workload = service.workload else { return }
    let containers = SPIRE.containerSelectors(workload, injected: proxies[workload.id] ?? [])
    guard let shown = containers.first(where: { $0.container == service.proxy })?.selectors else { return }
    var closest: (entry: Declaration, missing: [String])?
    for entry in entries {
      let selectors = entry.value("selectors")?.list?.compactMap(\.string) ?? []
      let missing = selectors.filter { !shown.contains($0) }
      if missing.isEmpty { return }
      if closest == nil || missing.count < closest!.missing.count { closest = (entry, missing) }
    }
    guard let closest else { return }
    checker.error(
      "identity-not-issued",
      "entry \(ModelValue.string(id)) is not issued to the proxy of \(checker.describe(declaration)): its selectors are not all shown by container \(ModelValue.string(service.proxy)) of \(checker.describe(workload))",
      detail: "container \(ModelValue.string(service.proxy)) lacks \(closest.missing.joined(separator: ", ")); it shows \(shown.joined(separator: ", "))",
      at: declaration.range(of: "identity"),
      notes: [.init("the entry's selectors are written here", at: closest.entry.range(of: "selectors"))])
  }

  /// The listener's port must be one the workload serves.
  func checkPort(_ service: Policy.Service, _ checker: inout TopologyChecker) {
    guard let workload = service.workload, let port = service.declaration[field: "port"]?.int else { return }
    let ports = workload.value("ports")?.list?.compactMap(\.int) ?? []
    guard !ports.contains(port) else { return }
    checker.error(
      "port-not-served", "\(checker.describe(workload)) does not serve port \(port)",
      detail: ports.isEmpty
        ? "the workload declares no ports; add ports: [\(port)] to it"
        : "it serves \(ports.map(String.init).joined(separator: ", ")); the listener forwards to one of them",
      at: service.declaration.range(of: "port"), notes: [checker.note(workload)],
      suggestion: ports.count == 1 ? String(ports[0]) : nil)
  }

  /// `public` with `strict`: plain clients outside the mesh have no certificate; `allow` without TLS:
  /// with no client certificate there is no ID to match.
  func checkTLS(_ service: Policy.Service, _ policy: Policy, _ checker: inout TopologyChecker) {
    let declaration = service.declaration
    if declaration.value("public")?.bool == true, service.tls == "strict" {
      checker.error(
        "public-with-strict-tls", "\(checker.describe(declaration)) is public, but its listener requires a client certificate",
        detail: "clients outside the mesh have no SVID; use tls: \"permissive\" to accept them in plain text too, or drop public",
        at: declaration.range(of: "public"),
        notes: declaration[field: "tls"] == nil ? [] : [.init("tls is strict here", at: declaration.range(of: "tls"))])
    }
    guard service.tls == "none", !service.allow.isEmpty else { return }
    checker.error(
      "allow-without-tls", "\(checker.describe(declaration)) admits callers by SPIFFE ID, but its listener has no TLS",
      detail: "without a client certificate there is no ID to match and anyone may call it; use tls: \"strict\", or drop allow",
      at: declaration.range(of: "allow"), notes: [.init("tls is none here", at: declaration.range(of: "tls"))])
  }

  /// Every admitted ID is in the service's trust domain; one no entry issues is a warning.
  func checkAllow(_ service: Policy.Service, _ policy: Policy, _ checker: inout TopologyChecker) {
    guard let trustDomain = service.trustDomain else { return }
    let range = service.declaration.range(of: "allow")
    for item in service.allow {
      if let other = SPIRE.trustDomain(of: item.id), other != trustDomain {
        checker.error(
          "admission-across-trust-domains",
          "\(checker.describe(service.declaration)) in trust domain \(ModelValue.string(trustDomain)) admits \(ModelValue.string(item.id)) of \(ModelValue.string(other))",
          detail: "its listener validates client certificates against its own trust domain's bundle only, so that caller's SVID never verifies; federation is not modelled",
          at: range, notes: [.init("its identity is written here", at: service.declaration.range(of: "identity"))])
      } else if case .string = item.written, !policy.issued.contains(item.id) {
        checker.warning(
          "allow-not-issued", "\(checker.describe(service.declaration)) admits \(ModelValue.string(item.id)), which no entry issues",
          detail: "no workload can present that ID; declare its entry, or admit an entry handle instead of a string",
          at: range, suggestion: Spelling.nearest(to: item.id, in: policy.issued.sorted()))
      }
    }
  }

  /// A service calls only backends in its trust domain whose listener admits its identity.
  func checkCalls(_ service: Policy.Service, _ policy: Policy, _ checker: inout TopologyChecker) {
    guard let identity = service.identity, let trustDomain = service.trustDomain else { return }
    let declaration = service.declaration
    let range = declaration.range(of: "calls")
    for callee in service.calls.compactMap(policy.service) {
      guard let calleeDomain = callee.trustDomain else { continue }
      if calleeDomain != trustDomain {
        checker.error(
          "call-across-trust-domains",
          "\(checker.describe(declaration)) in trust domain \(ModelValue.string(trustDomain)) calls \(checker.describe(callee.declaration)) in \(ModelValue.string(calleeDomain))",
          detail: "each side validates the other against its own trust domain's bundle, so the handshake fails; federation is not modelled",
          at: range, notes: [.init("the callee's identity is written here", at: callee.declaration.range(of: "identity"))])
        continue
      }
      guard !policy.admits(identity, to: callee) else { continue }
      checker.error(
        "call-not-admitted",
        "\(checker.describe(declaration)) calls \(checker.describe(callee.declaration)), whose listener does not admit \(ModelValue.string(identity))",
        detail: "admit it where the callee is declared, allow: [..., \(ModelValue.string(identity))], or from here: mesh.allow(to: <\(callee.declaration.name)>, from: <\(declaration.name)>)",
        at: range,
        notes: [
          callee.declaration[field: "allow"] == nil
            ? checker.note(callee.declaration, "\(checker.describe(callee.declaration)) admits no one")
            : .init("\(checker.describe(callee.declaration)) admits these", at: callee.declaration.range(of: "allow"))
        ])
    }
  }

  // MARK: - mesh.allow

  func checkAdmission(_ admission: Policy.Admission, _ policy: Policy, _ checker: inout TopologyChecker) {
    guard let declaration = admission.declaration, let service = policy.service(admission.to), let trustDomain = service.trustDomain
    else { return }
    if service.tls == "none" {
      checker.error(
        "allow-without-tls", "mesh.allow admits \(ModelValue.string(admission.from)) to \(checker.describe(service.declaration)), whose listener has no TLS",
        detail: "without a client certificate there is no ID to match and anyone may call it; give the service tls: \"strict\", or drop this mesh.allow",
        at: declaration.range(of: "to"), notes: [.init("tls is none here", at: service.declaration.range(of: "tls"))])
      return
    }
    if let other = SPIRE.trustDomain(of: admission.from), other != trustDomain {
      checker.error(
        "admission-across-trust-domains",
        "mesh.allow admits \(ModelValue.string(admission.from)) of \(ModelValue.string(other)) to \(checker.describe(service.declaration)) in \(ModelValue.string(trustDomain))",
        detail: "the listener validates client certificates against its own trust domain's bundle only, so that caller's SVID never verifies; federation is not modelled",
        at: declaration.range(of: "from"), notes: [.init("the service's identity is written here", at: service.declaration.range(of: "identity"))])
      return
    }
    if case .string? = declaration[field: "from"], !policy.issued.contains(admission.from) {
      checker.warning(
        "allow-not-issued", "mesh.allow admits \(ModelValue.string(admission.from)), which no entry issues",
        detail: "no workload can present that ID; declare its entry, or pass an entry handle instead of a string",
        at: declaration.range(of: "from"), suggestion: Spelling.nearest(to: admission.from, in: policy.issued.sorted()))
    }
  }
}
