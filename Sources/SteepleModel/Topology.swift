/// Everything one run of a program declared, in the order it was declared: the desired state the
/// engine plans against. Immutable and `Sendable`, so the engine and providers can share it.
public struct Topology: Sendable {
  public let declarations: [Declaration]
  private let index: [DeclarationID: Int]

  public init(_ declarations: [Declaration]) {
    self.declarations = declarations
    var index: [DeclarationID: Int] = [:]
    for (position, declaration) in declarations.enumerated() where index[declaration.id] == nil {
      index[declaration.id] = position
    }
    self.index = index
  }

  public static let empty = Topology([])

  public var isEmpty: Bool { declarations.isEmpty }

  /// The first declaration with this identity.
  public subscript(id: DeclarationID) -> Declaration? { index[id].map { declarations[$0] } }

  /// Every declaration of one kind, in order.
  public func declarations(of kind: String) -> [Declaration] { declarations.filter { $0.kind == kind } }

  /// The declaration a field refers to, when it is a reference to one that exists.
  public func referenced(_ value: ModelValue?) -> Declaration? {
    guard let id = value?.reference else { return nil }
    return self[id]
  }

  /// The static checks of the model, with the cross-checks of `registry`: every problem, each at
  /// the exact place in the script.
  public func check(_ registry: any KindRegistry) -> [Diagnostic] { TopologyChecker(self, registry: registry).run() }
}

public import SteepleSyntax
