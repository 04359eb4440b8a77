import SteepleSyntax

/// Resolves a syntax tree and builds the nodes that run it.
///
/// Every name is mapped to a slot (a local of the running function, a variable of an enclosing one
/// `depth` frames out, or a builtin constant) before anything runs, so undefined names,
/// assignments to constants, `break` outside loops and the like are all reported up front, each with
/// its range and, for names, the closest one that exists. Function bodies are resolved when their
/// enclosing function (or the module) is complete, so functions can call functions declared below
/// them.
final class Compiler {
  enum BindingKind {
    case variable, constant, parameter, function, loopVariable
    case module(ModuleObject?)

    var isMutable: Bool {
      switch self {
      case .variable, .parameter: return true
      default: return false
      }
    }

    var word: String {
      switch self {
      case .variable: return "variable"
      case .constant: return "constant"
      case .parameter: return "parameter"
      case .function: return "function"
      case .loopVariable: return "loop variable"
      case .module: return "module"
      }
    }
  }

  struct Binding {
    let slot: Int
    let kind: BindingKind
    let range: SourceRange
  }

  final class BlockScope {
    var names: [String: Binding] = [:]
    /// Names this block declares further down, for "used before its declaration".
    var laterNames: [String: SourceRange] = [:]
  }

  final class FunctionScope {
    let parent: FunctionScope?
    /// The function being compiled; `nil` for the module.
    let code: FunctionCode?
    /// The parent's blocks visible where this function is defined.
    let parentBlocks: [BlockScope]
    var blocks: [BlockScope] = []
    var slotCount = 0
    var loopDepth = 0
    let isModule: Bool
    var deferred: [() -> Void] = []
    /// Slots of this scope's variables that nested functions read above their declaration: they
    /// hold `Uninitialized.value` until the declaration runs.
    var forwardSlots: Set<Int> = []

    init(parent: FunctionScope?, parentBlocks: [BlockScope], isModule: Bool, code: FunctionCode? = nil) {
      self.parent = parent
      self.code = code
      self.parentBlocks = parentBlocks
      self.isModule = isModule
    }

    func allocate() -> Int {
      slotCount += 1
      return slotCount - 1
    }
  }

  private let interpreter: Interpreter
  private let file: SourceFile
  private(set) var diagnostics: [Diagnostic] = []
  private var scope: FunctionScope
  /// Set once the last top-level expression is compiled, for a script's result value.
  private var resultSlot: Int?

  init(interpreter: Interpreter, file: SourceFile) {
    self.interpreter = interpreter
    self.file = file
    self.scope = FunctionScope(parent: nil, parentBlocks: [], isModule: true)
  }

  /// A compiler for one input of an interactive session: the input is a module whose names shadow
  /// those of the inputs before it, which it reaches one frame further out per earlier input (see
  /// `InteractiveScope`).
  init(interpreter: Interpreter, file: SourceFile, after previous: InteractiveScope.Link?) {
    self.interpreter = interpreter
    self.file = file
    self.scope = FunctionScope(parent: previous?.scope, parentBlocks: previous.map { [$0.block] } ?? [], isModule: true)
  }

  /// The module's scope and its top-level block, once `compileModule` has run.
  var moduleScope: FunctionScope { scope }
  private(set) var topBlock: BlockScope?

  /// The compiled module: its statements, its slot count and its top-level names.
  struct CompiledModule {
    let statements: StatementList
    let slotCount: Int
    let exports: [(name: String, slot: Int)]
    /// Slots that start as `Uninitialized.value` (see `FunctionScope.forwardSlots`).
    var uninitializedSlots: [Int] = []
  }

  func compileModule(_ program: SourceProgram) -> CompiledModule {
    let block = BlockScope()
    scope.blocks = [block]
    topBlock = block
    let statements = compileBlockStatements(program.statements, in: block, markResult: true)
    runDeferred(scope)
    let exports = block.names.filter { !$0.key.hasPrefix("_") }.map { (name: $0.key, slot: $0.value.slot) }
      .sorted { $0.slot < $1.slot }
    return CompiledModule(
      statements: StatementList(statements), slotCount: scope.slotCount, exports: exports, uninitializedSlots: scope.forwardSlots.sorted())
  }

  private func runDeferred(_ function: FunctionScope) {
    while !function.deferred.isEmpty {
      let work = function.deferred.removeFirst()
      work()
    }
  }

  // MARK: Diagnostics

