public import SteepleEngine

/// A type of resource the lowering makes (`ec2.vpc`, `eks.cluster`): which of its attributes
/// cannot change in place, and how long each operation takes in the real services.
public struct ResourceType: Sendable, Hashable {
  /// `ec2.vpc`, `k8s.pod`: the type of the resources' addresses.
  public let name: String
  /// Attributes a change of which replaces the resource (`-/+`) instead of updating it.
  public let replaceOnChange: Set<String>
  /// How long it takes to create, change in place and delete one, in seconds.
  public let durations: Durations

  public init(_ name: String, replaceOnChange: Set<String>, durations: Durations) {
    self.name = name
    self.replaceOnChange = replaceOnChange
    self.durations = durations
  }

  /// The seconds one resource takes to create, change in place and delete: typical AWS and
  /// Kubernetes times (an EKS control plane about ten minutes, a node group about three, a
  /// transit gateway a few minutes, a VPC or a route seconds, a pod some seconds to start).
  public struct Durations: Hashable, Sendable {
    public let create: Double
    public let update: Double
    public let delete: Double

    public init(create: Double, update: Double, delete: Double) {
      self.create = create
      self.update = update
      self.delete = delete
    }

    /// A second for everything: a type the catalog does not know.
    public static let unknown = Durations(create: 1, update: 1, delete: 1)

    /// The modelled seconds of one action on a resource of this type.
    public func seconds(for action: Action) -> Double {
      switch action {
      case .create: return create
      case .update: return update
      case .delete: return delete
      }
    }
  }
}
