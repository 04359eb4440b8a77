public import SteepleSPIRE

/// One service of a mesh as the data plane needs it: plain values, no model types.
///
/// The caller (the local provider) computes ``admitted`` from the policy: the service's own `allow`
/// list and the `from` of every `mesh.allow` that names it. The data plane matches those IDs exactly,
/// as Envoy's SAN matchers with `exact` do.
public struct MeshServiceConfiguration: Sendable, Hashable {
  /// The service's name, unique in the data plane (the `mesh.service` resource name, `<td>/<service>`).
  public var name: String
  /// The SPIFFE ID its proxy presents: the secret name asked of the ``SecretSource``.
  public var identity: SPIFFEID
  /// How its listener speaks to callers.
  public var tls: TLSMode
  /// The client SPIFFE IDs its listener admits (exact URI SAN matches).
  public var admitted: Set<SPIFFEID>
  /// The names of the services it calls: one upstream each.
  public var calls: [String]

  /// A service named `name` presenting `identity`.
  public init(name: String, identity: SPIFFEID, tls: TLSMode = .strict, admitted: Set<SPIFFEID> = [], calls: [String] = []) {
    self.name = name
    self.identity = identity
    self.tls = tls
    self.admitted = admitted
    self.calls = calls
  }
}
