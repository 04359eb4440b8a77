public import SteepleEngine
public import SteepleModel

/// An edge of the authorization graph: the service `from` may open a mutual-TLS connection to `to`.
public struct AuthorizationEdge: Hashable, Comparable, Sendable {
  /// The declaration (or, without one, the resource) that admits the caller, and how.
  public struct Grant: Hashable, Sendable {
    public var resource: ResourceAddress
    public var origin: DeclarationID?
    /// `allow names spiffe://…`, `admits spiffe://…`, `tls "none" admits every caller`.
    public var reason: String
  }

  /// The caller's service resource name, `<trust domain>/<service>`.
  public var from: String
  /// The callee's service resource name.
  public var to: String
  /// The caller's SPIFFE ID, which the callee admits.
  public var fromIdentity: String
  public var toIdentity: String
  /// The caller lists the callee in its `calls`: "calls it"; otherwise "admitted, not called".
  public var calls: Bool
  public var fromAccount: String?
  public var toAccount: String?
  public var grant: Grant

  /// The same edge in two graphs: the same caller, with the same identity, reaching the same callee.
  public struct Key: Hashable, Comparable, Sendable {
    public var from: String
    public var to: String
    public var fromIdentity: String

    public static func < (a: Key, b: Key) -> Bool { (a.from, a.to, a.fromIdentity) < (b.from, b.to, b.fromIdentity) }
  }

  public var key: Key { Key(from: from, to: to, fromIdentity: fromIdentity) }

  /// The two services are placed in different accounts.
  public var crossAccount: Bool { fromAccount != toAccount }

  /// `calls it` or `admitted, not called`.
  public var marking: String { calls ? "calls it" : "admitted, not called" }

  public static func < (a: AuthorizationEdge, b: AuthorizationEdge) -> Bool { a.key < b.key }
}
