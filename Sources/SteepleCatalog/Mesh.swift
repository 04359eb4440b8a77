import SteepleEngine
public import SteepleModel

/// The mesh family: `verify`, the checks that must hold once the trust domain runs (the mesh's
/// policy kinds come next). `verify` becomes the engine's checks (`DesiredState.checks(for:)`), not
/// resources; the trust domain itself is the SPIRE family's.
public struct Mesh: Family {
  public init() {}

  // MARK: - Kinds

  public static let verify = KindSchema(
    kind: "verify", summary: "a check that must hold once the topology is applied",
    form: #"verify mtls "yelb-ui" -> "yelb-appserver" { timeout: 30 }"#,
    fields: [
      FieldSchema("subject", .string(.string), .optional, "the workload the check starts from, written after the check's kind"),
      FieldSchema("peer", .string(.string), .optional, "the workload it reaches, written after '->'"),
      FieldSchema("timeout", .int(1...Int.max), .optional, "how long the check may take, in seconds"),
      FieldSchema("reason", .string(.string), .optional, "why the check must hold, shown when it fails"),
    ],
    scope: .derived(fields: ["subject", "peer"]), allowedNames: ["mtls", "denied", "svid", "reachable", "all"])

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