  private func error(
    _ code: String, _ summary: String, _ detail: String, at range: SourceRange, notes: [Diagnostic.Note] = [],
    suggestion: String? = nil
  ) {
    diagnostics.append(Diagnostic(code: code, summary, detail: detail, at: range, notes: notes, suggestion: suggestion))
  }

  // MARK: Names

  private enum Resolved {
    case slot(depth: Int, Binding)
    case universal(Value)
  }

  private func lookup(_ name: String) -> Resolved? {
    var depth = 0
    var function: FunctionScope? = scope
    var blocks = scope.blocks
    while let current = function {
      for block in blocks.reversed() {
        if let binding = block.names[name] { return .slot(depth: depth, binding) }
      }
      blocks = current.parentBlocks
      function = current.parent
      depth += 1
    }
    if let value = interpreter.predeclared[name] { return .universal(value) }
    if let builtin = Builtins.byName[name] { return .universal(.builtin(builtin)) }
    return nil
  }

  /// Every name visible here, for spelling suggestions.
  private func visibleNames() -> [String] {
    var names: [String] = []
    var function: FunctionScope? = scope
    var blocks = scope.blocks
    while let current = function {
      for block in blocks { names += block.names.keys }
      blocks = current.parentBlocks
      function = current.parent
    }
    return names + interpreter.predeclared.keys + Builtins.byName.keys
  }

  private func laterDeclaration(of name: String) -> SourceRange? {
    for block in scope.blocks.reversed() {
      if let range = block.laterNames[name] { return range }
    }
    return nil
  }

  private func undefined(_ name: String, at range: SourceRange) {
    if let later = laterDeclaration(of: name) {
      error("used-before-declaration", "'\(name)' is used before it is declared",
        "move the declaration above this line", at: range, notes: [.init("'\(name)' is declared here", at: later)])
      return
    }
    if let keyword = Keyword(rawValue: name), keyword.isContextual {
      // A primitive's keyword that is not followed by a declaration form is read as a name.
      let form = keyword == .verify ? "verify mtls \"a\" -> \"b\"" : keyword == .cluster ? "cluster \"name\" in account { ... }" : "\(name) \"name\" { ... }"
      error("undefined-name", "undefined name '\(name)'",
        "'\(name)' is read as a name here, because no declaration form follows it on this line; to declare, write \(form) (the name on the keyword's line)",
        at: range)
      return
    }
    if let (steeple, why) = Self.foreignWords[name] {
      error("undefined-name", "undefined name '\(name)'", why, at: range, suggestion: steeple)
      return
    }
    let suggestion = Spelling.nearest(to: name, in: visibleNames().sorted())
    var notes: [Diagnostic.Note] = []
    if let suggestion, case .slot(_, let binding)? = lookup(suggestion) {
      notes.append(.init("'\(suggestion)' is declared here", at: binding.range))
    }
    error("undefined-name", "undefined name '\(name)'",
      "declare it with 'let' or 'var' before this line, import the module it belongs to, or fix the spelling",
      at: range, notes: notes, suggestion: suggestion)
  }

  /// Words other languages use for Steeple's literals, with what to write instead.
  static let foreignWords: [String: (String, String)] = [
    "null": ("nil", "Steeple writes 'nil' for no value"),
    "None": ("nil", "Steeple writes 'nil' for no value"),
    "NULL": ("nil", "Steeple writes 'nil' for no value"),
    "undefined": ("nil", "Steeple writes 'nil' for no value"),
    "True": ("true", "Steeple's booleans are 'true' and 'false', in lower case"),
    "TRUE": ("true", "Steeple's booleans are 'true' and 'false', in lower case"),
    "False": ("false", "Steeple's booleans are 'true' and 'false', in lower case"),
    "FALSE": ("false", "Steeple's booleans are 'true' and 'false', in lower case"),
  ]

  /// Declares a name in the innermost block; reports a redeclaration in the same block.
  @discardableResult
  private func declare(_ identifier: Identifier, _ kind: BindingKind) -> Int {
    let block = scope.blocks[scope.blocks.count - 1]
    block.laterNames[identifier.name] = nil
    if let existing = block.names[identifier.name] {
      error("redeclaration", "'\(identifier.name)' is already declared in this scope",
        "choose another name, or assign to the existing \(existing.kind.word) without '\(kind.isMutable ? "var" : "let")'",
        at: identifier.range, notes: [.init("first declared here", at: existing.range)])
      return existing.slot
    }
    let slot = scope.allocate()
    block.names[identifier.name] = Binding(slot: slot, kind: kind, range: identifier.range)
    return slot
  }

