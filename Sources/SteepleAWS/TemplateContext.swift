/// What a stack item sees while its template resources are written: the stack it is in, and the
/// values of the other items, read directly in the same stack and by a parameter from another
/// stack's output otherwise (the driver passes it at deploy time; ARNs are never copied by hand).
struct TemplateContext {
  let stack: String
  let account: String
  /// Every item's stack and exposed values, by key.
  let stackOf: [String: String]
  let exposed: [String: [(suffix: String, value: YAMLNode, isList: Bool)]]
  /// The first stack of each account, whose `AccountId` output other accounts read.
  let accountStacks: [String: String]
  /// Accounts' declared IDs.
  let declaredIDs: [String: String]
  /// The parameters this stack takes, by name.
  private(set) var parameters: [String: (stack: String, output: String, isList: Bool)] = [:]

  init(
    stack: String, account: String, stackOf: [String: String], exposed: [String: [(suffix: String, value: YAMLNode, isList: Bool)]],
    accountStacks: [String: String], declaredIDs: [String: String]
  ) {
    self.stack = stack
    self.account = account
    self.stackOf = stackOf
    self.exposed = exposed
    self.accountStacks = accountStacks
    self.declaredIDs = declaredIDs
  }

  /// An item's value: itself in this stack, a parameter from the item's stack otherwise. An item
  /// that is not rendered (a partial state) gives an empty string.
  mutating func value(_ key: String, _ suffix: String) -> YAMLNode {
    guard let found = exposed[key]?.first(where: { $0.suffix == suffix }), let home = stackOf[key] else { return .string("") }
    if home == stack { return found.value }
    let name = key + suffix
    parameters[name] = (home, name, found.isList)
    return CFN.ref(name)
  }

  /// The 12-digit ID of an account: declared, this stack's own, or the `AccountId` output of the
  /// account's first stack.
  mutating func accountID(_ account: String) -> YAMLNode {
    if let id = declaredIDs[account] { return .string(id) }
    if account == self.account { return CFN.ref("AWS::AccountId") }
    guard let home = accountStacks[account] else { return .string("") }
    let name = "AccountId" + CFN.logicalID(account)
    parameters[name] = (home, "AccountId", false)
    return CFN.ref(name)
  }

  /// The parameters as `StackParameter`s, by name.
  var stackParameters: [StackParameter] {
    parameters.keys.sorted().map { StackParameter(name: $0, fromStack: parameters[$0]!.stack, output: parameters[$0]!.output) }
  }

  /// The template's `Parameters` section.
  var parametersSection: YAMLNode {
    .map(
      parameters.keys.sorted().map { name in
        let parameter = parameters[name]!
        return YAMLEntry(
          name,
          .object([
            ("Type", .string(parameter.isList ? "CommaDelimitedList" : "String")),
            ("Description", .string("Output \(parameter.output) of stack \(parameter.stack)")),
          ]))
      })
  }
}
