import SteepleEngine

/// The CloudFormation stacks of a desired state: the stack items grouped by account and layer
/// (`StackLayout`), each group one template whose cross-stack values are parameters the driver
/// fills from the outputs of the stacks before it.
struct CloudFormationRenderer {
  let input: RenderInput
  let items: [StackItem]
  /// Each item's stack name, by key.
  let stackOf: [String: String]
  /// The stacks, in an order that deploys them.
  private(set) var stacks: [RenderedStack] = []
  private(set) var files: [Artifact] = []
  private(set) var placements: [ResourceAddress: ResourcePlacement] = [:]

  /// The folder the templates are written to.
  static let folder = "cloudformation"

  static func stackName(account: String, layer: Int) -> String { "steeple-\(account)-\(layer)" }

  init(input: RenderInput) {
    self.input = input
    let items = StackItems(input: input).all()
    self.items = items
    let layout = StackLayout(items: items, input: input)
    var stackOf: [String: String] = [:]
    var groups: [String: (account: String, layer: Int, items: [StackItem])] = [:]
    for item in items {
      let layer = layout.layers[.item(item.key)] ?? 0
      let name = Self.stackName(account: item.account, layer: layer)
      stackOf[item.key] = name
      groups[name, default: (item.account, layer, [])].items.append(item)
    }
    self.stackOf = stackOf
    // The first stack of each account gives the account's ID to the others.
    var accountStacks: [String: String] = [:]
    for (name, group) in groups.sorted(by: { ($0.value.layer, $0.key) < ($1.value.layer, $1.key) }) where accountStacks[group.account] == nil {
      accountStacks[group.account] = name
    }
    let exposed = Dictionary(uniqueKeysWithValues: items.map { ($0.key, $0.exposed) })
    let declaredIDs = Dictionary(
      uniqueKeysWithValues: input.all("aws.account").compactMap { account in account.string("id").map { (account.address.name, $0) } })
    let keys = Set(items.map(\.key))
    var rendered: [RenderedStack] = []
    for name in groups.keys.sorted() {
      let group = groups[name]!
      var context = TemplateContext(
        stack: name, account: group.account, stackOf: stackOf, exposed: exposed, accountStacks: accountStacks, declaredIDs: declaredIDs)
      var resources: [YAMLEntry] = []
      var outputs: [YAMLEntry] = [
        YAMLEntry(
          "AccountId",
          .object([("Description", .string("the account this stack is in")), ("Value", CFN.ref("AWS::AccountId"))]))
      ]
      var order: Set<String> = []
      for item in group.items {
        resources.append(contentsOf: item.build(&context))
        for value in item.exposed {
          outputs.append(
            YAMLEntry(
              item.key + value.suffix,
              .object([
                ("Description", .string("\(item.resource?.description ?? item.key): \(value.suffix)")),
                ("Value", value.isList ? CFN.join(",", value.value) : value.value),
              ])))
        }
        for dependency in layout.itemDependencies(of: .item(item.key), items: keys) {
          if let stack = stackOf[dependency], stack != name { order.insert(stack) }
        }
        if let address = item.resource { placements[address] = .stack(name: name, logicalID: item.key) }
      }
      let parameters = context.stackParameters
      order.formUnion(parameters.map(\.fromStack))
      let template = YAMLNode.object([
        ("AWSTemplateFormatVersion", .string("2010-09-09")),
        ("Description", .string("Steeple: account \(group.account), layer \(group.layer) (\(group.items.map(\.key).joined(separator: ", ")))")),
        ("Parameters", parameters.isEmpty ? nil : context.parametersSection), ("Resources", .map(resources)), ("Outputs", .map(outputs)),
      ])
      let path = "\(Self.folder)/\(group.account)/\(name).yaml"
      files.append(Artifact(path: path, contents: "# Rendered by steeple render; do not edit (re-render instead).\n" + template.text))
      rendered.append(
        RenderedStack(
          name: name, access: input.access(group.account), layer: 0, templatePath: path, parameters: parameters,
          dependsOn: order.sorted(), needsNamedIAM: group.items.contains(where: \.makesIAM)))
    }
    // A stack's layer: one more than the highest of the stacks it follows.
    var layers: [String: Int] = [:]
    func layer(_ name: String, _ visiting: Set<String>) -> Int {
      if let known = layers[name] { return known }
      let stack = rendered.first { $0.name == name }
      let value = (stack?.dependsOn ?? []).filter { !visiting.contains($0) }.map { layer($0, visiting.union([name])) + 1 }.max() ?? 0
      layers[name] = value
      return value
    }
    for index in rendered.indices { rendered[index].layer = layer(rendered[index].name, []) }
    stacks = rendered.sorted { ($0.layer, $0.name) < ($1.layer, $1.name) }
  }

  /// Where the driver reads one item's exposed value: the stack output `<key><suffix>`.
  func output(_ key: String, _ suffix: String) -> StackParameter? {
    stackOf[key].map { StackParameter(name: key + suffix, fromStack: $0, output: key + suffix) }
  }
}
