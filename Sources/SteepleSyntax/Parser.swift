/// Builds a syntax tree from tokens, reporting every error it can find.
///
/// Recursive descent with one token of lookahead. A statement ends at a line break, `;` or `}`;
/// inside `(...)` and `[...]` line breaks are ignored, so long calls and lists can span lines. After
/// an error the parser skips to the start of the next line and goes on, so independent mistakes are
/// all reported. Nesting is limited so that no input, however deep, overflows the stack.
public struct Parser {
  /// The deepest nesting of brackets, blocks and prefix operators accepted.
  public static let maxNesting = 256
  /// The tallest expression tree accepted, counting each operator of a chain such as `a + b + c`.
  public static let maxHeight = 1024

  private var tokens: [Token]
  private var index = 0
  private let file: SourceFile
  private var diagnostics: [Diagnostic] = []
  /// Open `(` and `[` around the current position, within the innermost block or record.
  private var bracketDepth = 0
  private var nesting = 0
  private var height = 0
  /// Set while parsing the condition of an `if` or `while` or the sequence of a `for`, where a
  /// `{` begins the block: there `cluster {` is the name `cluster` and a block, not a declaration
  /// missing its name. Brackets, blocks and records inside clear it.
  private var braceEndsExpression = false
  /// Set when input is too deep to parse further; everything after it is skipped quietly.
  private var abandoned = false
  /// Set by an error that leaves the parser out of step with the input: until the next statement
  /// (or the next block's closing brace) the errors it finds are echoes of that one, and dropped.
  private var recovering = false
  /// Errors after which the parser is still in step with the input.
  private static let inStepErrors: Set<String> = [
    "duplicate-argument", "duplicate-field", "duplicate-parameter", "positional-after-label", "missing-default",
    "chained-comparison", "invalid-assignment", "interpolated-import", "interpolated-field-name", "empty-interpolation",
  ]

  /// Parses a whole file.
  public static func parse(_ file: SourceFile) -> (program: SourceProgram, diagnostics: [Diagnostic]) {
    var lexer = Lexer(file: file)
    let tokens = lexer.tokenize()
    var parser = Parser(file: file, tokens: tokens)
    let statements = parser.parseStatements(until: nil)
    return (SourceProgram(file: file, statements: statements), lexer.diagnostics + parser.diagnostics)
  }

  private init(file: SourceFile, tokens: [Token], nesting: Int = 0, height: Int = 0) {
    self.file = file
    self.tokens = tokens
    self.nesting = nesting
    self.height = height
    self.closers = Self.matchBrackets(tokens)
  }

  /// For each opening bracket, the position of the token that closes it (any closing bracket, as
  /// counted by depth), or of the end of the file. Looking ahead with it (is this `account (x)`
  /// followed by `{`? does this `{` hold a `for`?) costs no rescanning, whatever the input.
  private let closers: [Int: Int]

