public import SteepleSyntax

/// The top-level scope of an interactive session, such as a REPL: each input evaluated in it (see
/// `Interpreter.evaluate(_:in:)`) sees the names that earlier inputs declared.
///
/// Every input that declares names adds a link: its resolved scope and the frame its names live
/// in, whose parent is the frame of the link before. A later input reaches an earlier input's
/// variable one frame further out per link between them, exactly as a closure reaches the
/// variables of the functions around it, so nothing is copied and assignments to earlier `var`s
/// are seen everywhere. Declaring a name again shadows the earlier one for later inputs; functions
/// defined before keep the binding they were resolved against.
public final class InteractiveScope {
  /// One input's names and the frame holding their values.
  final class Link {
    let scope: Compiler.FunctionScope
    let block: Compiler.BlockScope
    let frame: Frame

    init(scope: Compiler.FunctionScope, block: Compiler.BlockScope, frame: Frame) {
      self.scope = scope
      self.block = block
      self.frame = frame
    }

    var previous: Link? {
      guard let parentScope = scope.parent, let parentBlock = scope.parentBlocks.first, let parentFrame = frame.parent else { return nil }
      return Link(scope: parentScope, block: parentBlock, frame: parentFrame)
    }
  }

  /// A top-level name of the session and its current value.
  public struct Binding {
    public let name: String
    /// `variable`, `constant`, `function` or `module`.
    public let kind: String
    public let value: Value
    /// Where the name is declared.
    public let range: SourceRange
  }

  var last: Link?

  public init() {}

  /// The names visible to the next input, newest first; a shadowed name appears once.
  public var bindings: [Binding] {
    var seen: Set<String> = []
    var result: [Binding] = []
    var link = last
    while let current = link {
      for (name, binding) in current.block.names.sorted(by: { $0.value.slot > $1.value.slot }) where seen.insert(name).inserted {
        result.append(Binding(name: name, kind: binding.kind.word, value: current.frame[binding.slot], range: binding.range))
      }
      link = current.previous
    }
    return result
  }

  /// The current value of a top-level name.
  public subscript(name: String) -> Value? {
    var link = last
    while let current = link {
      if let binding = current.block.names[name] { return current.frame[binding.slot] }
      link = current.previous
    }
    return nil
  }

  /// Forgets every name: the next input starts from an empty scope.
  public func reset() { last = nil }
}

extension Interpreter {
  /// The names of the methods a value has (`"text".upper()`, `items.append(x)`), for completion.
  public static func methodNames(of value: Value) -> [String] { Methods.names(for: value) }
}

extension Interpreter {
  /// The one-line summary of a core builtin or a predeclared builtin, for a REPL's `:doc`.
  public func builtinSummary(_ name: String) -> String? {
    if case .builtin(let builtin)? = predeclared[name] { return builtin.summary }
    return Builtins.byName[name]?.summary
  }
}