  // MARK: Statements

  private func compileBlock(_ block: Block, setUp: ((BlockScope) -> Void)? = nil) -> StatementList {
    let blockScope = BlockScope()
    scope.blocks.append(blockScope)
    setUp?(blockScope)
    let statements = compileBlockStatements(block.statements, in: blockScope, markResult: false)
    scope.blocks.removeLast()
    return StatementList(statements)
  }

  private func compileBlockStatements(_ statements: [Statement], in block: BlockScope, markResult: Bool) -> [StatementNode] {
    for statement in statements {
      switch statement.kind {
      case .binding(let name, _, _): if block.laterNames[name.name] == nil { block.laterNames[name.name] = name.range }
      case .function(let name, _): if block.laterNames[name.name] == nil { block.laterNames[name.name] = name.range }
      default: break
      }
    }
    var nodes: [StatementNode] = []
    for (index, statement) in statements.enumerated() {
      if markResult, index == statements.count - 1, case .expression(let expression) = statement.kind {
        // The last expression of a script is its result, as a REPL or embedder sees it.
        let slot = scope.allocate()
        resultSlot = slot
        nodes.append(StoreNode(depth: 0, slot: slot, name: "<result>", op: nil, value: compileExpression(expression), range: statement.range))
        continue
      }
      if case .expression(let expression) = statement.kind {
        warnIfUnused(expression, after: index > 0 ? statements[index - 1] : nil)
      }
      if let node = compileStatement(statement) { nodes.append(node) }
    }
    return nodes
  }

  var resultSlotIndex: Int? { resultSlot }

  private func compileStatement(_ statement: Statement) -> StatementNode? {
    switch statement.kind {
    case .binding(let name, let mutable, let value):
      let node = compileExpression(value)
      let slot = declare(name, mutable ? .variable : .constant)
      return StoreNode(depth: 0, slot: slot, name: name.name, op: nil, value: node, range: statement.range)
    case .function(let name, let literal):
      let slot = declare(name, .function)
      let node = compileFunction(literal, name: name.name)
      return StoreNode(depth: 0, slot: slot, name: name.name, op: nil, value: node, range: statement.range)
    case .assignment(let target, let op, let value):
      return compileAssignment(target, op, value, range: statement.range)
    case .ifChain(let branches, let otherwise):
      let compiled = branches.map { (condition: compileExpression($0.condition), body: compileBlock($0.body), range: $0.condition.range) }
      var rest = otherwise.map { compileBlock($0) } ?? .empty
      var node: IfNode?
      for branch in compiled.reversed() {
        let range = node == nil && compiled.count == 1 ? statement.range : branch.range.through(statement.range)
        node = IfNode(condition: branch.condition, then: branch.body, otherwise: rest, range: range)
        rest = StatementList([node!])
      }
      return node
    case .whileLoop(let condition, let body):
      let conditionNode = compileExpression(condition)
      scope.loopDepth += 1
      let bodyNodes = compileBlock(body)
      scope.loopDepth -= 1
      return WhileNode(condition: conditionNode, body: bodyNodes, range: statement.range)
    case .forLoop(let variables, let iterable, let body):
      return compileFor(variables, iterable, body, range: statement.range)
    case .breakLoop, .continueLoop:
      let isBreak: Bool = { if case .breakLoop = statement.kind { return true } else { return false } }()
      if scope.loopDepth == 0 {
        error("outside-loop", "'\(isBreak ? "break" : "continue")' outside a loop",
          "'\(isBreak ? "break" : "continue")' can only appear inside 'for' or 'while'", at: statement.range)
        return nil
      }
      return isBreak ? BreakNode(range: statement.range) : ContinueNode(range: statement.range)
    case .returnValue(let value):
      if scope.isModule {
        error("outside-function", "'return' outside a function",
          "'return' can only appear inside 'fn'; to stop a script with an error, call fail(\"why\")", at: statement.range)
        return nil
      }
      return ReturnNode(value: value.map(compileExpression), range: statement.range)
    case .importModule(let path, let pathRange, let alias):
      return compileImport(path, pathRange, alias, range: statement.range)
    case .expression(let expression):
      return ExpressionStatementNode(compileExpression(expression))
    case .invalid:
      return nil
    }
  }

