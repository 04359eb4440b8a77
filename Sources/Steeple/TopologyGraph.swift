/// The topology as a picture, before it is drawn: boxes inside boxes (organizations, accounts,
/// clusters), the things in them (the transit gateway and its share, each cluster's VPC, the SPIRE
/// server and agent sets, workloads and the mesh's services), and the edges between them
/// (attachments, the share, attestation, SVIDs issued, and who may call whom).
///
/// `TopologyGraph.init(topology:resources:)` builds it; `MermaidRenderer` and `DOTRenderer` draw it.
/// Everything is in declaration order and every identifier is derived from declared names, so the
/// same script always gives the same picture.
public struct TopologyGraph: Hashable, Sendable {
  /// How a node is drawn.
  public enum Shape: Hashable, Sendable {
    /// A plain box: a VPC, a workload.
    case box
    /// A box with rounded corners: a service of the mesh.
    case rounded
    /// A hexagon: a transit gateway.
    case hexagon
    /// A cylinder: a SPIRE server, which keeps the registration entries.
    case cylinder
    /// A parallelogram: an agent set, a RAM share.
    case parallelogram
    /// A circle: the outside world that reaches public services.
    case circle
  }

  /// One thing in the picture; its label is one or more lines.
  public struct Node: Hashable, Sendable {
    public var id: String
    public var lines: [String]
    public var shape: Shape

    public init(id: String, lines: [String], shape: Shape) {
      self.id = id
      self.lines = lines
      self.shape = shape
    }
  }

  /// A box that holds nodes and other boxes: an organization, an account or a cluster.
  public struct Group: Hashable, Sendable {
    public var id: String
    public var title: String
    public var nodes: [Node] = []
    public var groups: [Group] = []

    public init(id: String, title: String, nodes: [Node] = [], groups: [Group] = []) {
      self.id = id
      self.title = title
      self.nodes = nodes
      self.groups = groups
    }
  }

  /// How an edge is drawn.
  public enum EdgeStyle: Hashable, Sendable {
    /// A line without an arrow: an attachment.
    case link
    /// A solid arrow: a service calls another and is admitted.
    case call
    /// A dashed arrow: admitted but not called, attestation, an SVID issued, a share.
    case dashed
    /// A crossed, red arrow: a call or a check the policy denies.
    case denied
  }

  public struct Edge: Hashable, Sendable {
    public var from: String
    public var to: String
    public var label: String
    public var style: EdgeStyle

    public init(from: String, to: String, label: String, style: EdgeStyle) {
      self.from = from
      self.to = to
      self.label = label
      self.style = style
    }
  }

  /// The outermost boxes, in declaration order.
  public var groups: [Group]
  /// Nodes outside every box (the outside world; a gateway whose owner is not declared).
  public var nodes: [Node]
  public var edges: [Edge]

  public init(groups: [Group], nodes: [Node], edges: [Edge]) {
    self.groups = groups
    self.nodes = nodes
    self.edges = edges
  }

  /// Every node, in the boxes and outside them, depth first in drawing order.
  public var allNodes: [Node] {
    func collect(_ group: Group) -> [Node] { group.nodes + group.groups.flatMap(collect) }
    return groups.flatMap(collect) + nodes
  }
}
