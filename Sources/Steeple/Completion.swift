/// One thing that could be typed at the cursor.
public struct Completion: Hashable, Sendable, CustomStringConvertible {
  public enum Kind: String, Sendable {
    /// A reserved word: `let`, `account`, ...
    case keyword
    /// A builtin function, or a name the host predeclares.
    case builtin
    /// A top-level name of the session.
    case name
    /// A member of a module, after `module.`.
    case member
    /// A method of a string or list, after `value.`.
    case method
    /// A field of a record or declaration handle after `value.`, or of a declaration inside its `{ }`.
    case field
    /// The name of a declaration, inside a string.
    case declaration
    /// A SPIFFE ID the session declared, inside a string.
    case spiffeID
  }

  public let text: String
  public let kind: Kind

  public init(_ text: String, _ kind: Kind) {
    self.text = text
    self.kind = kind
  }

  public var description: String { text }
}

/// What can complete the word before a cursor.
public struct Completions: Sendable {
  /// The UTF-8 offset where the word being completed starts: a candidate replaces the text from
  /// here to the cursor.
  public let start: Int
  /// The text from `start` to the cursor.
  public let prefix: String
  /// The candidates that start with `prefix`, sorted and without repeats.
  public let candidates: [Completion]

  /// The longest text every candidate starts with (at least `prefix` when there are candidates):
  /// what Tab can insert without choosing.
  public var commonPrefix: String {
    guard var common = candidates.first?.text else { return prefix }
    for candidate in candidates.dropFirst() {
      while !candidate.text.hasPrefix(common) { common.removeLast() }
    }
    return common
  }
}

extension Session {
  /// What could complete the word that ends at `cursor` (a UTF-8 offset into `text`), from what
  /// the session knows now:
  ///
  /// - after `name.` (or `a.b.`): the members of a module, the fields of a record or declaration
  ///   handle, the methods of a string or list, looked up in the session's current values; after
  ///   a string literal and `.`, the string methods;
  /// - inside the `{ }` of `account`, `cluster`, `mesh`, `entry` or `verify`, where a field name
  ///   goes: that kind's fields (`declarationFields`, and those earlier declarations used);
  /// - inside a string: the names of declarations and the SPIFFE IDs the session declared;
  /// - elsewhere: keywords, builtins and predeclared names, and the session's top-level names.
  ///
  /// Nothing is evaluated: a receiver that is not a chain of names is not looked into.
  public func completions(for text: String, at cursor: Int) -> Completions {
    let bytes = Array(text.utf8.prefix(max(0, cursor)))
    let file = SourceFile(name: "<completion>", bytes: bytes)
    var lexer = Lexer(file: file)
    let tokens = lexer.tokenize().dropLast()   // the end of the file
    let cursor = bytes.count

    // Inside a string the cursor is in a string token the lexer found unterminated.
    if let last = tokens.last, case .string = last.kind, last.range.end == cursor,
      lexer.diagnostics.contains(where: { $0.code == "unterminated-string" && $0.range?.start == last.range.start })
    {
      let start = last.range.start + 1
      return Self.matching(String(decoding: bytes[start...], as: UTF8.self), start: start, stringCandidates())
    }

    var start = cursor
    while start > 0, Self.isNameByte(bytes[start - 1]) { start -= 1 }
    let prefix = String(decoding: bytes[start...], as: UTF8.self)
    let before = tokens.prefix { $0.range.start < start }

    if let dot = before.last, dot.kind == .symbol(.dot), dot.range.end == start {
      return Self.matching(prefix, start: start, memberCandidates(before.dropLast()))
    }
    if let kind = Self.declarationBlock(around: before, wordStart: start, bytes: bytes) {
      return Self.matching(prefix, start: start, fieldCandidates(kind))
    }
    return Self.matching(prefix, start: start, nameCandidates())
  }

