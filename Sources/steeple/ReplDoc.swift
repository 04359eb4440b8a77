import Foundation
import Steeple

/// What `:doc NAME` says: a declaration kind's or host module's page (as `steeple doc` shows
/// it), a keyword's meaning, a builtin's summary, or a session name's kind, value and place;
/// `module.member` looks into a module.
enum ReplDoc {
  static let keywords: [String: String] = [
    "let": "let NAME = VALUE declares a constant",
    "var": "var NAME = VALUE declares a variable; assign to it with =, +=, ...",
    "fn": "fn NAME(PARAMETERS) { BODY } declares a function; its last expression is its value",
    "return": "return VALUE leaves a function with a value",
    "if": "if CONDITION { ... } else if ... { ... } else { ... }",
    "else": "the branch of an 'if' taken when its conditions are false",
    "for": "for NAME in LIST { ... }, for (KEY, VALUE) in RECORD { ... }, for i in range(N) { ... }",
    "in": "separates a 'for' loop's variables from what it walks, and a cluster from its account",
    "while": "while CONDITION { ... } repeats while the condition holds",
    "break": "leaves the innermost loop", "continue": "goes on with the innermost loop's next turn",
    "import": "import \"module\" [as NAME] makes a module's top-level names available as NAME.member",
    "as": "names an imported module: import \"lib/common\" as common",
    "true": "the boolean true", "false": "the boolean false", "nil": "the absence of a value",
    "and": "A and B: B only when A is true", "or": "A or B: B only when A is false", "not": "not A: the opposite of A",
    "account": "account NAME { profile, region, ... } declares an AWS account",
    "cluster": "cluster NAME in ACCOUNT { cidr, nodes, ... } declares an EKS cluster in an account",
    "mesh": "mesh TRUST_DOMAIN { server, bundle, ... } declares a SPIFFE trust domain and its SPIRE server",
    "entry": "entry SPIFFE_ID { parent, selectors, ... } declares a SPIRE registration entry",
    "verify": "verify mtls|denied|svid|all SUBJECT [-> PEER] declares a check that must hold after apply",
  ]

  static func describe(_ name: String, in session: Session) -> String {
    if let page = SchemaDocumentation.page(for: name) { return page.trimmingCharacters(in: .newlines) }
    if let text = keywords[name] { return "keyword \(name): \(text)" }
    let path = name.split(separator: ".").map(String.init)
    // A module of the session read from a file: its page, or its function's, from that file.
    if let first = path.first, case .module(let module)? = session[first], module.origin != "host", path.count <= 2,
      let page = ScriptDocumentation.page(module: first, file: module.origin, function: path.count == 2 ? path[1] : nil)
    {
      return page.trimmingCharacters(in: .newlines)
    }
    if let first = path.first, var value = session[first] {
      for member in path.dropFirst() {
        guard case .module(let module) = value, let next = module[member] else { return "\(name): no such member" }
        value = next
      }
      let binding = path.count == 1 ? session.names.first { $0.name == first } : nil
      var text = "\(name): \(describe(value))"
      if let binding {
        let location = binding.range.file.location(of: binding.range.start)
        text += "\n  \(binding.kind), declared at \(binding.range.file.name):\(location.line)"
      }
      return text
    }
    if let summary = session.interpreter.builtinSummary(name) {
      return "builtin \(name): " + (summary.isEmpty ? "no summary" : summary)
    }
    // A module not imported yet, found as `import` would find it (`naming`, `naming.spiffe_id`).
    if let page = ScriptDocumentation.page(for: name, loader: FileModuleLoader(searchPath: EvaluationOptions.searchPathFromEnvironment)) {
      return page.trimmingCharacters(in: .newlines)
    }
    let known = session.names.map(\.name) + Interpreter.builtinNames + Array(keywords.keys)
    let near = Spelling.nearest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
    return "'\(name)' is not a keyword, builtin or name of this session\(near)"
  }

  private static func describe(_ value: Value) -> String {
    switch value {
    case .module(let module): return "module \(module.name) (\(module.origin)), members: \(module.memberNames.joined(separator: ", "))"
    case .builtin(let builtin): return builtin.summary.isEmpty ? "builtin \(builtin.name)" : builtin.summary
    default:
      let literal = value.literal
      return "\(value.typeName) " + (literal.count > 200 ? String(literal.prefix(200)) + "…" : literal)
    }
  }
}
