import SteepleEngine
public import SteepleModel

/// The mesh family: `verify`, the checks that must hold once the trust domain runs. `verify`
/// becomes the engine's checks (`DesiredState.checks(for:)`), not resources; its operands are
/// resolved against the topology, and a check that can never pass is an error at `check`. The trust
/// domain itself is the SPIRE family's, the policy the `MeshPolicy` family's.
public struct Mesh: Family {
  public init() {}

  // MARK: - Kinds

  /// The checks `verify` runs.
  public static let checkKinds = ["attested", "svid", "mtls", "denied", "reachable", "all"]

  public static let verify = KindSchema(
    kind: "verify", summary: "a check that must hold once the topology is applied",
    form: #"verify mtls ui -> app { timeout: "30s" }"#,
    fields: [
      FieldSchema(
        "subject", .oneOf([.reference(["mesh.service", "k8s.workload", "spire.agents"]), .string(.string)]), .optional,
        "what the check starts from, written after the check's kind: a handle, or a string naming exactly one service, workload or agent set"),
      FieldSchema(
        "peer", .oneOf([.reference(["mesh.service", "k8s.workload"]), .string(.string)]), .optional,
        "what it reaches, written after '->': a handle, or a string naming exactly one service or workload"),
      FieldSchema("timeout", .duration, .optional, "how long the check may take"),
      FieldSchema("reason", .string(.string), .optional, "why the check must hold, shown when it fails"),
      FieldSchema("id", .string(.spiffeID), .optional, "svid: the SPIFFE ID the SVID must have; a service's identity when left out"),
      FieldSchema("valid_for", .duration, .optional, "svid: how long the SVID must still be valid"),
      FieldSchema("after", .duration, .optional, "local provider: advance the modelled clock this long before checking"),
      FieldSchema(
        "stop", .list(.reference(["spire.agents", "mesh"])), .optional,
        "local provider: agents, or a mesh's server, to stop before the clock advances"),
    ],
    scope: .derived(fields: ["subject", "peer"]), allowedNames: checkKinds)

  public var kinds: [KindSchema] { [Self.verify] }

  public var resourceTypes: [ResourceType] { [] }

  public func lower(_ declaration: Declaration, into lowering: inout Lowering) {}
}

extension StringFormat {
  /// A SPIFFE ID: `spiffe://<trust domain>/<path>`.
  public static let spiffeID = StringFormat("spiffe-id", title: "SPIFFE ID", example: "spiffe://<trust-domain>/<path>") { text in
    guard text.hasPrefix("spiffe://") else { return "a SPIFFE ID starts with spiffe://" }
    let rest = text.dropFirst("spiffe://".count)
    let trustDomain = rest.prefix { $0 != "/" }
    if trustDomain.isEmpty { return "the trust domain after spiffe:// is empty" }
    guard trustDomain.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0) })
    else { return "a trust domain has only lowercase letters, digits, '.', '-' and '_'" }
    let path = rest.dropFirst(trustDomain.count)
    if path.hasSuffix("/") { return "the path cannot end with '/'" }
    for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
      if segment.isEmpty { return "the path has an empty segment ('//')" }
      if segment == "." || segment == ".." { return "the path cannot have '.' or '..' segments" }
      guard segment.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || ".-_".unicodeScalars.contains($0) })
      else { return "path segments have only letters, digits, '.', '-' and '_'" }
    }
    return nil
  }
}
