public import SteepleSyntax

/// The model's static checks: every field against its kind's schema, duplicates, then the rules
/// that span declarations, which the catalog's families supply. Each problem is a diagnostic at
/// the exact field, with notes at the declarations it involves.
public struct TopologyChecker {
  public let topology: Topology
  let registry: any KindRegistry
  public private(set) var diagnostics: [Diagnostic] = []

  init(_ topology: Topology, registry: any KindRegistry) {
    self.topology = topology
    self.registry = registry
  }

  func run() -> [Diagnostic] {
    var checker = self
    for declaration in topology.declarations {
      guard let schema = declaration.schema else { continue }
      checker.checkName(declaration, schema)
      checker.checkFields(declaration, schema)
    }
    checker.checkDuplicates()
    for crossCheck in registry.crossChecks { crossCheck.check(&checker) }
    return Self.inSourceOrder(checker.diagnostics)
  }

  /// Diagnostics by place: files in the order first seen, then by offset; ties keep their order.
  static func inSourceOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    var files: [ObjectIdentifier] = []
    for diagnostic in diagnostics {
      if let file = diagnostic.range?.file, !files.contains(ObjectIdentifier(file)) { files.append(ObjectIdentifier(file)) }
    }
    func key(_ diagnostic: Diagnostic) -> (Int, Int) {
      guard let range = diagnostic.range else { return (files.count, 0) }
      return (files.firstIndex(of: ObjectIdentifier(range.file)) ?? files.count, range.start)
    }
    return diagnostics.enumerated().sorted { a, b in
      let (left, right) = (key(a.element), key(b.element))
      return (left.0, left.1, a.offset) < (right.0, right.1, b.offset)
    }.map(\.element)
  }

  /// Reports a problem at `range`.
  public mutating func error(
    _ code: String, _ summary: String, detail: String, at range: SourceRange, notes: [Diagnostic.Note] = [], suggestion: String? = nil
  ) {
    diagnostics.append(Diagnostic(code: code, summary, detail: detail, at: range, notes: notes, suggestion: suggestion))
  }

  /// Reports something that works but will likely hurt (too broad a grant, a bundle that goes
  /// stale) at `range`; `steeple check` can count it as an error.
  public mutating func warning(
    _ code: String, _ summary: String, detail: String, at range: SourceRange, notes: [Diagnostic.Note] = [], suggestion: String? = nil
  ) {
    diagnostics.append(Diagnostic(.warning, code: code, summary, detail: detail, at: range, notes: notes, suggestion: suggestion))
  }

  /// `account "shared" is declared here`, at the declaration's name.
  public func note(_ declaration: Declaration, _ message: String? = nil) -> Diagnostic.Note {
    .init(message ?? "\(describe(declaration)) is declared here", at: declaration.nameRange)
  }

  /// `account "shared"`: a declaration in a message.
  public func describe(_ declaration: Declaration) -> String { "\(declaration.kind) \(ModelValue.string(declaration.name))" }

  // MARK: - One declaration

  mutating func checkName(_ declaration: Declaration, _ schema: KindSchema) {
    if let allowed = schema.allowedNames {
      if !allowed.contains(declaration.name) {
        error(
          "unknown-check", "there is no check named '\(declaration.name)'",
          detail: "the checks are: \(allowed.joined(separator: ", "))", at: declaration.nameRange,
          suggestion: Spelling.nearest(to: declaration.name, in: allowed))
      }
      return
    }
    guard schema.function?.takesName ?? true else { return }
    if let problem = schema.nameFormat.problem(with: declaration.name) {
      error(
        "invalid-name", "\(ModelValue.string(declaration.name)) is not a valid name for \(Self.article(schema.kind)): \(problem)",
        detail: "a \(schema.kind)'s name is \(schema.nameFormat.example)", at: declaration.nameRange)
    }
  }

  mutating func checkFields(_ declaration: Declaration, _ schema: KindSchema) {
    for field in declaration.fields {
      let range = declaration.range(of: field.name)
      guard let fieldSchema = schema.field(field.name) else {
        let written = schema.function.map { $0.label(forField: field.name) } ?? field.name
        let names = schema.fields.map { schema.function?.label(forField: $0.name) ?? $0.name }
        var detail = "\(Self.article(schema.kind)) has the fields: \(names.joined(separator: ", "))"
        if KindSchema.reservedMembers.contains(field.name) {
          detail = "a declaration's \(field.name) is not a field: "
            + (field.name == "name" ? "it is written after the keyword (or first, in a call)" : "it is the keyword (or function) itself")
        }
        error(
          "unknown-field", "\(schema.kind) has no field '\(written)'", detail: detail, at: range,
          suggestion: Spelling.nearest(to: written, in: names))
        continue
      }
      checkValue(field.value, fieldSchema.type, field: fieldSchema, in: declaration, at: range)
    }
    for fieldSchema in schema.fields where fieldSchema.isRequired && declaration[field: fieldSchema.name] == nil {
      let written = schema.function?.label(forField: fieldSchema.name) ?? fieldSchema.name
      error(
        "missing-field", "\(describe(declaration)) is missing its field '\(written)'",
        detail: "add \(written) (\(fieldSchema.type)): \(fieldSchema.doc)", at: declaration.range)
    }
  }

  /// What a value is, for "must be X, not Y".
  func describe(_ value: ModelValue) -> String {
    switch value {
    case .string(let text): return "the string \(ModelValue.string(text))"
    case .int(let int): return "the int \(int)"
    case .float(let float): return "the float \(float)"
    case .bool(let bool): return "the bool \(bool)"
    case .list: return "a list"
    case .record: return "a record"
    case .reference(let id): return id.description
    }
  }

  /// Whether a value has a type's shape, ignoring formats and reference targets: to pick which of
  /// `oneOf`'s types to report against.
  func matchesShape(_ value: ModelValue, _ type: FieldType) -> Bool {
    switch (value, type) {
    case (.string, .string), (.string, .choice), (.string, .duration), (.int, .duration), (.int, .int), (.bool, .bool), (.list, .list), (.record, .record), (.record, .shape):
      return true
    case (.reference(let id), .reference(let kinds)): return kinds.contains(id.kind)
    case (_, .oneOf(let types)): return types.contains { matchesShape(value, $0) }
    default: return false
    }
  }

  mutating func checkValue(_ value: ModelValue, _ type: FieldType, field: FieldSchema, in declaration: Declaration, at range: SourceRange) {
    let label = Self.writtenLabel(field.name, in: declaration)
    func mismatch(_ expected: FieldType, detail: String? = nil, suggestion: String? = nil) {
      error(
        "type-mismatch", "'\(label)' must be \(Self.noun(expected)), not \(describe(value))",
        detail: detail ?? "\(label) is \(field.doc)", at: range, suggestion: suggestion)
    }
    switch (value, type) {
    case (_, .oneOf(let types)):
      if let match = types.first(where: { matchesShape(value, $0) }) {
        checkValue(value, match, field: field, in: declaration, at: range)
      } else if case .reference(let id) = value, let kinds = Optional(type.referenceKinds), !kinds.isEmpty {
        wrongKind(id, kinds, label: label, at: range)
      } else {
        mismatch(type)
      }
    case (.string(let text), .string(let format)):
      if let problem = format.problem(with: text) {
        var suggestion = format.candidates.isEmpty ? nil : Spelling.nearest(to: text, in: format.candidates)
        if format == .cidr, let block = CIDRBlock(text), block.hasHostBits { suggestion = block.network.description }
        error(
          "invalid-value", "\(ModelValue.string(text)) is not a valid \(format.title): \(problem)",
          detail: "\(label) takes \(format.example)", at: range, suggestion: suggestion)
      }
    case (.string(let text), .choice(let words)):
      if !words.contains(text) {
        error(
          "invalid-value", "\(ModelValue.string(text)) is not one of \(type)", detail: "\(label) is \(field.doc)", at: range,
          suggestion: Spelling.nearest(to: text, in: words))
      }
    case (.int(let int), .int(let bounds)):
      if !bounds.contains(int) {
        error("invalid-value", "\(label) \(int) is out of range", detail: "\(label) is \(type)", at: range)
      }
    case (.bool, .bool): break
    case (.string, .duration), (.int, .duration):
      if let problem = ModelDuration.problem(with: value) {
        error(
          "invalid-value", "\(value) is not a valid duration: \(problem)",
          detail: "\(label) takes \(ModelDuration.example)", at: range, suggestion: ModelDuration.suggestion(for: value))
      }
    case (.list(let items), .list(let element)):
      for item in items { checkValue(item, element, field: field, in: declaration, at: range) }
    case (.record(let fields), .record(let element)):
      for item in fields {
        checkValue(item.value, element, field: field, in: declaration, at: range)
      }
    case (.record(let items), .shape(let fields)):
      for item in items {
        guard let itemSchema = fields.first(where: { $0.name == item.name }) else {
          error(
            "unknown-field", "'\(label)' has no field '\(item.name)'", detail: "its fields are: \(fields.map(\.name).joined(separator: ", "))",
            at: range, suggestion: Spelling.nearest(to: item.name, in: fields.map(\.name)))
          continue
        }
        checkValue(item.value, itemSchema.type, field: field, in: declaration, at: range)
      }
      for itemSchema in fields where itemSchema.isRequired && !items.contains(where: { $0.name == itemSchema.name }) {
        error(
          "missing-field", "'\(label)' is missing its field '\(itemSchema.name)'",
          detail: "add \(itemSchema.name) (\(itemSchema.type)): \(itemSchema.doc)", at: range)
      }
    case (.reference(let id), .reference(let kinds)):
      if !kinds.contains(id.kind) {
        wrongKind(id, kinds, label: label, at: range)
      } else if topology[id] == nil {
        error(
          "undeclared-reference", "'\(label)' refers to \(id), which this program does not declare",
          detail: "declare it in this run of the program, or refer to one that is declared", at: range)
      }
    case (.string(let text), .reference(let kinds)):
      let named = kinds.compactMap { topology[DeclarationID(kind: $0, name: text)] }.first
      let form = registry.schema(for: kinds[0])?.function.map { "\($0.module).\($0.name)(...)" } ?? "\(kinds[0]) \"...\" { ... }"
      mismatch(
        type,
        detail: named.map { "pass the handle itself: the value of the \($0.kind) declaration, not its name" }
          ?? "pass the value of \(form), not a name")
    default:
      mismatch(type)
    }
  }

  mutating func wrongKind(_ id: DeclarationID, _ kinds: [String], label: String, at range: SourceRange) {
    let notes = topology[id].map { [note($0)] } ?? []
    error(
      "wrong-kind", "'\(label)' must be \(kinds.map(Self.article).joined(separator: " or ")), not \(id)",
      detail: "pass the handle of \(Self.article(kinds[0])) declaration", at: range, notes: notes)
  }

  /// The label a field was written with in a host function's call (a kind may take both
  /// `cluster:` and `in:`), so that a message names what the author wrote; else the usual label.
  static func writtenLabel(_ field: String, in declaration: Declaration) -> String {
    guard let function = declaration.schema?.function else { return field }
    let range = declaration.range(of: field)
    let text = range.file.bytes[range.start..<min(range.end, range.file.bytes.count)]
    let candidates = [field] + function.labelAliases.filter { $0.value == field }.map(\.key).sorted()
    for candidate in candidates where text.starts(with: candidate.utf8) {
      let after = text.dropFirst(candidate.utf8.count).first { $0 != UInt8(ascii: " ") }
      if after == UInt8(ascii: ":") { return candidate }
    }
    return function.label(forField: field)
  }

  /// `an account`, `a cluster`.
  public static func article(_ word: String) -> String { (word.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + word }

  static func noun(_ type: FieldType) -> String {
    switch type {
    case .string(.string): return "a string"
    case .string(let format): return "a string (\(format.rawValue))"
    case .int: return "an int"
    case .bool: return "a bool"
    case .duration: return "a duration"
    case .choice: return "one of \(type)"
    case .list(let element): return "a list of \(element)"
    case .record: return "a record"
    case .reference(let kinds): return kinds.map(article).joined(separator: " or ")
    case .shape: return "a record \(type)"
    case .oneOf(let types): return types.map(noun).joined(separator: " or ")
    }
  }

  // MARK: - Across declarations

  mutating func checkDuplicates() {
    var first: [DeclarationID: Declaration] = [:]
    for declaration in topology.declarations {
      if let earlier = first[declaration.id] {
        let what = declaration.kind == "verify" ? "the check \(declaration.id.name)" : describe(declaration)
        var scope = declaration.id.name.hasSuffix("/" + declaration.name) ? declaration.id.name.dropLast(declaration.name.count + 1) : ""
        if case .accountWhenShared(let field)? = declaration.schema?.scope, let account = declaration.reference(field) {
          scope = Substring(account.name)
        }
        error(
          "duplicate-declaration", "\(what) is declared twice",
          detail: declaration.kind == "verify"
            ? "one check of a kind between the same workloads is enough; remove the second"
            : scope.isEmpty
              ? "names are unique within a kind; rename one, or remove the second"
              : "names are unique within \(scope); rename one, or remove the second",
          at: declaration.nameRange, notes: [note(earlier, "first declared here")])
        continue
      }
      first[declaration.id] = declaration
    }
  }
}
