import SteepleSyntax

/// `if c { a } else if d { b } else { e }` used as a value: the value of the first branch whose
/// condition is true, or of the `else`. Only that branch is evaluated.
final class ConditionalNode: ExpressionNode {
  let branches: [(condition: ExpressionNode, value: ExpressionNode)]
  let otherwise: ExpressionNode

  init(branches: [(condition: ExpressionNode, value: ExpressionNode)], otherwise: ExpressionNode, range: SourceRange) {
    self.branches = branches
    self.otherwise = otherwise
    super.init(range: range)
  }

  override func evaluate(_ c: Context) throws -> Value {
    for branch in branches where try branch.condition.test(c) {
      return try branch.value.evaluate(c)
    }
    return try otherwise.evaluate(c)
  }
}
