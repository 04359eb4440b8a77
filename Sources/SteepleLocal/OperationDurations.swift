public import SteepleEngine

/// How long each operation takes in the real services, in seconds: the local cloud waits this long
/// times its time scale before it acts (0 = at once).
///
/// The figures are typical AWS and Kubernetes times: an EKS control plane about ten minutes, a node
/// group about three, a transit gateway a few minutes, its attachments one or two, a VPC or a route
/// seconds, IAM a few seconds of propagation, a pod some seconds to pull and start.
public enum OperationDurations {
  /// The seconds one resource type takes to create, change in place and delete.
  public struct Timing: Hashable, Sendable {
    public let create: Double
    public let update: Double
    public let delete: Double
  }

  /// Each catalog type's timing; a type not listed takes a second.
  public static let byType: [String: Timing] = [
    "aws.organization": Timing(create: 2, update: 2, delete: 2),
    "aws.account": Timing(create: 1, update: 1, delete: 1),
    "iam.role": Timing(create: 3, update: 2, delete: 2),
    "ec2.transit_gateway": Timing(create: 150, update: 30, delete: 120),
    "ram.resource_share": Timing(create: 5, update: 5, delete: 5),
    "ram.share_acceptance": Timing(create: 5, update: 5, delete: 3),
    "ec2.vpc": Timing(create: 5, update: 3, delete: 5),
    "ec2.transit_gateway_attachment": Timing(create: 90, update: 30, delete: 90),
    "ec2.route": Timing(create: 1, update: 1, delete: 1),
    "eks.cluster": Timing(create: 600, update: 1800, delete: 420),
    "eks.nodegroup": Timing(create: 180, update: 300, delete: 240),
    "eks.access": Timing(create: 5, update: 5, delete: 5),
    "k8s.namespace": Timing(create: 1, update: 1, delete: 5),
    "k8s.service_account": Timing(create: 1, update: 1, delete: 1),
    "k8s.pod": Timing(create: 10, update: 10, delete: 30),
  ]

  /// The modelled duration of one action, in seconds (before the time scale).
  public static func seconds(for action: Action) -> Double {
    let timing = byType[action.address.type] ?? Timing(create: 1, update: 1, delete: 1)
    switch action {
    case .create: return timing.create
    case .update: return timing.update
    case .delete: return timing.delete
    }
  }
}