  private static func isNameByte(_ byte: UInt8) -> Bool {
    (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 95
  }

  private static func matching(_ prefix: String, start: Int, _ candidates: [Completion]) -> Completions {
    var seen: Set<String> = []
    let kept = candidates.filter { $0.text.hasPrefix(prefix) && seen.insert($0.text).inserted }.sorted { $0.text < $1.text }
    return Completions(start: start, prefix: prefix, candidates: kept)
  }

  private func nameCandidates() -> [Completion] {
    names.map { Completion($0.name, $0.kind == "module" ? .member : .name) }
      + interpreter.predeclared.keys.map { Completion($0, .builtin) }
      + Interpreter.builtinNames.map { Completion($0, .builtin) }
      + Keyword.allCases.map { Completion($0.rawValue, .keyword) }
  }

  /// The members of the value a chain of names (`a`, `a.b`) ending before the dot has now.
  private func memberCandidates(_ receiver: ArraySlice<Token>) -> [Completion] {
    guard let last = receiver.last else { return [] }
    if case .string = last.kind { return Interpreter.methodNames(of: .string("")).map { Completion($0, .method) } }
    var chain: [String] = []
    var index = receiver.endIndex - 1
    while true {
      let token = receiver[index]
      switch token.kind {
      case .identifier(let name): chain.insert(name, at: 0)
      case .keyword(let keyword): chain.insert(keyword.rawValue, at: 0)
      default: return []
      }
      guard index > receiver.startIndex, receiver[index - 1].kind == .symbol(.dot), index - 1 > receiver.startIndex else { break }
      index -= 2
    }
    guard var value = self[chain[0]] ?? interpreter.predeclared[chain[0]] else { return [] }
    for member in chain.dropFirst() {
      guard let next = Self.member(member, of: value) else { return [] }
      value = next
    }
    switch value {
    case .module(let module): return module.memberNames.map { Completion($0, .member) }
    case .record(let record): return record.keys.map { Completion($0, .field) }
    case .handle(let handle): return handle.memberNames.map { Completion($0, .field) }
    default: return Interpreter.methodNames(of: value).map { Completion($0, .method) }
    }
  }

  private static func member(_ name: String, of value: Value) -> Value? {
    switch value {
    case .module(let module): return module[name]
    case .record(let record): return record[name]
    case .handle(let handle): return handle.member(name)
    default: return nil
    }
  }

  private func fieldCandidates(_ kind: DeclarationKind) -> [Completion] {
    let used = topology.declarations(of: kind.rawValue).flatMap { $0.fields.map(\.name) }
    return (declarationFields(kind.rawValue) + used).map { Completion($0, .field) }
  }

  private func stringCandidates() -> [Completion] {
    var candidates: [Completion] = []
    for declaration in topology.declarations where declaration.kind != "verify" {
      candidates.append(Completion(declaration.name, declaration.name.hasPrefix("spiffe://") ? .spiffeID : .declaration))
      if declaration.kind == "mesh" { candidates.append(Completion("spiffe://\(declaration.name)/", .spiffeID)) }
      if let parent = declaration.string("parent"), parent.hasPrefix("spiffe://") {
        candidates.append(Completion(parent, .spiffeID))
      }
    }
    return candidates
  }

  /// The kind of declaration whose `{ }` the word starting at `wordStart` is a field name of, or
  /// `nil` when it is not in one or not where a field name goes.
  private static func declarationBlock(around tokens: ArraySlice<Token>, wordStart: Int, bytes: [UInt8]) -> DeclarationKind? {
    // The innermost open bracket before the word.
    var open: [Int] = []
    for index in tokens.indices {
      guard case .symbol(let symbol) = tokens[index].kind else { continue }
      switch symbol {
      case .leftParen, .leftBracket, .leftBrace: open.append(index)
      case .rightParen, .rightBracket, .rightBrace: _ = open.popLast()
      default: break
      }
    }
    guard let brace = open.last, tokens[brace].kind == .symbol(.leftBrace), let previous = tokens.last else { return nil }
    // A field name goes right after `{` or `,`, or at the start of a line.
    let lineBreak = bytes[previous.range.end..<wordStart].contains(UInt8(ascii: "\n"))
    guard previous.kind == .symbol(.leftBrace) || previous.kind == .symbol(.comma) || lineBreak else { return nil }
    // Walk back from the brace over the declaration's header to its keyword.
    var index = brace
    var depth = 0
    while index > tokens.startIndex {
      let passed = tokens[index]
      index -= 1
      let token = tokens[index]
      switch token.kind {
      case .symbol(.rightParen), .symbol(.rightBracket): depth += 1
      case .symbol(.leftParen), .symbol(.leftBracket): depth -= 1
      case .keyword(let keyword) where depth == 0:
        if let kind = DeclarationKind(rawValue: keyword.rawValue) { return kind }
        if keyword != .in { return nil }
      case .symbol(.leftBrace), .symbol(.rightBrace), .symbol(.semicolon): if depth == 0 { return nil }
      default: break
      }
      if depth == 0, passed.newlineBefore, index < brace - 1 { return nil }
    }
    return nil
  }
}
