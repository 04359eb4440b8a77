/// The stable identity of a declaration: its kind and its name, unique within the kind.
///
/// The identity is the same every time a program runs, so a plan made today and one made tomorrow
/// name the same resources, and references (`owner`, `members`, `parent`) resolve by it. Kinds whose
/// names are only unique inside a scope (a workload inside a cluster's namespace) are named by the
/// model with that scope in front, `eks-cluster-frontend/yelb/yelb-ui`.
public struct DeclarationID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// `account`, `cluster`, `mesh`, `entry`, `verify`, or a host kind, `<module>.<function>`.
  public let kind: String
  public let name: String

  public init(kind: String, name: String) {
    self.kind = kind
    self.name = name
  }

  /// `cluster "eks-cluster-frontend"`, as errors and plans write it.
  public var description: String { "\(kind) \"\(name)\"" }

  public static func < (a: DeclarationID, b: DeclarationID) -> Bool { (a.kind, a.name) < (b.kind, b.name) }
}
