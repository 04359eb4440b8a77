import SteepleEngine

/// One unit of a CloudFormation template: the template resources made for one desired resource
/// (a VPC with its subnets, gateways and route tables), or for something the renderer adds (the
/// SPIRE server's `sts:AssumeRole` policy), keyed by its main logical ID.
struct StackItem {
  /// The main template resource's logical ID, unique across every stack.
  let key: String
  let account: String
  /// The desired resource it makes, if any.
  let resource: ResourceAddress?
  /// What it must follow: desired resources and other items' keys (`StackLayout.Node`).
  let dependencies: [StackLayout.Node]
  /// Values other template resources read from it, by suffix (`Id`, `Arn`): the intrinsic that
  /// gives each inside its stack. Every one is also a stack output named `<key><suffix>`.
  let exposed: [(suffix: String, value: YAMLNode, isList: Bool)]
  /// Whether it makes IAM resources (the stack then needs `CAPABILITY_NAMED_IAM`).
  let makesIAM: Bool
  /// Its template resources, given a context that resolves other items' values.
  let build: (inout TemplateContext) -> [YAMLEntry]
}

/// Which stack each item goes in: one stack per account and dependency layer. An item is in the
/// layer of its highest dependency in its own account, and one past the highest in another
/// account (another account's values reach it by parameters, after that stack is deployed).
/// Desired resources that no stack makes (a RAM acceptance, an account) still order what follows
/// them, so a VPC attachment waits for its share.
struct StackLayout {
  /// A desired resource or a stack item.
  enum Node: Hashable {
    case resource(ResourceAddress)
    case item(String)
  }

  private(set) var layers: [Node: Int] = [:]
  private let accounts: [Node: String]
  private let dependencies: [Node: [Node]]
  /// The item that makes each desired resource made by one.
  private let madeBy: [ResourceAddress: String]

  init(items: [StackItem], input: RenderInput) {
    var accounts: [Node: String] = [:]
    var dependencies: [Node: [Node]] = [:]
    for resource in input.resources {
      let node = Node.resource(resource.address)
      // An account is in itself; every other resource in the account of its placement.
      accounts[node] = resource.address.type == "aws.account" ? resource.address.name : resource.placement.account
      dependencies[node] = resource.dependencies.sorted().map(Node.resource)
    }
    var madeBy: [ResourceAddress: String] = [:]
    for item in items {
      let node = Node.item(item.key)
      accounts[node] = item.account
      dependencies[node] = item.dependencies
      // The resource an item makes waits for what the item waits for, so whatever follows the
      // resource follows the item.
      if let address = item.resource {
        dependencies[node, default: []].append(.resource(address))
        dependencies[.resource(address), default: []].append(contentsOf: item.dependencies)
        madeBy[address] = item.key
      }
    }
    self.accounts = accounts
    self.madeBy = madeBy
    self.dependencies = dependencies
    for node in dependencies.keys.sorted(by: { "\($0)" < "\($1)" }) { _ = layer(of: node, visiting: []) }
  }

  /// The node's layer; a cycle (which the model's checks rule out) counts as no dependency.
  private mutating func layer(of node: Node, visiting: Set<Node>) -> Int {
    if let known = layers[node] { return known }
    var layer = 0
    for dependency in dependencies[node] ?? [] where !visiting.contains(dependency) && dependencies[dependency] != nil {
      guard let account = accounts[dependency] else { continue }
      let below = self.layer(of: dependency, visiting: visiting.union([node]))
      layer = max(layer, account == accounts[node] ? below : below + 1)
    }
    layers[node] = layer
    return layer
  }

  /// The stack items a node is ordered after: its dependencies that are items or made by one,
  /// and through the resources no item makes (and its own resource), theirs.
  func itemDependencies(of node: Node, items: Set<String>) -> Set<String> {
    var own: String?
    if case .item(let key) = node { own = key }
    var queue = dependencies[node] ?? []
    var found: Set<String> = []
    var seen: Set<Node> = [node]
    while let next = queue.popLast() {
      guard seen.insert(next).inserted else { continue }
      switch next {
      case .item(let key) where items.contains(key):
        found.insert(key)
      case .resource(let address) where madeBy[address] != nil && madeBy[address] != own:
        found.insert(madeBy[address]!)
      case .resource:
        queue.append(contentsOf: dependencies[next] ?? [])
      case .item:
        break
      }
    }
    return found
  }
}
