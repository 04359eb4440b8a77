import SteepleEngine
public import SteepleModel

/// The mesh family: `mesh`, `entry` and `verify`, the SPIFFE trust domain and what runs in it.
/// Their schemas are checked and documented; the SPIRE resources they will lower to are still to
/// come, and `verify` becomes the engine's checks (`DesiredState.checks(for:)`), not resources.
public struct Mesh: Family {
  public init() {}

  // MARK: - Kinds

  public static let mesh = KindSchema(
    kind: "mesh", summary: "a SPIFFE trust domain that spans accounts, named by its trust domain",
    form: #"mesh "am-multi-account-mesh" { owner: shared, members: [frontend, backend], server: hub }"#,
    nameFormat: .tagName,
    fields: [
      FieldSchema("owner", .reference(["account"]), .required, "the account that owns the mesh and runs its server"),
      FieldSchema("members", .list(.reference(["account"])), .defaultValue(.list([])), "the other accounts in the mesh"),
      FieldSchema(
        "server", .oneOf([.reference(["cluster"]), .shape(spireServer)]), .optional,
        "the cluster the SPIRE server runs in, or { cluster: ..., service_account: ... }"),
      FieldSchema("agents", .list(.shape(spireAgent)), .defaultValue(.list([])), "the SPIRE agents, one per member cluster"),
    ])

  static let spireServer = [
    FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster the server runs in"),
    FieldSchema("service_account", .string(.dnsSubdomain), .defaultValue(.string("spire-server")), "the server's service account"),
  ]

  static let spireAgent = [
    FieldSchema("cluster", .reference(["cluster"]), .required, "the cluster the agent runs on"),
    FieldSchema("name", .string(.tagName), .required, "the cluster's name in the server's k8s_psat attestor"),
    FieldSchema("service_account", .string(.dnsSubdomain), .defaultValue(.string("spire-agent")), "the agent's service account"),
  ]

  public static let entry = KindSchema(
    kind: "entry", summary: "a SPIRE registration entry: which workloads get this SPIFFE ID",
    form: #"entry "spiffe://am-multi-account-mesh/frontend" { parent: "spiffe://...", selectors: ["k8s:ns:yelb"] }"#,
    nameFormat: .spiffeID,
    fields: [
      FieldSchema("parent", .string(.spiffeID), .required, "the SPIFFE ID of the agent (or alias) that attests the workload"),
      FieldSchema("selectors", .list(.string(.string)), .required, "the selectors a workload must match, such as k8s:ns:yelb"),
      FieldSchema("ttl", .int(0...Int.max), .optional, "how long the SVIDs live, in seconds; the server's default when left out"),
    ])

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

  public var kinds: [KindSchema] { [Self.mesh, Self.entry, Self.verify] }

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
