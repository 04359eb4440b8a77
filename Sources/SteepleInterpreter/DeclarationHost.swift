public import SteepleSyntax

/// One evaluated primitive: `account`, `cluster`, `mesh`, `entry` or `verify`, with its values.
public struct DeclarationRecord {
  public let kind: DeclarationKind
  /// The name or SPIFFE ID; for `verify`, the kind of check (`mtls`, `denied`, `svid`, `all`).
  public let name: String
  /// For `cluster`, the account value after `in`.
  public let parent: Value?
  /// For `verify`, the subject and the peer after `->`.
  public let arguments: [Value]
  /// The fields in the order written.
  public let fields: RecordObject
  /// The whole declaration.
  public let range: SourceRange
  /// Each field's range, for errors a host finds in one field.
  public let fieldRanges: [String: SourceRange]
  /// Where the name was written.
  public let nameRange: SourceRange
  /// Where the value after `in` was written.
  public let parentRange: SourceRange?
  /// Where each of `arguments` was written.
  public let argumentRanges: [SourceRange]
  /// The calls that led to the declaration, innermost first (the function it was written in,
  /// called at the first frame's range); empty at a file's top level. A host that finds a problem
  /// later reports it with this stack, so that an error inside a function says which call made it.
  public var callStack: [Diagnostic.StackFrame] = []
}

/// What receives the primitives a script evaluates. The language itself knows no AWS or SPIRE: a
/// host turns declarations into a topology and returns the value that the script gets back.
///
/// A module is loaded once and cached, but what it declared belongs to every run that imports it:
/// the interpreter tells the host when a run starts, when a module starts and finishes loading, and
/// when a later import reuses a module loaded before, so the host can count that module's
/// declarations in again (`ModuleLedger` keeps that bookkeeping).
public protocol DeclarationHost: AnyObject {
  /// Takes one declaration and returns its value, usually a `.handle`. Throw `ScriptError` to
  /// reject it; the error is reported at the declaration.
  func declare(_ declaration: DeclarationRecord) throws -> Value

  /// A run starts: nothing is declared in it yet.
  func runWillStart()

  /// The module with this identity starts loading: what is declared until `moduleDidLoad` is its.
  func moduleWillLoad(_ id: String)

  /// The module finished loading (`loaded` false when it failed, and so is not cached).
  func moduleDidLoad(_ id: String, loaded: Bool)

  /// An import got the cached module with this identity: what it declared when it loaded belongs
  /// to this run too (once per run).
  func moduleReused(_ id: String)
}

extension DeclarationHost {
  public func runWillStart() {}
  public func moduleWillLoad(_ id: String) {}
  public func moduleDidLoad(_ id: String, loaded: Bool) {}
  public func moduleReused(_ id: String) {}
}

/// What each loaded module declared, so a host can count a cached module's declarations into every
/// run that imports it, once per run, in the order they were first made (a module's own imports
/// first, as they load while it is resolved).
public struct ModuleLedger<Element> {
  private enum Entry {
    case element(Element)
    case module(String)
  }

  private var loaded: [String: [Entry]] = [:]
  private var loading: [(id: String, entries: [Entry])] = []
  private var counted: Set<String> = []

  public init() {}

  /// A new run: no module counted in yet.
  public mutating func startRun() {
    loading = []
    counted = []
  }

  /// Something declared now; it belongs to the module loading, if any.
  public mutating func record(_ element: Element) {
    if !loading.isEmpty { loading[loading.count - 1].entries.append(.element(element)) }
  }

  public mutating func moduleWillLoad(_ id: String) { loading.append((id, [])) }

  public mutating func moduleDidLoad(_ id: String, loaded success: Bool) {
    guard let index = loading.lastIndex(where: { $0.id == id }) else { return }
    let entries = loading[index].entries
    loading.removeSubrange(index...)
    guard success else { return }
    loaded[id] = entries
    counted.insert(id)
    if !loading.isEmpty { loading[loading.count - 1].entries.append(.module(id)) }
  }

  /// What a reused module (and what it imported) declared, unless this run has it already.
  public mutating func moduleReused(_ id: String) -> [Element] {
    if !loading.isEmpty { loading[loading.count - 1].entries.append(.module(id)) }
    return expand(id)
  }

  private mutating func expand(_ id: String) -> [Element] {
    guard !counted.contains(id), let entries = loaded[id] else { return [] }
    counted.insert(id)
    var elements: [Element] = []
    for entry in entries {
      switch entry {
      case .element(let element): elements.append(element)
      case .module(let nested): elements += expand(nested)
      }
    }
    return elements
  }
}

/// The value of a declaration: its kind and name, plus whatever fields the host exposes, readable as
/// `handle.name`, `handle.kind` and `handle.field`.
public final class DeclarationHandle {
  public let kind: String
  public let name: String
  /// What makes the declaration unique within its kind: the name, or the name with its scope in
  /// front (`frontend/eks-cluster-frontend-access-role`).
  public let identity: String
  public let fields: RecordObject
  public let range: SourceRange?

  public init(kind: String, name: String, identity: String? = nil, fields: RecordObject, range: SourceRange?) {
    self.kind = kind
    self.name = name
    self.identity = identity ?? name
    self.fields = fields
    self.range = range
  }

  /// A member as the script reads it: `kind`, `name`, or a field.
  public func member(_ name: String) -> Value? {
    switch name {
    case "kind": return .string(kind)
    case "name": return .string(self.name)
    default: return fields[name]
    }
  }

  public var memberNames: [String] { ["kind", "name"] + fields.keys }
}

/// A host that keeps every declaration in order and hands back a handle for each: for tests and
/// embedders that want the declarations as the interpreter made them. A cached module's
/// declarations are counted again in each run that imports it.
public final class RecordingHost: DeclarationHost {
  public private(set) var declarations: [DeclarationRecord] = []
  private var ledger = ModuleLedger<DeclarationRecord>()

  public init() {}

  public func runWillStart() { ledger.startRun() }
  public func moduleWillLoad(_ id: String) { ledger.moduleWillLoad(id) }
  public func moduleDidLoad(_ id: String, loaded: Bool) { ledger.moduleDidLoad(id, loaded: loaded) }
  public func moduleReused(_ id: String) { declarations += ledger.moduleReused(id) }

  public func declare(_ declaration: DeclarationRecord) throws -> Value {
    declarations.append(declaration)
    ledger.record(declaration)
    var fields = declaration.fields.fields
    if let parent = declaration.parent { fields.insert(("account", parent), at: 0) }
    if !declaration.arguments.isEmpty { fields.insert(("arguments", .list(ListObject(declaration.arguments))), at: 0) }
    let record = RecordObject(fields)
    record.freeze()
    return .handle(DeclarationHandle(kind: declaration.kind.rawValue, name: declaration.name, fields: record, range: declaration.range))
  }
}
