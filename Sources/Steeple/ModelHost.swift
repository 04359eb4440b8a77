public import SteepleCatalog
public import SteepleInterpreter
public import SteepleModel
public import SteepleSyntax

/// The host that turns what a script declares into the model's topology.
///
/// Each declaration (a keyword or a host module function such as `aws.role(...)`) becomes a
/// `Declaration` of plain data; the script gets back a handle whose members are `.name`, `.kind`
/// and the fields of the kind's schema (a field left out reads as its default, or `nil`). Nothing
/// else happens: evaluating a script only records. A cached module's declarations are counted in
/// again in every run that imports it.
public final class ModelHost: DeclarationHost {
  private var declarations: [SteepleModel.Declaration] = []
  /// Problems found while turning values into plain data: a function as a field, a list that
  /// contains itself.
  private(set) var problems: [Diagnostic] = []
  private var ledger = ModuleLedger<SteepleModel.Declaration>()
  private var handles: [DeclarationID: DeclarationHandle] = [:]
  /// Who already has a name that is unique per account (two accounts' `cluster "eks-cluster"`).
  private var sharedNames = SharedNameIdentities()
  /// What earlier inputs of an interactive session declared: a run names what it declares after them.
  var earlierInputs: [SteepleModel.Declaration] = []
  /// Where the kinds, their defaults and their rules come from.
  public let catalog: Catalog

  public init(catalog: Catalog = .standard) { self.catalog = catalog }

  /// What the current (or last) run declared.
  public var topology: Topology { Topology(SharedNameIdentities.qualified(declarations)) }

  /// The diagnostics of the last run's topology: conversion problems, then the model's checks.
  public func diagnostics() -> [Diagnostic] { problems + ModelDiagnostics.placed(topology.check(catalog), in: topology.declarations) }

  public func runWillStart() {
    declarations = []
    problems = []
    sharedNames.removeAll()
    for declaration in earlierInputs { sharedNames.note(declaration) }
    ledger.startRun()
  }

  public func moduleWillLoad(_ id: String) { ledger.moduleWillLoad(id) }
  public func moduleDidLoad(_ id: String, loaded: Bool) { ledger.moduleDidLoad(id, loaded: loaded) }
  public func moduleReused(_ id: String) {
    let reused = ledger.moduleReused(id)
    for declaration in reused { sharedNames.note(declaration) }
    declarations += reused
  }

  public func declare(_ record: DeclarationRecord) throws -> Value {
    var fields: [(String, Value, SourceRange)] = []
    if let parent = record.parent { fields.append(("account", parent, record.parentRange ?? record.range)) }
    for (position, (name, value)) in zip(["subject", "peer"], record.arguments).enumerated() {
      fields.append((name, value, position < record.argumentRanges.count ? record.argumentRanges[position] : record.range))
    }
    for (name, value) in record.fields.fields { fields.append((name, value, record.fieldRanges[name] ?? record.range)) }
    return self.record(
      kind: record.kind.rawValue, name: record.name, nameRange: record.nameRange, fields: fields, range: record.range,
      callStack: record.callStack)
  }

  /// Records one declaration of `kind` and returns its handle: what the keywords and the host
  /// module functions both end in.
  func record(
    kind: String, name: String, nameRange: SourceRange, fields: [(String, Value, SourceRange)], range: SourceRange,
    callStack: [Diagnostic.StackFrame] = []
  ) -> Value {
    var modelFields: [ModelField] = []
    var ranges: [String: SourceRange] = [:]
    for (field, value, fieldRange) in fields {
      guard ranges[field] == nil else { continue }
      ranges[field] = fieldRange
      do {
        if let converted = try Self.modelValue(value, depth: 0) { modelFields.append(ModelField(field, converted)) }
      } catch let failure as ConversionFailure {
        problems.append(Diagnostic(
          code: "type-mismatch", "'\(field)' cannot hold \(failure.what)",
          detail: "a declaration's fields are plain data: strings, numbers, bools, lists, records and handles", at: fieldRange))
      } catch {}
    }
    let schema = catalog.schema(for: kind)
    var id = schema?.identity(name: name, fields: modelFields) ?? DeclarationID(kind: kind, name: name)
    if case .accountWhenShared(let field)? = schema?.scope {
      id = sharedNames.identity(kind: kind, name: name, account: modelFields[field: field]?.reference?.name)
    }
    // A kind without a name of its own (cluster access) is called by its identity.
    let name = schema?.function?.takesName == false ? id.name : name
    var declaration = SteepleModel.Declaration(id: id, name: name, fields: modelFields, fieldRanges: ranges, nameRange: nameRange, range: range, schema: schema)
    declaration.callStack = callStack
    declarations.append(declaration)
    ledger.record(declaration)
    let members = RecordObject(
      (schema?.fields.map(\.name) ?? modelFields.map(\.name)).map { field in
        (field, (declaration[field: field] ?? schema?.field(field)?.defaultValue(name: name)).map(value) ?? .nil)
      } + (schema?.computed ?? []).map { member in (member.name, member.value(of: declaration).map(value) ?? .nil) })
    members.freeze()
    let handle = DeclarationHandle(kind: kind, name: name, identity: id.name, fields: members, range: range)
    handles[id] = handle
    return .handle(handle)
  }

  struct ConversionFailure: Error {
    let what: String
  }

  /// A script value as plain data; `nil` for `nil`, which leaves a field out.
  static func modelValue(_ value: Value, depth: Int) throws -> ModelValue? {
    guard depth < 64 else { throw ConversionFailure(what: "values nested more than 64 deep (does a list contain itself?)") }
    switch value {
    case .nil: return nil
    case .bool(let bool): return .bool(bool)
    case .int(let int): return .int(int)
    case .float(let float): return .float(float)
    case .string(let string): return .string(string)
    case .list(let list): return .list(try list.elements.compactMap { try modelValue($0, depth: depth + 1) })
    case .record(let record):
      return .record(try record.fields.compactMap { name, value in try modelValue(value, depth: depth + 1).map { ModelField(name, $0) } })
    case .handle(let handle): return .reference(DeclarationID(kind: handle.kind, name: handle.identity))
    case .function, .builtin, .method: throw ConversionFailure(what: "a function")
    case .module: throw ConversionFailure(what: "a module")
    }
  }

  /// Plain data back as a script value, for a handle's members: references become the handles.
  func value(_ model: ModelValue) -> Value {
    switch model {
    case .string(let string): return .string(string)
    case .int(let int): return .int(int)
    case .float(let float): return .float(float)
    case .bool(let bool): return .bool(bool)
    case .list(let items): return .list(ListObject(items.map(value)))
    case .record(let fields): return .record(RecordObject(fields.map { ($0.name, value($0.value)) }))
    case .reference(let id):
      return .handle(handles[id] ?? DeclarationHandle(kind: id.kind, name: id.name, fields: RecordObject(), range: nil))
    }
  }
}
