import Testing
@testable import SteepleSyntax

/// The kinds of the tokens of `text`, without the final end of file.
func kinds(_ text: String) -> [Token.Kind] {
  var lexer = Lexer(file: SourceFile(name: "t.spire", text: text))
  return lexer.tokenize().map(\.kind).filter { $0 != .endOfFile }
}

/// Lexes `text` and returns its tokens and the lexer's diagnostics.
func lex(_ text: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
  var lexer = Lexer(file: SourceFile(name: "t.spire", text: text))
  let tokens = lexer.tokenize()
  return (tokens, lexer.diagnostics)
}

/// The text of a single string literal token.
func stringValue(_ text: String) -> [StringLiteral.Segment]? {
  guard case .string(let literal)? = kinds(text).first else { return nil }
  return literal.segments
}

func parse(_ text: String) -> (program: SourceProgram, diagnostics: [Diagnostic]) {
  Parser.parse(SourceFile(name: "t.spire", text: text))
}

/// `code@line:column` of each diagnostic.
func places(_ diagnostics: [Diagnostic]) -> [String] {
  diagnostics.map { "\($0.code)@\($0.range.map { "\($0.startLocation)" } ?? "-")" }
}

/// The statements of a program as S-expressions: a compact, exact picture of the tree.
func tree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
  let (program, diagnostics) = parse(text)
  #expect(diagnostics.isEmpty, "\(DiagnosticRenderer(colors: false).render(diagnostics))", sourceLocation: sourceLocation)
  return program.statements.map(sexpr).joined(separator: " ")
}

func sexpr(_ statement: Statement) -> String {
  switch statement.kind {
  case .binding(let name, let mutable, let value): return "(\(mutable ? "var" : "let") \(name.name) \(sexpr(value)))"
  case .assignment(let target, let op, let value): return "(\(op.map { $0.rawValue } ?? "")= \(sexpr(target)) \(sexpr(value)))"
  case .function(let name, let literal): return "(fn \(name.name) \(sexpr(literal)))"
  case .ifChain(let branches, let otherwise):
    let parts = branches.map { "\(sexpr($0.condition)) \(sexpr($0.body))" }
    return "(if " + parts.joined(separator: " elif ") + (otherwise.map { " else \(sexpr($0))" } ?? "") + ")"
  case .forLoop(let variables, let iterable, let body):
    return "(for \(variables.map(\.name).joined(separator: ",")) \(sexpr(iterable)) \(sexpr(body)))"
  case .whileLoop(let condition, let body): return "(while \(sexpr(condition)) \(sexpr(body)))"
  case .breakLoop: return "break"
  case .continueLoop: return "continue"
  case .returnValue(let value): return "(return\(value.map { " " + sexpr($0) } ?? ""))"
  case .importModule(let path, _, let alias): return "(import \(path)\(alias.map { " as " + $0.name } ?? ""))"
  case .expression(let expression): return sexpr(expression)
  case .invalid: return "<invalid>"
  }
}

func sexpr(_ block: Block) -> String { "{" + block.statements.map(sexpr).joined(separator: " ") + "}" }

func sexpr(_ literal: FunctionLiteral) -> String {
  let parameters = literal.parameters.map { $0.name.name + ($0.defaultValue.map { "=" + sexpr($0) } ?? "") }
  return "(" + parameters.joined(separator: " ") + ") " + sexpr(literal.body)
}

func sexpr(_ expression: Expression) -> String {
  switch expression.kind {
  case .nilLiteral: return "nil"
  case .boolean(let value): return String(value)
  case .integer(let value): return String(value)
  case .float(let value): return String(value)
  case .string(let parts):
    return "\"" + parts.map { part in
      switch part {
      case .text(let text): return text
      case .interpolation(let inner): return "\\(" + sexpr(inner) + ")"
      }
    }.joined() + "\""
  case .list(let elements): return "[" + elements.map(sexpr).joined(separator: " ") + "]"
  case .record(let fields): return "{" + fields.map { $0.isSpread ? sexpr($0.value) : "\($0.name.name): \(sexpr($0.value))" }.joined(separator: ", ") + "}"
  case .name(let name): return name
  case .unary(let op, let operand): return "(\(op.rawValue) \(sexpr(operand)))"
  case .binary(let op, let left, let right): return "(\(op.rawValue) \(sexpr(left)) \(sexpr(right)))"
  case .call(let callee, let arguments):
    let parts = arguments.map { ($0.label.map { $0.name + ": " } ?? "") + sexpr($0.value) }
    return "(call \(sexpr(callee))" + parts.map { " " + $0 }.joined() + ")"
  case .member(let object, let name): return "(. \(sexpr(object)) \(name.name))"
  case .index(let object, let index): return "([] \(sexpr(object)) \(sexpr(index)))"
  case .slice(let object, let lower, let upper):
    return "([:] \(sexpr(object)) \(lower.map(sexpr) ?? "_") \(upper.map(sexpr) ?? "_"))"
  case .conditional(let branches, let otherwise):
    return "(if" + branches.map { " \(sexpr($0.condition)) \(sexpr($0.value))" }.joined() + " else \(sexpr(otherwise)))"
  case .spread(let inner): return "(... \(sexpr(inner)))"
  case .comprehension(let comprehension):
    var text = "(for"
    if let key = comprehension.key { text += " \(sexpr(key)):" }
    text += " \(sexpr(comprehension.element)) " + comprehension.variables.map(\.name).joined(separator: ",")
    text += " \(sexpr(comprehension.iterable))"
    if let condition = comprehension.condition { text += " if \(sexpr(condition))" }
    return text + ")"
  case .function(let literal): return "(fn \(sexpr(literal)))"
  case .declaration(let declaration):
    var text = "(\(declaration.kind.rawValue) \(sexpr(declaration.name))"
    if let parent = declaration.parent { text += " in \(sexpr(parent))" }
    for argument in declaration.arguments { text += " \(sexpr(argument))" }
    if !declaration.fields.isEmpty || declaration.kind != .verify {
      text += " {" + declaration.fields.map { "\($0.name.name): \(sexpr($0.value))" }.joined(separator: ", ") + "}"
    }
    return text + ")"
  case .invalid: return "<invalid>"
  }
}
