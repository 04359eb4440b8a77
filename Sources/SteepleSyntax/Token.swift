/// A lexical token: its kind, its range, and whether a line break came before it.
///
/// Steeple ends a statement at a line break, so the parser asks `newlineBefore` instead of seeing
/// newline tokens.
public struct Token: Sendable {
  public enum Kind: Equatable, Sendable {
    case identifier(String)
    case keyword(Keyword)
    case integer(Int)
    case float(Double)
    case string(StringLiteral)
    case symbol(Symbol)
    case endOfFile
    /// Bytes that start no token; the lexer has already reported them.
    case invalid
  }

  public var kind: Kind
  public var range: SourceRange
  public var newlineBefore: Bool

  public init(kind: Kind, range: SourceRange, newlineBefore: Bool) {
    self.kind = kind
    self.range = range
    self.newlineBefore = newlineBefore
  }
}

/// The reserved words. All of them may be used as record field names, member names and argument
/// labels; the five primitives (`isContextual`) are names everywhere no declaration follows them.
public enum Keyword: String, CaseIterable, Sendable {
  case `let`, `var`, `fn`, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
  case `import`, `as`, `true`, `false`, `nil`, `and`, `or`, `not`
  case account, cluster, mesh, entry, verify
}

extension Keyword {
  /// The five primitives' keywords, which are ordinary names wherever no declaration follows them.
  public var isContextual: Bool {
    switch self {
    case .account, .cluster, .mesh, .entry, .verify: return true
    default: return false
    }
  }
}

/// Punctuation and operators.
public enum Symbol: String, CaseIterable, Sendable {
  case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
  case leftBrace = "{", rightBrace = "}", comma = ",", colon = ":", semicolon = ";", dot = "."
  case arrow = "->", plus = "+", minus = "-", star = "*", slash = "/", percent = "%"
  case equal = "=", plusEqual = "+=", minusEqual = "-=", starEqual = "*=", slashEqual = "/="
  case percentEqual = "%=", equalEqual = "==", bangEqual = "!=", less = "<", lessEqual = "<="
  case greater = ">", greaterEqual = ">=", questionQuestion = "??", ellipsis = "..."
}

/// A string literal after escapes are processed: text pieces and the source ranges of `\(...)`
/// interpolations, which the parser parses as expressions.
public struct StringLiteral: Equatable, Sendable {
  public enum Segment: Equatable, Sendable {
    case text(String)
    /// The byte range of the expression between `\(` and its closing `)`.
    case interpolation(start: Int, end: Int)
  }

  public var segments: [Segment]

  public init(segments: [Segment]) { self.segments = segments }
}

extension Token.Kind: CustomStringConvertible {
  /// How the token is named in "expected ..., found ..." messages.
  public var description: String {
    switch self {
    case .identifier(let name): return "name '\(name)'"
    case .keyword(let keyword): return "'\(keyword.rawValue)'"
    case .integer, .float: return "number"
    case .string: return "string"
    case .symbol(let symbol): return "'\(symbol.rawValue)'"
    case .endOfFile: return "end of file"
    case .invalid: return "invalid character"
    }
  }
}
