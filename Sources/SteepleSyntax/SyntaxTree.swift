/// The syntax tree the parser builds. Every node keeps its source range. The tree is plain data: the
/// interpreter's resolver turns it into something that runs.

/// A name as written, with where it was written.
public struct Identifier: Sendable {
  public var name: String
  public var range: SourceRange

  public init(_ name: String, range: SourceRange) {
    self.name = name
    self.range = range
  }
}

/// A parsed file: its statements in order.
public struct SourceProgram: Sendable {
  public var file: SourceFile
  public var statements: [Statement]

  public init(file: SourceFile, statements: [Statement]) {
    self.file = file
    self.statements = statements
  }
}

public struct Statement: Sendable {
  public indirect enum Kind: Sendable {
    /// `let x = e` (`mutable` false) or `var x = e`.
    case binding(name: Identifier, mutable: Bool, value: Expression)
    /// `target = value` or `target op= value`; the target is a name, member or index expression.
    case assignment(target: Expression, op: BinaryOperator?, value: Expression)
    /// `fn name(params) { body }`.
    case function(name: Identifier, FunctionLiteral)
    /// `if c { } else if c { } else { }`.
    case ifChain(branches: [(condition: Expression, body: Block)], otherwise: Block?)
    /// `for x in e { }` or `for (k, v) in e { }`.
    case forLoop(variables: [Identifier], iterable: Expression, body: Block)
    case whileLoop(condition: Expression, body: Block)
    case breakLoop
    case continueLoop
    case returnValue(Expression?)
    /// `import "path"` or `import "path" as name`.
    case importModule(path: String, pathRange: SourceRange, alias: Identifier?)
    case expression(Expression)
    /// A statement the parser could not read; already reported.
    case invalid
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// Statements between braces.
public struct Block: Sendable {
  public var statements: [Statement]
  public var range: SourceRange

  public init(statements: [Statement], range: SourceRange) {
    self.statements = statements
    self.range = range
  }
}

public struct Expression: Sendable {
  public indirect enum Kind: Sendable {
    case nilLiteral
    case boolean(Bool)
    case integer(Int)
    case float(Double)
    case string([StringPart])
    case list([Expression])
    case record([RecordField])
    case name(String)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(callee: Expression, arguments: [Argument])
    case member(Expression, Identifier)
    case index(Expression, Expression)
    /// `x[lower:upper]`, either bound omitted.
    case slice(Expression, lower: Expression?, upper: Expression?)
    /// `if c { a } else if d { b } else { e }` used as a value.
    case conditional(branches: [(condition: Expression, value: Expression)], otherwise: Expression)
    /// `...x`: only as an element of a list literal, or as the value of a record field (whose
    /// name is then `...`) in a record literal or a declaration's fields.
    case spread(Expression)
    /// `[e for x in xs if c]` or `{ k: v for (k, v) in r if c }`.
    case comprehension(Comprehension)
    case function(FunctionLiteral)
    case declaration(Declaration)
    /// An expression the parser could not read; already reported.
    case invalid
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A list comprehension `[element for x in iterable if condition]`, or a record comprehension
/// `{ key: element for (k, v) in iterable if condition }` when `key` is set.
public struct Comprehension: Sendable {
  public var key: Expression?
  public var element: Expression
  /// One name, or two for `(key, value)` / `(index, element)` pairs.
  public var variables: [Identifier]
  public var iterable: Expression
  public var condition: Expression?

  public init(key: Expression?, element: Expression, variables: [Identifier], iterable: Expression, condition: Expression?) {
    self.key = key
    self.element = element
    self.variables = variables
    self.iterable = iterable
    self.condition = condition
  }
}

extension Expression {
  /// Whether this is `...x`.
  public var isSpread: Bool {
    if case .spread = kind { return true }
    return false
  }
}

public enum StringPart: Sendable {
  case text(String)
  case interpolation(Expression)
}

/// `name: value`, or a spread `...value` (then `value` is a `.spread` and `name` is `...`).
public struct RecordField: Sendable {
  public var name: Identifier
  public var value: Expression

  /// Whether this is `...value`, which copies the fields of a record.
  public var isSpread: Bool { value.isSpread }

  public init(name: Identifier, value: Expression) {
    self.name = name
    self.value = value
  }
}

/// A call argument: positional, or with a label (`f(1, b: 3)`).
public struct Argument: Sendable {
  public var label: Identifier?
  public var value: Expression

  public init(label: Identifier?, value: Expression) {
    self.label = label
    self.value = value
  }
}

public struct Parameter: Sendable {
  public var name: Identifier
  public var defaultValue: Expression?

  public init(name: Identifier, defaultValue: Expression?) {
    self.name = name
    self.defaultValue = defaultValue
  }
}

/// A function's parameters and body; named by `fn name(...)`, anonymous as `fn(...) { }`.
public struct FunctionLiteral: Sendable {
  public var name: String?
  public var parameters: [Parameter]
  public var body: Block
  public var range: SourceRange

  public init(name: String?, parameters: [Parameter], body: Block, range: SourceRange) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.range = range
  }
}

/// The five primitives.
public enum DeclarationKind: String, CaseIterable, Sendable {
  case account, cluster, mesh, entry, verify
}

/// `account NAME { fields }`, `cluster NAME in ACCOUNT { fields }`, `mesh NAME { fields }`,
/// `entry SPIFFE_ID { fields }`, `verify CHECK [FROM [-> TO]] [{ fields }]`.
public struct Declaration: Sendable {
  public var kind: DeclarationKind
  /// The keyword's range.
  public var keywordRange: SourceRange
  /// The name or SPIFFE ID; for `verify`, the check's kind (`mtls`, `denied`, `svid`, `all`).
  public var name: Expression
  /// The account of a `cluster`.
  public var parent: Expression?
  /// `verify`'s operands: the subject, and the peer after `->`.
  public var arguments: [Expression]
  public var fields: [RecordField]

  public init(
    kind: DeclarationKind, keywordRange: SourceRange, name: Expression, parent: Expression?,
    arguments: [Expression], fields: [RecordField]
  ) {
    self.kind = kind
    self.keywordRange = keywordRange
    self.name = name
    self.parent = parent
    self.arguments = arguments
    self.fields = fields
  }
}

public enum UnaryOperator: String, Sendable {
  case negate = "-", not = "not"
}

public enum BinaryOperator: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
  case and, or, `in`, nilCoalescing = "??"
}