  private static func matchBrackets(_ tokens: [Token]) -> [Int: Int] {
    var closers: [Int: Int] = [:]
    var open: [Int] = []
    for (position, token) in tokens.enumerated() {
      switch token.kind {
      case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): open.append(position)
      case .symbol(.rightParen), .symbol(.rightBracket), .symbol(.rightBrace):
        if let opening = open.popLast() { closers[opening] = position }
      default: break
      }
    }
    for opening in open { closers[opening] = tokens.count - 1 }
    return closers
  }

  /// The position after a postfix expression that starts at `start`, as far as a look ahead can
  /// tell: a name, literal or bracketed group, then members, and calls and indexes on its line.
  private func endOfPostfix(from start: Int) -> Int {
    let last = tokens.count - 1
    var position = start
    guard position < last else { return last }
    switch tokens[position].kind {
    case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): position = (closers[position] ?? last) + 1
    case .identifier, .keyword, .string, .integer, .float: position += 1
    default: return position
    }
    while position < last {
      switch tokens[position].kind {
      case .symbol(.dot): position += 2
      case .symbol(.leftParen) where !tokens[position].newlineBefore, .symbol(.leftBracket) where !tokens[position].newlineBefore:
        position = (closers[position] ?? last) + 1
      default: return min(position, last)
      }
    }
    return min(position, last)
  }

  // MARK: Tokens

  private var current: Token { tokens[index] }
  private var previous: Token { tokens[max(0, index - 1)] }

  private func peekKind(_ ahead: Int) -> Token.Kind {
    tokens[min(index + ahead, tokens.count - 1)].kind
  }

  @discardableResult
  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
  private func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }
  private var atEnd: Bool { current.kind == .endOfFile }

  private mutating func match(_ symbol: Symbol) -> Bool {
    guard check(symbol) else { return false }
    advance()
    return true
  }

  private mutating func match(_ keyword: Keyword) -> Bool {
    guard check(keyword) else { return false }
    advance()
    return true
  }

  /// Consumes `symbol` or reports what was expected; returns whether it was there.
  @discardableResult
  private mutating func expect(_ symbol: Symbol, _ context: String, detail: String? = nil) -> Bool {
    if match(symbol) { return true }
    error(
      "expected-token", "expected '\(symbol.rawValue)' \(context), found \(current.kind)",
      detail: detail ?? "insert '\(symbol.rawValue)'", at: current.range)
    return false
  }

  private func range(from start: SourceRange) -> SourceRange {
    SourceRange(file: file, start: start.start, end: max(start.end, previous.range.end))
  }

  private mutating func error(
    _ code: String, _ summary: String, detail: String, at range: SourceRange, notes: [Diagnostic.Note] = []
  ) {
    guard !abandoned, !recovering else { return }
    // Errors at the same place as the one before are echoes of it.
    if let last = diagnostics.last, last.range?.start == range.start, last.range?.file === range.file { return }
    // So are errors at, or just after, a character the lexer could not read: it reported it.
    if range.start == current.range.start, current.kind == .invalid || (index > 0 && tokens[index - 1].kind == .invalid) {
      recovering = true
      return
    }
    diagnostics.append(Diagnostic(code: code, summary, detail: detail, at: range, notes: notes))
    if !Self.inStepErrors.contains(code) { recovering = true }
  }

  /// Enters one level of nesting; false (and the input abandoned) if that is too deep.
  private mutating func enter() -> Bool {
    nesting += 1
    height += 1
    if nesting > Self.maxNesting || height > Self.maxHeight {
      tooDeep()
      return false
    }
    return true
  }

  private mutating func leave() {
    nesting -= 1
    height -= 1
  }

  private mutating func tooDeep() {
    if !abandoned {
      let what = nesting > Self.maxNesting ? "nested more than \(Self.maxNesting) levels deep" : "more than \(Self.maxHeight) operators deep"
      error("nesting-too-deep", "code is \(what)",
        detail: "split the expression with 'let' bindings or helper functions", at: current.range)
      abandoned = true
    }
    index = tokens.count - 1
  }

  // MARK: Statements

  /// Statements up to `}` (when `closing` is given) or the end of the file.
  private mutating func parseStatements(until closing: Symbol?) -> [Statement] {
    var statements: [Statement] = []
    while !atEnd {
      if let closing, check(closing) { break }
      if match(.semicolon) { continue }
      if closing == nil, check(.rightBrace) {
        error("unexpected-token", "unexpected '}'", detail: "remove it, or add the '{' it should close",
          at: current.range)
        advance()
        continue
      }
      let errorsBefore = diagnostics.count
      let startIndex = index
      recovering = false
      let statement = parseStatement()
      statements.append(statement)
      // A statement that consumed nothing met a token no statement starts with. Its error may be
      // missing from `diagnostics` (one at the same place as the error before is dropped as an
      // echo), so test the position too: else this loop never ends (found by the fuzzer).
      if diagnostics.count > errorsBefore || abandoned || recovering || index == startIndex {
        // Skip at least one token, so that a statement that consumed nothing cannot loop.
        if index == startIndex { advance() }
        synchronize()
        continue
      }
      // A statement ends at a line break, ';', '}' or the end of the file.
      if !(current.newlineBefore || check(.semicolon) || check(.rightBrace) || atEnd) {
        error("expected-newline", "expected a line break or ';' after the statement, found \(current.kind)",
          detail: "put each statement on a line of its own, or separate them with ';'", at: current.range)
        synchronize()
      }
    }
    return statements
  }

  /// Skips to the start of the next line at this block's level, or to its closing brace.
  private mutating func synchronize() {
    var braces = 0
    var brackets = 0
    while !atEnd {
      if braces == 0, brackets == 0, check(.rightBrace) || current.newlineBefore { return }
      switch current.kind {
      case .symbol(.leftBrace): braces += 1
      case .symbol(.rightBrace): braces -= 1
      case .symbol(.leftParen), .symbol(.leftBracket): brackets += 1
      case .symbol(.rightParen), .symbol(.rightBracket): brackets = max(0, brackets - 1)
      default: break
      }
      advance()
    }
  }

  private mutating func parseStatement() -> Statement {
    // A statement is no level of its own: the blocks and expressions in it are.
    let start = current.range
    switch current.kind {
    case .keyword(.let), .keyword(.var):
      let mutable = advance().kind == .keyword(.var)
      let keyword = mutable ? "var" : "let"
      guard let name = parseIdentifier("after '\(keyword)'") else { return Statement(.invalid, range: start) }
      if !check(.equal) {
        error("expected-token", "expected '=' after '\(keyword) \(name.name)', found \(current.kind)",
          detail: "give the \(mutable ? "variable" : "constant") a value: \(keyword) \(name.name) = ...", at: current.range)
        // Still declare the name, so its uses are not reported as undefined as well.
        let value = Expression(.invalid, range: current.range)
        return Statement(.binding(name: name, mutable: mutable, value: value), range: range(from: start))
      }
      advance()
      let value = parseExpression()
      return Statement(.binding(name: name, mutable: mutable, value: value), range: range(from: start))
    case .keyword(.fn) where isIdentifierLike(peekKind(1)):
      advance()
      guard let name = parseIdentifier("after 'fn'") else { return Statement(.invalid, range: start) }
      let function = parseFunctionRest(name: name.name, start: start)
      return Statement(.function(name: name, function), range: range(from: start))
    case .keyword(.if):
      return parseIf()
    case .keyword(.for):
      advance()
      let variables = parseLoopNames("the 'for' pattern")
      if !match(.in) {
        error("expected-token", "expected 'in' after the loop variable, found \(current.kind)",
          detail: "write 'for x in list { ... }'", at: current.range)
        return Statement(.invalid, range: start)
      }
      let iterable = parseCondition("for")
      let body = parseBlock("for the loop body")
      return Statement(.forLoop(variables: variables, iterable: iterable, body: body), range: range(from: start))
    case .keyword(.while):
      advance()
      let condition = parseCondition("while")
      let body = parseBlock("for the loop body")
      return Statement(.whileLoop(condition: condition, body: body), range: range(from: start))
    case .keyword(.break):
      advance()
      return Statement(.breakLoop, range: start)
    case .keyword(.continue):
      advance()
      return Statement(.continueLoop, range: start)
    case .keyword(.return):
      advance()
      if current.newlineBefore || check(.rightBrace) || check(.semicolon) || atEnd {
        return Statement(.returnValue(nil), range: start)
      }
      let value = parseExpression()
      return Statement(.returnValue(value), range: range(from: start))
    case .keyword(.import):
      advance()
      guard case .string(let literal) = current.kind else {
        error("expected-token", "expected a module path in quotes after 'import', found \(current.kind)",
          detail: "write import \"spire\" or import \"./lib/common.spire\" as common", at: current.range)
        return Statement(.invalid, range: start)
      }
      let pathToken = advance()
      var path = ""
      for segment in literal.segments {
        switch segment {
        case .text(let text): path += text
        case .interpolation:
          error("interpolated-import", "a module path cannot use interpolation",
            detail: "imports are resolved before the script runs; write the path as plain text", at: pathToken.range)
          if match(.as) { _ = parseIdentifier("after 'as'") }
          return Statement(.invalid, range: range(from: start))
        }
      }
      var alias: Identifier?
      if match(.as) {
        alias = parseIdentifier("after 'as'")
      }
      return Statement(.importModule(path: path, pathRange: pathToken.range, alias: alias), range: range(from: start))
    case .identifier(let word) where Self.functionHabits.contains(word) && isIdentifierLike(peekKind(1)) && peekKind(2) == .symbol(.leftParen):
      error("unexpected-token", "Steeple declares functions with 'fn', not '\(word)'",
        detail: "write: fn name(parameters) { ... }", at: current.range)
      advance()
      return Statement(.invalid, range: start)
    case .identifier(let word) where Self.elseIfHabits.contains(word) && startsOperand(tokens[min(index + 1, tokens.count - 1)]):
      error("unexpected-token", "Steeple writes 'else if', not '\(word)'",
        detail: "'else if' follows the closing '}' of an 'if' block: } else if condition { ... }", at: current.range)
      advance()
      return Statement(.invalid, range: start)
    case .keyword(.else):
      error("unexpected-token", "'else' without an 'if'",
        detail: "'else' must follow the closing '}' of an 'if' block", at: current.range)
      advance()
      return Statement(.invalid, range: start)
    default:
      let target = parseExpression()
      if let op = assignmentOperator(current.kind) {
        let opToken = advance()
        switch target.kind {
        case .name, .member, .index: break
        case .invalid: break
        case .slice:
          error("invalid-assignment", "cannot assign to a slice",
            detail: "a slice is a new list; assign to elements one by one (xs[i] = v), or build the list you want and assign it", at: target.range)
        default:
          error("invalid-assignment", "cannot assign to this expression",
            detail: "assign to a variable, a record field (r.name) or an element (xs[0])", at: target.range)
        }
        _ = opToken
        let value = parseExpression()
        return Statement(.assignment(target: target, op: op, value: value), range: range(from: start))
      }
      return Statement(.expression(target), range: range(from: start))
    }
  }

  private func assignmentOperator(_ kind: Token.Kind) -> BinaryOperator?? {
    switch kind {
    case .symbol(.equal): return .some(nil)
    case .symbol(.plusEqual): return .add
    case .symbol(.minusEqual): return .subtract
    case .symbol(.starEqual): return .multiply
    case .symbol(.slashEqual): return .divide
    case .symbol(.percentEqual): return .remainder
    default: return nil
    }
  }

  private mutating func parseIf() -> Statement {
    let start = current.range
    var branches: [(condition: Expression, body: Block)] = []
    var otherwise: Block?
    advance()
    branches.append((parseCondition("if"), parseBlock("after the 'if' condition")))
    while true {
      if case .identifier(let word) = current.kind, Self.elseIfHabits.contains(word), startsOperand(tokens[min(index + 1, tokens.count - 1)]) {
        error("unexpected-token", "Steeple writes 'else if', not '\(word)'",
          detail: "write: } else if condition { ... }", at: current.range)
        advance()
        branches.append((parseCondition("else if"), parseBlock("after the 'else if' condition")))
        continue
      }
      guard check(.else) else { break }
      advance()
      if match(.if) {
        branches.append((parseCondition("else if"), parseBlock("after the 'else if' condition")))
      } else {
        otherwise = parseBlock("after 'else'")
        break
      }
    }
    return Statement(.ifChain(branches: branches, otherwise: otherwise), range: range(from: start))
  }

  /// Whether a token on the same line as the one before can begin an operand: a name, a
  /// literal or `(`. (After a name, that means the name is not used as a value.)
  private func startsOperand(_ token: Token) -> Bool {
    guard !token.newlineBefore else { return false }
    switch token.kind {
    case .identifier, .integer, .float, .string, .symbol(.leftParen): return true
    case .keyword(let keyword): return keyword.isContextual || [.not, .true, .false, .nil].contains(keyword)
    default: return false
    }
  }

  /// How other languages spell `fn`.
  static let functionHabits: Set<String> = ["def", "function", "func", "fun"]

  /// How other languages spell `else if`.
  static let elseIfHabits: Set<String> = ["elif", "elsif", "elseif"]

  /// The condition of an `if`, `else if` or `while`, or a `for`'s sequence: an expression
  /// followed by the `{` of a block. `if x = 1` gets an error that says to compare with `==`.
  private mutating func parseCondition(_ keyword: String) -> Expression {
    let saved = braceEndsExpression
    braceEndsExpression = true
    let condition = parseExpression()
    braceEndsExpression = saved
    if keyword != "for", check(.equal) {
      error("expected-token", "'=' assigns; to compare in a condition, write '=='",
        detail: "write: \(keyword) \(condition.range.text) == \(nextTokenText()) { ... }", at: current.range)
    }
    return condition
  }

  /// The source text of the token after the current one, for fix-its.
  private func nextTokenText() -> String {
    tokens[min(index + 1, tokens.count - 1)].range.text
  }

  private mutating func parseBlock(_ context: String) -> Block {
    let start = current.range
    guard check(.leftBrace) else {
      error("expected-token", "expected '{' \(context), found \(current.kind)",
        detail: "blocks are written in braces: { ... }", at: current.range)
      return Block(statements: [], range: start)
    }
    advance()
    guard enter() else { return Block(statements: [], range: start) }
    let savedBrackets = bracketDepth
    let savedBraceEnds = braceEndsExpression
    bracketDepth = 0
    braceEndsExpression = false
    let statements = parseStatements(until: .rightBrace)
    bracketDepth = savedBrackets
    braceEndsExpression = savedBraceEnds
    leave()
    if match(.rightBrace) {
      // The block's end puts the parser back in step, whatever happened inside it.
      recovering = false
    } else {
      error("expected-token", "expected '}' to close the block, found \(current.kind)",
        detail: "add '}' to close the block", at: current.range,
        notes: [.init("the block opens here", at: start)])
    }
    return Block(statements: statements, range: range(from: start))
  }

  private func isIdentifierLike(_ kind: Token.Kind) -> Bool {
    switch kind {
    case .identifier: return true
    case .keyword(let keyword): return keyword.isContextual
    default: return false
    }
  }

  private mutating func parseIdentifier(_ context: String) -> Identifier? {
    if case .identifier(let name) = current.kind {
      return Identifier(name, range: advance().range)
    }
    // The five primitives' keywords are names wherever a name is expected.
    if case .keyword(let keyword) = current.kind, keyword.isContextual {
      return Identifier(keyword.rawValue, range: advance().range)
    }
    if case .keyword(let keyword) = current.kind {
      error("reserved-word", "'\(keyword.rawValue)' is a reserved word and cannot be used as a name",
        detail: "choose another name, such as '\(keyword.rawValue)_'", at: current.range)
      advance()
      return nil
    }
    error("expected-token", "expected a name \(context), found \(current.kind)",
      detail: "names start with a letter or '_'", at: current.range)
    return nil
  }

  /// A name in a place where keywords are fine too: field names, member names, argument labels.
  private mutating func parseFieldName(_ context: String) -> Identifier? {
    switch current.kind {
    case .identifier(let name): return Identifier(name, range: advance().range)
    case .keyword(let keyword): return Identifier(keyword.rawValue, range: advance().range)
    default:
      error("expected-token", "expected a name \(context), found \(current.kind)",
        detail: "names start with a letter or '_'", at: current.range)
      return nil
    }
  }

  /// Parameters and body of a function, after `fn` and its name.
  private mutating func parseFunctionRest(name: String?, start: SourceRange) -> FunctionLiteral {
    var parameters: [Parameter] = []
    if expect(.leftParen, "to begin the parameter list") {
      bracketDepth += 1
      while !check(.rightParen), !atEnd {
        guard let parameterName = parseIdentifier("for a parameter") else { break }
        var defaultValue: Expression?
        if match(.equal) {
          defaultValue = parseExpression()
        } else if parameters.last?.defaultValue != nil {
          error("missing-default", "parameter '\(parameterName.name)' needs a default value",
            detail: "parameters after one with a default must have defaults too", at: parameterName.range)
        }
        if let first = parameters.first(where: { $0.name.name == parameterName.name }) {
          error("duplicate-parameter", "duplicate parameter '\(parameterName.name)'",
            detail: "give each parameter its own name", at: parameterName.range,
            notes: [.init("first declared here", at: first.name.range)])
        }
        parameters.append(Parameter(name: parameterName, defaultValue: defaultValue))
        if !match(.comma) { break }
      }
      bracketDepth -= 1
      expect(.rightParen, "to close the parameter list")
    }
    let body = parseBlock("for the function body")
    return FunctionLiteral(name: name, parameters: parameters, body: body, range: range(from: start))
  }

  // MARK: Expressions

  public mutating func parseExpression() -> Expression {
    guard enter() else { return Expression(.invalid, range: current.range) }
    defer { leave() }
    return parseOr()
  }

  /// Whether a binary operator here continues the expression: not when it starts a new line,
  /// unless inside brackets.
  private var continues: Bool { !current.newlineBefore || bracketDepth > 0 }

  private mutating func parseChain(
    _ operand: (inout Parser) -> Expression, _ op: (Token.Kind) -> BinaryOperator?
  ) -> Expression {
    var left = operand(&self)
    var added = 0
    defer { height -= added }
    while continues, let binary = op(current.kind) {
      if binary == .add || binary == .subtract, incrementHabit(binary, after: left) { return left }
      advance()
      added += 1
      height += 1
      if height > Self.maxHeight {
        tooDeep()
        return Expression(.invalid, range: left.range)
      }
      let right = operand(&self)
      left = Expression(.binary(binary, left, right), range: left.range.through(right.range))
    }
    return left
  }

  /// `x++` or `x--` (the two signs together, then the end of the statement): reported with the
  /// Steeple spelling, `x += 1`. True when it was one, and skipped.
  private mutating func incrementHabit(_ binary: BinaryOperator, after operand: Expression) -> Bool {
    let next = tokens[min(index + 1, tokens.count - 1)]
    guard next.kind == current.kind, next.range.start == current.range.end else { return false }
    let after = tokens[min(index + 2, tokens.count - 1)]
    let ends = after.newlineBefore || after.kind == .endOfFile || after.kind == .symbol(.semicolon)
      || after.kind == .symbol(.rightBrace) || after.kind == .symbol(.rightParen)
    guard binary == .add || ends else { return false }
    let sign = binary == .add ? "+" : "-"
    error("unexpected-token", "Steeple has no '\(sign)\(sign)' operator",
      detail: "write '\(operand.range.text) \(sign)= 1' to \(binary == .add ? "add 1 to" : "subtract 1 from") a variable",
      at: current.range.through(next.range))
    advance()
    advance()
    return true
  }

  private mutating func parseOr() -> Expression {
    parseChain({ $0.parseAnd() }) { $0 == .keyword(.or) ? .or : nil }
  }

  private mutating func parseAnd() -> Expression {
    parseChain({ $0.parseNot() }) { $0 == .keyword(.and) ? .and : nil }
  }

  private mutating func parseNot() -> Expression {
    guard check(.not) else { return parseComparison() }
    let start = advance().range
    guard enter() else { return Expression(.invalid, range: start) }
    defer { leave() }
    let operand = parseNot()
    return Expression(.unary(.not, operand), range: start.through(operand.range))
  }

  private func comparisonOperator(_ kind: Token.Kind) -> BinaryOperator? {
    switch kind {
    case .symbol(.equalEqual): return .equal
    case .symbol(.bangEqual): return .notEqual
    case .symbol(.less): return .less
    case .symbol(.lessEqual): return .lessEqual
    case .symbol(.greater): return .greater
    case .symbol(.greaterEqual): return .greaterEqual
    case .keyword(.in): return .in
    default: return nil
    }
  }

  private mutating func parseComparison() -> Expression {
    let left = parseCoalesce()
    guard continues else { return left }
    var negated = false
    var op = comparisonOperator(current.kind)
    if op == nil, check(.not), peekKind(1) == .keyword(.in) {
      advance()
      negated = true
      op = .in
    }
    guard let op else { return left }
    advance()
    let right = parseCoalesce()
    var result = Expression(.binary(op, left, right), range: left.range.through(right.range))
    if negated { result = Expression(.unary(.not, result), range: result.range) }
    if continues, let chained = comparisonOperator(current.kind) {
      error("chained-comparison", "comparisons cannot be chained",
        detail: "combine them with 'and': a < b and b < c", at: current.range)
      _ = chained
    }
    return result
  }

  private mutating func parseCoalesce() -> Expression {
    let left = parseAdditive()
    guard continues, check(.questionQuestion) else { return left }
    advance()
    guard enter() else { return left }
    defer { leave() }
    let right = parseCoalesce()
    return Expression(.binary(.nilCoalescing, left, right), range: left.range.through(right.range))
  }

  private mutating func parseAdditive() -> Expression {
    parseChain({ $0.parseMultiplicative() }) { kind in
      switch kind {
      case .symbol(.plus): return .add
      case .symbol(.minus): return .subtract
      default: return nil
      }
    }
  }

  private mutating func parseMultiplicative() -> Expression {
    parseChain({ $0.parseUnary() }) { kind in
      switch kind {
      case .symbol(.star): return .multiply
      case .symbol(.slash): return .divide
      case .symbol(.percent): return .remainder
      default: return nil
      }
    }
  }

  private mutating func parseUnary() -> Expression {
    guard check(.minus) else { return parsePostfix() }
    let start = advance().range
    guard enter() else { return Expression(.invalid, range: start) }
    defer { leave() }
    let operand = parseUnary()
    if case .integer(let value) = operand.kind { return Expression(.integer(-value), range: start.through(operand.range)) }
    if case .float(let value) = operand.kind { return Expression(.float(-value), range: start.through(operand.range)) }
    return Expression(.unary(.negate, operand), range: start.through(operand.range))
  }

  private mutating func parsePostfix() -> Expression {
    var expression = parsePrimary()
    var added = 0
    defer { height -= added }
    while true {
      let onNewLine = current.newlineBefore && bracketDepth == 0
      if check(.dot) {
        advance()
        guard let name = parseFieldName("after '.'") else { return expression }
        expression = Expression(.member(expression, name), range: expression.range.through(name.range))
      } else if check(.leftParen), !onNewLine {
        advance()
        let arguments = parseArguments()
        expression = Expression(.call(callee: expression, arguments: arguments), range: range(from: expression.range))
      } else if check(.leftBracket), !onNewLine {
        advance()
        bracketDepth += 1
        // `xs[i]`, or a slice `xs[lower:upper]` with either bound left out.
        let lower = check(.colon) ? nil : parseExpression()
        var slice = false
        var upper: Expression?
        if match(.colon) {
          slice = true
          if !check(.rightBracket) { upper = parseExpression() }
        }
        bracketDepth -= 1
        expect(.rightBracket, slice ? "to close the slice" : "to close the subscript",
          detail: slice ? "write a slice as xs[start:end]; either bound may be left out" : nil)
        if slice {
          expression = Expression(.slice(expression, lower: lower, upper: upper), range: range(from: expression.range))
        } else {
          expression = Expression(.index(expression, lower ?? Expression(.invalid, range: current.range)), range: range(from: expression.range))
        }
      } else {
        return expression
      }
      added += 1
      height += 1
      if height > Self.maxHeight {
        tooDeep()
        return Expression(.invalid, range: expression.range)
      }
    }
  }

  private mutating func parseArguments() -> [Argument] {
    var arguments: [Argument] = []
    bracketDepth += 1
    let savedBraceEnds = braceEndsExpression
    braceEndsExpression = false
    defer {
      bracketDepth -= 1
      braceEndsExpression = savedBraceEnds
    }
    while !check(.rightParen), !atEnd {
      var label: Identifier?
      if peekKind(1) == .symbol(.colon) {
        switch current.kind {
        case .identifier, .keyword: label = parseFieldName("as an argument label")
          advance()
        default: break
        }
      }
      let value = parseExpression()
      if let label {
        if let first = arguments.first(where: { $0.label?.name == label.name }) {
          error("duplicate-argument", "argument '\(label.name)' is given twice",
            detail: "pass each argument once", at: label.range,
            notes: [.init("first given here", at: first.label?.range)])
        }
      } else if let labelled = arguments.last(where: { $0.label != nil }) {
        error("positional-after-label", "positional argument after a labelled one",
          detail: "put positional arguments first, or give this one a label", at: value.range,
          notes: [.init("labelled argument here", at: labelled.label?.range)])
      }
      arguments.append(Argument(label: label, value: value))
      if !match(.comma) { break }
    }
    var detail: String?
    if case .string = current.kind, case .string = arguments.last?.value.kind {
      detail = "a ',' is missing between the arguments; to join the strings into one, put '+' between them"
    } else if startsOperand(current) || current.kind == .symbol(.leftBracket) || current.kind == .symbol(.leftBrace) {
      detail = "a ',' is missing between the arguments, or an operator between the values"
    }
    expect(.rightParen, "to close the argument list", detail: detail)
    return arguments
  }

  private mutating func parsePrimary() -> Expression {
    let token = current
    switch token.kind {
    case .integer(let value):
      advance()
      return Expression(.integer(value), range: token.range)
    case .float(let value):
      advance()
      return Expression(.float(value), range: token.range)
    case .string(let literal):
      advance()
      return Expression(.string(parseStringParts(literal, range: token.range)), range: token.range)
    case .keyword(.true):
      advance()
      return Expression(.boolean(true), range: token.range)
    case .keyword(.false):
      advance()
      return Expression(.boolean(false), range: token.range)
    case .keyword(.nil):
      advance()
      return Expression(.nilLiteral, range: token.range)
    case .identifier(let name):
      advance()
      if name == "f", case .string = current.kind, current.range.start == token.range.end {
        // Python's f"..." (the string is read as it is, so the rest of the line parses).
        error("unexpected-token", "Steeple has no f-strings",
          detail: "every string interpolates: write \"text \\(value)\" without the 'f'", at: token.range)
        return parsePrimary()
      }
      return Expression(.name(name), range: token.range)
    case .symbol(.leftParen):
      advance()
      // One level: the expression inside counts it.
      bracketDepth += 1
      let savedBraceEnds = braceEndsExpression
      braceEndsExpression = false
      let inner = parseExpression()
      braceEndsExpression = savedBraceEnds
      bracketDepth -= 1
      expect(.rightParen, "to close the parenthesis")
      return Expression(inner.kind, range: range(from: token.range))
    case .symbol(.leftBracket):
      advance()
      // One level: each element's expression counts it.
      bracketDepth += 1
      let savedBraceEnds = braceEndsExpression
      braceEndsExpression = false
      defer { braceEndsExpression = savedBraceEnds }
      var elements: [Expression] = []
      while !check(.rightBracket), !atEnd {
        elements.append(parseElement())
        if elements.count == 1, check(.for), !elements[0].isSpread {
          let comprehension = parseComprehension(key: nil, element: elements[0])
          bracketDepth -= 1
          expect(.rightBracket, "to close the list comprehension", detail: "write [expression for x in list if condition]")
          return Expression(comprehension.map { .comprehension($0) } ?? .invalid, range: range(from: token.range))
        }
        if check(.if) {
          error("unexpected-token", "expected ',' or ']' in the list, found 'if'",
            detail: "a conditional value is written 'if c { a } else { b }'; to keep some elements, write [x for x in xs if c]",
            at: current.range)
        }
        if !match(.comma) { break }
      }
      bracketDepth -= 1
      expect(.rightBracket, "to close the list", detail: "separate elements with ',' and close the list with ']'")
      return Expression(.list(elements), range: range(from: token.range))
    case .symbol(.leftBrace):
      if recordIsComprehension() { return parseRecordComprehension() }
      let fields = parseRecordBody()
      return Expression(.record(fields), range: range(from: token.range))
    case .keyword(.fn):
      advance()
      // One level: its body's block counts it.
      let function = parseFunctionRest(name: nil, start: token.range)
      return Expression(.function(function), range: range(from: token.range))
    case .keyword(let keyword) where keyword.isContextual:
      guard startsDeclaration(keyword) else {
        advance()
        return Expression(.name(keyword.rawValue), range: token.range)
      }
      guard enter() else { return Expression(.invalid, range: token.range) }
      defer { leave() }
      return parseDeclaration()
    case .keyword(.if):
      guard enter() else { return Expression(.invalid, range: token.range) }
      defer { leave() }
      return parseConditionalExpression()
    case .keyword(let keyword):
      error("unexpected-token", "expected an expression, found '\(keyword.rawValue)'",
        detail: keyword == .else ? "'else' must follow the closing '}' of an 'if' block" : "'\(keyword.rawValue)' is a reserved word; it cannot start an expression",
        at: token.range)
      return Expression(.invalid, range: token.range)
    case .endOfFile:
      error("unexpected-end", "expected an expression, found the end of the file",
        detail: "finish the expression", at: token.range)
      return Expression(.invalid, range: token.range)
    case .invalid:
      advance()
      return Expression(.invalid, range: token.range)
    case .symbol(let symbol):
      error("unexpected-token", "expected an expression, found '\(symbol.rawValue)'",
        detail: symbol == .ellipsis
          ? "'...' spreads a list into a list literal ([...xs, y]) or a record into a record literal ({ ...r, f: v }), nowhere else"
          : "an expression is a value, a name, a call or an operation", at: token.range)
      return Expression(.invalid, range: token.range)
    }
  }

  /// Whether the primitive's keyword at the current token begins a declaration, or is a name.
  ///
  /// It declares when what follows on its line can only be a declaration's name: a string, a
  /// number, a name or another primitive's keyword (`account name { }`), or a `(...)` or `[...]`
  /// followed by `{` (for a cluster, `in` and a line that ends in `{`); for `verify`, a name. A `{` right after it declares too (reported as
  /// a missing name), except where a `{` begins a block (`if cluster { }`). Anything else (an
  /// operator, `.`, `(` for a call, the end of the line) makes it a name.
  private func startsDeclaration(_ keyword: Keyword) -> Bool {
    let next = tokens[min(index + 1, tokens.count - 1)]
    guard !next.newlineBefore else { return false }
    switch next.kind {
    case .string, .integer, .float: return true
    case .identifier: return true
    case .keyword(let other): return other.isContextual
    case .symbol(.leftBrace): return !braceEndsExpression
    case .symbol(.leftParen), .symbol(.leftBracket):
      // `account (name) { }` declares, `account(x)` calls and `entry[0]` indexes.
      guard keyword != .verify, !braceEndsExpression else { return false }
      var position = endOfPostfix(from: index + 1)
      guard !tokens[position].newlineBefore else { return false }
      if keyword != .cluster { return tokens[position].kind == .symbol(.leftBrace) }
      // `cluster (name) in account { }`, not `cluster(x) in names`.
      guard tokens[position].kind == .keyword(.in) else { return false }
      position = endOfPostfix(from: position + 1)
      return !tokens[position].newlineBefore && tokens[position].kind == .symbol(.leftBrace)
    default: return false
    }
  }

  /// A list element: an expression, or `...list`.
  private mutating func parseElement() -> Expression {
    guard check(.ellipsis) else { return parseExpression() }
    let start = advance().range
    let inner = parseExpression()
    return Expression(.spread(inner), range: start.through(inner.range))
  }

  /// The names after `for`: `x`, or `(key, value)`.
  private mutating func parseLoopNames(_ pattern: String) -> [Identifier] {
    var variables: [Identifier] = []
    if match(.leftParen) {
      if let first = parseIdentifier("in \(pattern)") { variables.append(first) }
      expect(.comma, "between the key and value names", detail: "write 'for (key, value) in record'")
      if let second = parseIdentifier("in \(pattern)") { variables.append(second) }
      expect(.rightParen, "to close \(pattern)")
    } else if let variable = parseIdentifier("after 'for'") {
      variables.append(variable)
    }
    return variables
  }

  /// `for x in xs [if c]` after a comprehension's element (and key), up to the closing bracket.
  private mutating func parseComprehension(key: Expression?, element: Expression) -> Comprehension? {
    advance()
    let variables = parseLoopNames("the comprehension's pattern")
    guard match(.in) else {
      error("expected-token", "expected 'in' after the comprehension's variable, found \(current.kind)",
        detail: "write [expression for x in list]", at: current.range)
      return nil
    }
    let iterable = parseExpression()
    var condition: Expression?
    if match(.if) { condition = parseExpression() }
    if check(.for) {
      error("unexpected-token", "a comprehension has one 'for'",
        detail: "nest comprehensions instead, or build the result with a 'for' loop", at: current.range)
      return nil
    }
    guard !variables.isEmpty else { return nil }
    return Comprehension(key: key, element: element, variables: variables, iterable: iterable, condition: condition)
  }

  /// `if c { a } else if d { b } else { e }` as a value: each branch holds one expression.
  private mutating func parseConditionalExpression() -> Expression {
    let start = advance().range
    var branches: [(condition: Expression, value: Expression)] = []
    while true {
      let condition = parseCondition("if")
      let value = parseBranchValue()
      branches.append((condition, value))
      guard check(.else) else {
        error("expected-token", "expected 'else' to finish the conditional expression, found \(current.kind)",
          detail: "a conditional expression needs a value for every case: if c { a } else { b }", at: current.range)
        return Expression(.invalid, range: range(from: start))
      }
      advance()
      if !match(.if) { break }
    }
    let otherwise = parseBranchValue()
    return Expression(.conditional(branches: branches, otherwise: otherwise), range: range(from: start))
  }

  /// `{ expression }`: a branch of a conditional expression.
  private mutating func parseBranchValue() -> Expression {
    guard expect(.leftBrace, "to begin the branch's value", detail: "write each branch's value in braces: if c { a } else { b }") else {
      return Expression(.invalid, range: current.range)
    }
    let savedBrackets = bracketDepth
    let savedBraceEnds = braceEndsExpression
    bracketDepth = 0
    braceEndsExpression = false
    let value = parseExpression()
    bracketDepth = savedBrackets
    braceEndsExpression = savedBraceEnds
    if !match(.rightBrace) {
      error("expected-token", "expected '}' after the branch's value, found \(current.kind)",
        detail: "a branch of a conditional expression holds one expression; for statements, use an 'if' statement or a function",
        at: current.range)
      // Skip to the branch's closing brace, so that its `else` still belongs to it.
      var depth = 0
      while !atEnd, !(depth == 0 && check(.rightBrace)) {
        if check(.leftBrace) { depth += 1 }
        if check(.rightBrace) { depth -= 1 }
        advance()
      }
      _ = match(.rightBrace)
    }
    return value
  }

  /// Whether the record opening at the current `{` holds a `for` outside any bracket or block in
  /// it: then it is a comprehension (no field's value can hold one).
  private func recordIsComprehension() -> Bool {
    let close = closers[index] ?? tokens.count - 1
    var position = index + 1
    while position < close {
      switch tokens[position].kind {
      case .keyword(.for): return true
      case .symbol(.leftParen), .symbol(.leftBracket), .symbol(.leftBrace): position = (closers[position] ?? close) + 1
      default: position += 1
      }
    }
    return false
  }

  /// `{ key: value for (k, v) in r if c }`: the key is an expression, such as a loop variable.
  private mutating func parseRecordComprehension() -> Expression {
    let start = advance().range
    guard enter() else { return Expression(.invalid, range: start) }
    defer { leave() }
    let savedBrackets = bracketDepth
    let savedBraceEnds = braceEndsExpression
    // Inside, line breaks do not end anything: the comprehension is one expression.
    bracketDepth = 1
    braceEndsExpression = false
    defer {
      bracketDepth = savedBrackets
      braceEndsExpression = savedBraceEnds
    }
    let key = parseExpression()
    guard expect(.colon, "between the key and the value of a record comprehension", detail: "write { key: value for (key, value) in record }") else {
      return Expression(.invalid, range: range(from: start))
    }
    let value = parseExpression()
    guard check(.for) else {
      error("expected-token", "expected 'for' in the record comprehension, found \(current.kind)",
        detail: "write { key: value for (key, value) in record }", at: current.range)
      return Expression(.invalid, range: range(from: start))
    }
    let comprehension = parseComprehension(key: key, element: value)
    bracketDepth = savedBrackets
    expect(.rightBrace, "to close the record comprehension", detail: "write { key: value for (key, value) in record }")
    return Expression(comprehension.map { .comprehension($0) } ?? .invalid, range: range(from: start))
  }

  /// `{ name: value, ... }`: fields separated by commas or line breaks.
  private mutating func parseRecordBody() -> [RecordField] {
    let open = current.range
    guard expect(.leftBrace, "to begin the fields") else { return [] }
    // One level: each field's value counts it.
    let savedBrackets = bracketDepth
    let savedBraceEnds = braceEndsExpression
    bracketDepth = 0
    braceEndsExpression = false
    defer { braceEndsExpression = savedBraceEnds }
    var fields: [RecordField] = []
    while !check(.rightBrace), !atEnd {
      if check(.ellipsis) {
        let spread = parseElement()
        fields.append(RecordField(name: Identifier("...", range: spread.range), value: spread))
        if match(.comma) { continue }
        if check(.rightBrace) || current.newlineBefore { continue }
        error("expected-token", "expected ',' or a line break between fields, found \(current.kind)",
          detail: "separate fields with ',' or put each on its own line", at: current.range)
        break
      }
      let name: Identifier?
      if case .string(let literal) = current.kind {
        let token = advance()
        var text = ""
        for segment in literal.segments {
          switch segment {
          case .text(let piece): text += piece
          case .interpolation:
            error("interpolated-field-name", "a field name cannot use interpolation",
              detail: "field names are fixed; to set a field whose name is computed, assign r[name] = value after building the record",
              at: token.range)
          }
        }
        name = Identifier(text, range: token.range)
      } else {
        name = parseFieldName("for a record field")
      }
      guard let name else { break }
      if !match(.colon) {
        error("expected-token", "expected ':' after field name '\(name.name)', found \(current.kind)",
          detail: "write fields as name: value", at: current.range)
        break
      }
      let value = parseExpression()
      if let first = fields.first(where: { !$0.isSpread && $0.name.name == name.name }) {
        error("duplicate-field", "duplicate field '\(name.name)'",
          detail: "give each field once", at: name.range,
          notes: [.init("first given here", at: first.name.range)])
      }
      fields.append(RecordField(name: name, value: value))
      if match(.comma) { continue }
      if check(.rightBrace) || current.newlineBefore { continue }
      error("expected-token", "expected ',' or a line break between fields, found \(current.kind)",
        detail: "separate fields with ',' or put each on its own line", at: current.range)
      break
    }
    bracketDepth = savedBrackets
    if !match(.rightBrace) {
      error("expected-token", "expected '}' to close the fields, found \(current.kind)",
        detail: "add '}'", at: current.range, notes: [.init("the fields open here", at: open)])
      // Skip to the closing brace so the fields' errors do not cascade.
      var depth = 0
      while !atEnd {
        if check(.leftBrace) { depth += 1 }
        if check(.rightBrace) {
          if depth == 0 { advance(); break }
          depth -= 1
        }
        advance()
      }
    }
    return fields
  }

  private mutating func parseDeclaration() -> Expression {
    let keywordToken = advance()
    guard case .keyword(let keyword) = keywordToken.kind, let kind = DeclarationKind(rawValue: keyword.rawValue) else {
      return Expression(.invalid, range: keywordToken.range)
    }
    let start = keywordToken.range
    if kind == .verify {
      return parseVerify(start: start)
    }
    if current.newlineBefore || check(.leftBrace) {
      let example = kind == .entry ? "entry \"spiffe://example.org/web\" { ... }" : "\(kind.rawValue) \"name\" { ... }"
      error("expected-token", "expected the \(kind == .entry ? "SPIFFE ID" : "name") after '\(kind.rawValue)'",
        detail: "write \(example)", at: current.range)
      return Expression(.invalid, range: start)
    }
    // In the name and the account, a `{` begins the fields: `cluster account in account { }`.
    let savedBraceEnds = braceEndsExpression
    braceEndsExpression = true
    defer { braceEndsExpression = savedBraceEnds }
    let name = parsePostfix()
    var parent: Expression?
    if kind == .cluster {
      if match(.in) {
        parent = parsePostfix()
      } else {
        var detail = "write cluster \"name\" in account_handle { ... }"
        if case .name(let word) = name.kind {
          detail += "\n'cluster \(word)' is read as a declaration; to use a variable named 'cluster', put an operator or ',' after it"
        }
        error("expected-token", "expected 'in' and the cluster's account, found \(current.kind)", detail: detail, at: current.range)
        return Expression(.invalid, range: start)
      }
    }
    guard check(.leftBrace) else {
      var detail = "write the fields in braces, even when there are none: { }"
      if case .name(let word) = name.kind {
        // `cluster x ...` may have meant the variable `cluster`: say how it was read.
        detail += "\n'\(kind.rawValue) \(word)' is read as a declaration; to use a variable named '\(kind.rawValue)', put an operator or ',' after it"
      }
      error("expected-token", "expected '{' to begin the \(kind.rawValue)'s fields, found \(current.kind)",
        detail: detail, at: current.range)
      return Expression(.invalid, range: start)
    }
    braceEndsExpression = savedBraceEnds
    let fields = parseRecordBody()
    let declaration = Declaration(kind: kind, keywordRange: start, name: name, parent: parent, arguments: [], fields: fields)
    return Expression(.declaration(declaration), range: range(from: start))
  }

  /// `verify KIND [SUBJECT [-> PEER]] [{ fields }]`.
  private mutating func parseVerify(start: SourceRange) -> Expression {
    guard !current.newlineBefore, let check = parseFieldName("for the kind of check after 'verify'") else {
      if current.newlineBefore {
        error("expected-token", "expected the kind of check after 'verify'",
          detail: "write verify mtls \"a\" -> \"b\", verify denied \"a\" -> \"b\", verify svid \"a\" or verify all",
          at: current.range)
      }
      return Expression(.invalid, range: start)
    }
    let name = Expression(.string([.text(check.name)]), range: check.range)
    var arguments: [Expression] = []
    let endsHere: Bool = {
      if current.newlineBefore || atEnd { return true }
      switch current.kind {
      case .symbol(.leftBrace), .symbol(.rightBrace), .symbol(.semicolon), .symbol(.rightParen),
        .symbol(.rightBracket), .symbol(.comma):
        return true
      default: return false
      }
    }()
    // The subject and peer are postfix expressions, so that nothing after them is silently
    // taken for something else (`verify mtls a == b` compared the check with b).
    // In the operands, a `{` begins the fields: `verify svid cluster { }`.
    let savedBraceEnds = braceEndsExpression
    braceEndsExpression = true
    if !endsHere {
      arguments.append(parsePostfix())
      if match(.arrow) {
        arguments.append(parsePostfix())
      }
    }
    braceEndsExpression = savedBraceEnds
    var fields: [RecordField] = []
    if self.check(.leftBrace), !current.newlineBefore {
      fields = parseRecordBody()
    } else if self.check(.leftBrace) {
      error("expected-token", "the fields of a check must begin on the line of 'verify'",
        detail: "put '{' on the line of 'verify': \(verifyExample(check.name, arguments.count)) { ... }; on its own line, '{' begins a record that is thrown away",
        at: current.range, notes: [.init("the check is here", at: range(from: start))])
    } else if !current.newlineBefore, !atEnd, !endsCheck(current.kind) {
      let what = arguments.isEmpty ? "the kind of check" : arguments.count == 1 ? "the check's subject" : "the check's peer"
      error("unexpected-token", "unexpected \(current.kind) after \(what)",
        detail: "the subject and peer of 'verify' are postfix expressions (a string, name, call, index or member) and nothing else may follow them on the line; put an expression in parentheses: \(verifyExample(check.name, 1, parenthesized: true))",
        at: current.range, notes: [.init("the check is here", at: range(from: start))])
    }
    let declaration = Declaration(kind: .verify, keywordRange: start, name: name, parent: nil, arguments: arguments, fields: fields)
    return Expression(.declaration(declaration), range: range(from: start))
  }

  /// Whether a token can follow a complete check on its line.
  private func endsCheck(_ kind: Token.Kind) -> Bool {
    switch kind {
    case .symbol(.rightBrace), .symbol(.semicolon), .symbol(.rightParen), .symbol(.rightBracket), .symbol(.comma), .endOfFile:
      return true
    default:
      return false
    }
  }

  /// `verify mtls "a" -> "b"`, for help texts.
  private func verifyExample(_ check: String, _ operands: Int, parenthesized: Bool = false) -> String {
    let subject = parenthesized ? "(a + b)" : "\"a\""
    return "verify \(check)" + (operands > 0 ? " \(subject)" : "") + (operands > 1 ? " -> \"b\"" : "")
  }

  /// Parses the expressions inside a string's interpolations.
  private mutating func parseStringParts(_ literal: StringLiteral, range: SourceRange) -> [StringPart] {
    literal.segments.map { segment in
      switch segment {
      case .text(let text):
        return .text(text)
      case .interpolation(let start, let end):
        var lexer = Lexer(file: file, start: start, end: end)
        let tokens = lexer.tokenize()
        diagnostics += lexer.diagnostics
        var inner = Parser(file: file, tokens: tokens, nesting: nesting + 1, height: height + 1)
        inner.bracketDepth = 1
        inner.abandoned = abandoned
        if inner.atEnd {
          error("empty-interpolation", "empty string interpolation",
            detail: "put an expression inside \\( ), or remove it", at: SourceRange(file: file, start: start - 2, end: end + 1))
          return .interpolation(Expression(.invalid, range: range))
        }
        let expression = inner.parseExpression()
        if !inner.atEnd {
          inner.error("unexpected-token", "unexpected \(inner.current.kind) in string interpolation",
            detail: "an interpolation holds one expression", at: inner.current.range)
        }
        diagnostics += inner.diagnostics
        if inner.abandoned { abandoned = true }
        return .interpolation(expression)
      }
    }
  }
}