  private func compileImport(_ path: String, _ pathRange: SourceRange, _ alias: Identifier?, range: SourceRange) -> StatementNode? {
    guard scope.isModule, scope.blocks.count == 1 else {
      error("nested-import", "'import' must be at the top level of a file",
        "move the import to the top of the file, outside any function, loop or 'if'", at: range)
      return nil
    }
    let name: Identifier
    if let alias {
      name = alias
    } else {
      var stem = String(path.split(separator: "/").last ?? "")
      if stem.hasSuffix(".spire") { stem.removeLast(6) }
      guard let first = stem.utf8.first, !(first >= 48 && first <= 57),
        stem.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }),
        Keyword(rawValue: stem).map(\.isContextual) ?? true
      else {
        error("import-name", "cannot name the module \(Value.quote(path)) after its file",
          "'\(stem)' is not a valid name; give it one: import \(Value.quote(path)) as name", at: pathRange)
        return nil
      }
      name = Identifier(stem, range: pathRange)
    }
    var diagnostics: [Diagnostic] = []
    let module = interpreter.importModule(path, from: file, at: pathRange, diagnostics: &diagnostics)
    self.diagnostics += diagnostics
    let slot = declare(name, .module(module))
    guard let module else { return nil }
    return StoreNode(depth: 0, slot: slot, name: name.name, op: nil, value: ConstantNode(.module(module), range: pathRange), range: range)
  }

  /// `for (i, x) in enumerate(xs)`: the two-name `for` already counts, so `x` would be an
  /// `[index, element]` pair and the error would surface lines later. Warned at the call, with
  /// the fix of walking `xs` itself.
  private func warnOfEnumerate(_ variables: [Identifier], _ iterable: Expression) {
    guard case .call(let callee, let arguments) = iterable.kind, case .name("enumerate") = callee.kind,
      case .universal(.builtin(let builtin))? = lookup("enumerate"), builtin === Builtins.byName["enumerate"],
      laterDeclaration(of: "enumerate") == nil, arguments.count == 1, let argument = arguments.first, argument.label == nil
    else { return }
    let list = argument.value.range.text
    let (index, element) = (variables[0].name, variables[1].name)
    var diagnostic = Diagnostic(
      .warning, code: "enumerate-in-for",
      "'for (\(index), \(element)) in enumerate(...)' makes '\(element)' an [index, element] pair",
      detail: "a 'for' with two names already gives each element's index: 'for (\(index), \(element)) in \(Self.abbreviated(list))' "
        + "binds '\(index)' to 0, 1, ... and '\(element)' to the element",
      at: iterable.range)
    diagnostic.fixIt = Diagnostic.FixIt("walk the list itself: '\(Self.abbreviated(list))'", replacing: iterable.range, with: list)
    diagnostics.append(diagnostic)
  }

  private func compileFor(_ variables: [Identifier], _ iterable: Expression, _ body: Block, range: SourceRange) -> StatementNode? {
    // `for i in range(...)` with the builtin range counts without building a list.
    var rangeBounds: [ExpressionNode]?
    if variables.count == 1, case .call(let callee, let arguments) = iterable.kind, case .name("range") = callee.kind,
      case .universal(.builtin(let builtin))? = lookup("range"), builtin === Builtins.byName["range"], laterDeclaration(of: "range") == nil,
      (1...3).contains(arguments.count), arguments.allSatisfy({ $0.label == nil })
    {
      rangeBounds = arguments.map { compileExpression($0.value) }
    }
    if variables.count == 2 { warnOfEnumerate(variables, iterable) }
    let iterableNode = rangeBounds == nil ? compileExpression(iterable) : nil
    var slots: [Int] = []
    scope.loopDepth += 1
    let bodyNodes = compileBlock(body) { _ in
      for variable in variables { slots.append(self.declare(variable, .loopVariable)) }
    }
    scope.loopDepth -= 1
    if let rangeBounds {
      return ForRangeNode(slot: slots[0], bounds: rangeBounds, body: bodyNodes, range: range)
    }
    guard let iterableNode, !slots.isEmpty else { return nil }
    return ForNode(slots: slots, iterable: iterableNode, body: bodyNodes, range: range)
  }

  private func compileAssignment(_ target: Expression, _ op: BinaryOperator?, _ value: Expression, range: SourceRange) -> StatementNode? {
    switch target.kind {
    case .name(let name):
      let valueNode = compileExpression(value)
      switch lookup(name) {
      case .slot(let depth, let binding)?:
        if !binding.kind.isMutable {
          let how: String
          switch binding.kind {
          case .constant: how = "declare it with 'var' instead of 'let' if it must change"
          case .loopVariable: how = "loop variables take each element in turn; copy it into a 'var' to change it"
          case .module: how = "choose another name for the variable"
          default: how = "declare a new variable with 'var'"
          }
          error("assign-to-constant", "cannot assign to \(binding.kind.word) '\(name)'", how, at: target.range,
            notes: [.init("'\(name)' is declared here", at: binding.range)])
          return nil
        }
        if depth > 0, binding.range.file === target.range.file, binding.range.start > target.range.start {
          // Assigning, from a function, a variable declared below it: before the declaration
          // has run that is an error too (and the declaration would overwrite the value).
          let check = forwardReference(name, depth: depth, binding: binding, at: target.range)
          return StoreNode(depth: depth, slot: binding.slot, name: name, op: op,
            value: CheckedValueNode(check: check, value: valueNode), range: range)
        }
        return StoreNode(depth: depth, slot: binding.slot, name: name, op: op, value: valueNode, range: range)
      case .universal?:
        error("assign-to-builtin", "cannot assign to builtin '\(name)'",
          "declare a variable of your own: var \(name)_ = ...", at: target.range)
        return nil
      case nil:
        if op == nil, laterDeclaration(of: name) == nil {
          let suggestion = Spelling.nearest(to: name, in: visibleNames().sorted())
          error("undefined-name", "cannot assign to undefined name '\(name)'",
            "declare it first: var \(name) = ...", at: target.range, suggestion: suggestion)
        } else {
          undefined(name, at: target.range)
        }
        return nil
      }
    case .member(let object, let name):
      return MemberStoreNode(object: compileExpression(object), name: name.name, nameRange: name.range, op: op,
        value: compileExpression(value), range: range)
    case .index(let object, let index):
      return IndexStoreNode(object: compileExpression(object), index: compileExpression(index), op: op,
        value: compileExpression(value), range: range)
    default:
      return nil
    }
  }

  // MARK: Forward references

  /// A function reading a variable of an enclosing scope that is declared below the function:
  /// allowed (functions can call functions declared later), checked when it runs, unless the
  /// name is also a builtin's, which the function, written above the declaration, reads as if
  /// it meant the builtin.
  private func forwardReference(_ name: String, depth: Int, binding: Binding, at range: SourceRange) -> ExpressionNode {
    if interpreter.predeclared[name] != nil || Builtins.byName[name] != nil {
      error("shadowed-builtin", "'\(name)' here is the \(binding.kind.word) declared below, not the builtin '\(name)'",
        "a declaration at the top of a scope that takes a builtin's name must come before the functions that use the name; move it above this function, or give it another name",
        at: range, notes: [.init("'\(name)' is declared here, after the function that uses it", at: binding.range)])
      return ConstantNode(.nil, range: range)
    }
    var owner: FunctionScope = scope
    for _ in 0..<depth { owner = owner.parent! }
    owner.forwardSlots.insert(binding.slot)
    return ForwardOuterNode(depth: depth, slot: binding.slot, name: name, declaration: binding.range, range: range)
  }

  // MARK: Unused values

  /// Warns about an expression statement whose value is thrown away and that does nothing else:
  /// `- 3` on the line after `let total = 10` (which does not continue it), `a == b`, a bare
  /// name. (The last statement of a script is its value, and the last of a function its result:
  /// neither comes here.)
  private func warnIfUnused(_ expression: Expression, after previous: Statement?) {
    guard !Self.hasEffect(expression) else { return }
    let file = expression.range.file
    let text = file.text(from: expression.range.start, to: expression.range.end)
    var detail = "it is computed and thrown away; remove it, or use its value (print it, or name it with 'let')"
    var fixIt = Diagnostic.FixIt("remove it", replacing: expression.range, with: "")
    if text.hasPrefix("-"), let previous, Self.canContinue(previous),
      file.location(of: previous.range.end).line < file.location(of: expression.range.start).line
    {
      // Meant as the rest of the line above: `let total = 10` then `  - 3` (a negation, or a
      // negative literal).
      var operandStart = expression.range.start + 1
      while operandStart < expression.range.end, file.bytes[operandStart] == UInt8(ascii: " ") || file.bytes[operandStart] == UInt8(ascii: "\t") {
        operandStart += 1
      }
      let joined = file.text(from: previous.range.start, to: previous.range.end) + " - " + file.text(from: operandStart, to: expression.range.end)
      detail = "a line that starts with '-' begins a new statement: it does not subtract from the line above; to continue that line, end it with the operator"
      fixIt = Diagnostic.FixIt("join it to the line above: '\(Self.abbreviated(joined))'",
        replacing: SourceRange(file: file, start: previous.range.end, end: operandStart), with: " - ")
    } else if case .binary(.equal, let left, let right) = expression.kind {
      let between = file.text(from: left.range.end, to: right.range.start)
      if let offset = between.utf8.firstIndex(of: UInt8(ascii: "=")).map({ between.utf8.distance(from: between.utf8.startIndex, to: $0) }) {
        let start = left.range.end + offset
        detail = "'==' compares two values and changes nothing; to assign, write '='"
        fixIt = Diagnostic.FixIt("assign with '=': '\(Self.abbreviated(file.text(from: left.range.start, to: left.range.end))) = \(Self.abbreviated(file.text(from: right.range.start, to: right.range.end)))'",
          replacing: SourceRange(file: file, start: start, end: start + 2), with: "=")
      }
    }
    var diagnostic = Diagnostic(.warning, code: "unused-value", "the value of '\(Self.abbreviated(text))' is unused", detail: detail, at: expression.range)
    diagnostic.fixIt = fixIt
    diagnostics.append(diagnostic)
  }

  /// Whether evaluating an expression can do anything besides making its value: calls and
  /// declarations can. Kinds this does not know are assumed to.
  static func hasEffect(_ expression: Expression) -> Bool {
    switch expression.kind {
    case .nilLiteral, .boolean, .integer, .float, .name, .function: return false
    // Already reported; a warning about what is left of it would be noise.
    case .invalid: return true
    case .string(let parts):
      return parts.contains { if case .interpolation(let inner) = $0 { return hasEffect(inner) } else { return false } }
    case .list(let elements): return elements.contains(where: hasEffect)
    case .record(let fields): return fields.contains { hasEffect($0.value) }
    case .unary(_, let operand): return hasEffect(operand)
    case .binary(_, let left, let right): return hasEffect(left) || hasEffect(right)
    case .member(let object, _): return hasEffect(object)
    case .index(let object, let index): return hasEffect(object) || hasEffect(index)
    case .slice(let object, let lower, let upper):
      return hasEffect(object) || (lower.map(hasEffect) ?? false) || (upper.map(hasEffect) ?? false)
    // Conditionals, comprehensions and spreads hold blocks and loops: taken to do something.
    case .call, .declaration: return true
    default: return true
    }
  }

  /// Whether a statement ends in a value that a following operator could have continued.
  static func canContinue(_ statement: Statement) -> Bool {
    switch statement.kind {
    case .binding, .assignment, .expression, .returnValue: return true
    default: return false
    }
  }

  /// Source text for a message: one line, at most 40 characters.
  static func abbreviated(_ text: String) -> String {
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? text
    if line.count <= 40, line.count == text.count { return text }
    return String(line.prefix(37)) + "..."
  }

  // MARK: Functions

  /// Compiles a function literal: defaults now, in this scope; the body once this scope is complete.
  private func compileFunction(_ literal: FunctionLiteral, name: String?) -> ExpressionNode {
    let code = FunctionCode(
      name: name ?? "<anonymous>", parameterNames: literal.parameters.map(\.name.name),
      parameterRanges: literal.parameters.map(\.name.range), range: literal.range)
    let defaults = literal.parameters.map { $0.defaultValue.map(compileExpression) }
    // The closure will capture the enclosing function's variables, so they go in a heap frame.
    scope.code?.needsHeapFrame = true
    let parent = scope
    let visible = scope.blocks
    let owner = scope
    owner.deferred.append { [unowned self] in
      let saved = self.scope
      let function = FunctionScope(parent: parent, parentBlocks: visible, isModule: false, code: code)
      self.scope = function
      let body = self.compileBlock(Block(statements: Self.implicitReturn(literal.body.statements), range: literal.body.range)) { _ in
        // A parameter named twice is reported by the parser; declaring it again would report it twice.
        var names: Set<String> = []
        for parameter in literal.parameters where names.insert(parameter.name.name).inserted {
          self.declare(parameter.name, .parameter)
        }
      }
      self.runDeferred(function)
      code.body = body
      code.slotCount = function.slotCount
      code.uninitializedSlots = function.forwardSlots.sorted()
      self.scope = saved
    }
    return FunctionLiteralNode(code: code, defaults: defaults, range: literal.range)
  }

  /// A body's last expression is its value: rewrites it, and the last expressions of a final
  /// `if`/`else` chain, into `return`s.
  static func implicitReturn(_ statements: [Statement]) -> [Statement] {
    guard let last = statements.last else { return statements }
    var rewritten = statements
    switch last.kind {
    case .expression(let expression):
      rewritten[rewritten.count - 1] = Statement(.returnValue(expression), range: last.range)
    case .ifChain(let branches, let otherwise):
      let newBranches = branches.map { ($0.condition, Block(statements: implicitReturn($0.body.statements), range: $0.body.range)) }
      let newOtherwise = otherwise.map { Block(statements: implicitReturn($0.statements), range: $0.range) }
      rewritten[rewritten.count - 1] = Statement(.ifChain(branches: newBranches.map { (condition: $0.0, body: $0.1) }, otherwise: newOtherwise), range: last.range)
    default:
      break
    }
    return rewritten
  }

  // MARK: Expressions

  func compileExpression(_ expression: Expression) -> ExpressionNode {
    let range = expression.range
    switch expression.kind {
    case .nilLiteral: return ConstantNode(.nil, range: range)
    case .boolean(let value): return ConstantNode(.bool(value), range: range)
    case .integer(let value): return ConstantNode(.int(value), range: range)
    case .float(let value): return ConstantNode(.float(value), range: range)
    case .string(let parts):
      if parts.isEmpty { return ConstantNode(.string(""), range: range) }
      if parts.count == 1, case .text(let text) = parts[0] { return ConstantNode(.string(text), range: range) }
      return InterpolationNode(parts: parts.map { part in
        switch part {
        case .text(let text): return .text(Array(text.utf8))
        case .interpolation(let inner): return .value(compileExpression(inner))
        }
      }, range: range)
    case .list(let elements):
      if elements.contains(where: \.isSpread) {
        return SpreadListNode(elements: elements.map { element in
          if case .spread(let inner) = element.kind { return (compileExpression(inner), true) }
          return (compileExpression(element), false)
        }, range: range)
      }
      return ListLiteralNode(elements: elements.map(compileExpression), range: range)
    case .record(let fields):
      return compileFields(fields, range: range)
    case .name(let name):
      switch lookup(name) {
      case .slot(let depth, let binding)?:
        if depth > 0, binding.range.file === range.file, binding.range.start > range.start {
          return forwardReference(name, depth: depth, binding: binding, at: range)
        }
        return depth == 0 ? LocalNode(slot: binding.slot, range: range) : OuterNode(depth: depth, slot: binding.slot, range: range)
      case .universal(let value)?:
        if let later = laterDeclaration(of: name) {
          // `print(type(1))` and then `let type = "eks"`: the name means the builtin here and
          // the variable below it, which the rule of declaring before use exists to prevent.
          error("used-before-declaration", "'\(name)' is used before it is declared",
            "'\(name)' is declared further down in this block, so here it cannot mean the builtin '\(name)'; move the declaration above this line, or give the variable another name",
            at: range, notes: [.init("'\(name)' is declared here, shadowing the builtin", at: later)])
          return ConstantNode(.nil, range: range)
        }
        return ConstantNode(value, range: range)
      case nil:
        undefined(name, at: range)
        return ConstantNode(.nil, range: range)
      }
    case .unary(let op, let operand):
      let node = compileExpression(operand)
      return op == .negate ? NegateNode(node, range: range) : NotNode(node, range: range)
    case .binary(let op, let left, let right):
      let lhs = compileExpression(left)
      let rhs = compileExpression(right)
      switch op {
      case .and: return AndNode(lhs, rhs, range: range)
      case .or: return OrNode(lhs, rhs, range: range)
      case .nilCoalescing: return CoalesceNode(lhs, rhs, range: range)
      default:
        if case .integer(let constant) = right.kind {
          return BinaryConstantNode(op, lhs, constant, range: range)
        }
        return BinaryNode(op, lhs, rhs, range: range)
      }
    case .call(let callee, let arguments):
      let argumentNodes = arguments.map { compileExpression($0.value) }
      let labels = arguments.map { $0.label?.name }
      if case .member(let object, let name) = callee.kind {
        checkModuleMember(object, name)
        return MethodCallNode(receiver: compileExpression(object), name: name.name, nameRange: name.range,
          arguments: argumentNodes, labels: labels, range: range)
      }
      if case .name("len") = callee.kind, case .universal(.builtin(let builtin))? = lookup("len"),
        builtin === Builtins.byName["len"], laterDeclaration(of: "len") == nil, argumentNodes.count == 1, labels[0] == nil
      {
        return LengthNode(argumentNodes[0], range: range)
      }
      let general = CallNode(callee: compileExpression(callee), arguments: argumentNodes, labels: labels, range: range)
      if case .name(let name) = callee.kind, case .slot(let depth, let binding)? = lookup(name), labels.allSatisfy({ $0 == nil }) {
        let isConstant: Bool
        switch binding.kind {
        case .function, .constant: isConstant = true
        default: isConstant = false
        }
        return FunctionCallNode(depth: depth, slot: binding.slot, isConstant: isConstant, general: general)
      }
      return general
    case .member(let object, let name):
      checkModuleMember(object, name)
      return MemberNode(object: compileExpression(object), name: name.name, nameRange: name.range, range: range)
    case .index(let object, let index):
      return IndexNode(object: compileExpression(object), index: compileExpression(index), range: range)
    case .slice(let object, let lower, let upper):
      return SliceNode(object: compileExpression(object), lower: lower.map(compileExpression), upper: upper.map(compileExpression), range: range)
    case .conditional(let branches, let otherwise):
      return ConditionalNode(
        branches: branches.map { (compileExpression($0.condition), compileExpression($0.value)) },
        otherwise: compileExpression(otherwise), range: range)
    case .spread(let inner):
      // The parser makes spreads only where a list or record literal takes them.
      _ = compileExpression(inner)
      return ConstantNode(.nil, range: range)
    case .comprehension(let comprehension):
      return compileComprehension(comprehension, range: range)
    case .function(let literal):
      return compileFunction(literal, name: nil)
    case .declaration(let declaration):
      return compileDeclaration(declaration, range: range)
    case .invalid:
      return ConstantNode(.nil, range: range)
    }
  }

  /// A record literal's fields, or a declaration's: with spreads, a node that copies them in.
  private func compileFields(_ fields: [RecordField], range: SourceRange) -> ExpressionNode {
    guard fields.contains(where: \.isSpread) else {
      return RecordLiteralNode(shape: RecordShape(keys: fields.map(\.name.name)), values: fields.map { compileExpression($0.value) }, range: range)
    }
    return SpreadRecordNode(entries: fields.map { field in
      if case .spread(let inner) = field.value.kind { return .spread(compileExpression(inner)) }
      return .field(field.name.name, compileExpression(field.value), range: field.name.range.through(field.value.range))
    }, range: range)
  }

  /// A comprehension: its variables live in a block of their own, in the running function.
  private func compileComprehension(_ comprehension: Comprehension, range: SourceRange) -> ExpressionNode {
    let sequence = compileExpression(comprehension.iterable)
    let block = BlockScope()
    scope.blocks.append(block)
    defer { scope.blocks.removeLast() }
    var names: Set<String> = []
    var slots: [Int] = []
    for variable in comprehension.variables {
      if names.insert(variable.name).inserted {
        slots.append(declare(variable, .loopVariable))
      } else {
        error("redeclaration", "'\(variable.name)' is already declared in this scope", "give the key and the value different names",
          at: variable.range)
        slots.append(slots[0])
      }
    }
    let condition = comprehension.condition.map(compileExpression)
    let key = comprehension.key.map(compileExpression)
    let element = compileExpression(comprehension.element)
    return ComprehensionNode(slots: slots, sequence: sequence, condition: condition, key: key, element: element, range: range)
  }

  /// `module.member` where the module is imported by name: the member must exist.
  private func checkModuleMember(_ object: Expression, _ member: Identifier) {
    guard case .name(let name) = object.kind, case .slot(_, let binding)? = lookup(name),
      case .module(let module?) = binding.kind, module[member.name] == nil
    else { return }
    error("unknown-member", "module '\(module.name)' has no member '\(member.name)'",
      module.memberNames.isEmpty ? "the module exports nothing" : "its members are: \(module.memberNames.joined(separator: ", "))",
      at: member.range, suggestion: Spelling.nearest(to: member.name, in: module.memberNames))
  }

  private func compileDeclaration(_ declaration: Declaration, range: SourceRange) -> ExpressionNode {
    let fields = compileFields(declaration.fields, range: range)
    var fieldRanges: [String: SourceRange] = [:]
    for field in declaration.fields where !field.isSpread { fieldRanges[field.name.name] = field.name.range.through(field.value.range) }
    return DeclarationNode(
      kind: declaration.kind, name: compileExpression(declaration.name), parent: declaration.parent.map(compileExpression),
      arguments: declaration.arguments.map(compileExpression), fields: fields, fieldRanges: fieldRanges, range: range)
  }
}
