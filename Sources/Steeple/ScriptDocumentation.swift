import Foundation

/// What `steeple doc` and the REPL's `:doc` say about the functions scripts call that are not
/// declaration kinds: builtins (`print`, `len`) and the functions of modules written in Steeple,
/// the standard library's `naming` first among them. A module's page is its opening comment and
/// each public function's parameters (with their defaults) and the comment above it.
///
/// ```text
/// $ steeple doc naming.spiffe_id
/// naming.spiffe_id(trust_domain, path)
///   A SPIFFE ID: spiffe://TRUST_DOMAIN/PATH. Stray slashes in the path are dropped.
/// ```
public enum ScriptDocumentation {
  /// The page of a builtin (`print`), a module found by import rules (`naming`), or one of its
  /// functions (`naming.spiffe_id`); `nil` when there is none.
  public static func page(for topic: String, loader: FileModuleLoader = FileModuleLoader()) -> String? {
    if let summary = Session(quietConfiguration).interpreter.builtinSummary(topic) {
      return "builtin \(topic)\n  " + (summary.isEmpty ? "no summary" : summary) + "\n"
    }
    let parts = topic.split(separator: ".", maxSplits: 1).map(String.init)
    guard let first = parts.first, let file = try? loader.load(first, from: SourceFile(name: "<doc>", text: "")).file else {
      return nil
    }
    return parts.count == 1 ? modulePage(first, file) : functionPage(module: first, function: parts[1], in: file)
  }

  /// The page of a module's file (what `import` read), or of one of its functions.
  public static func page(module name: String, file path: String, function: String? = nil) -> String? {
    guard case .success(let file) = Session.read(path) else { return nil }
    if let function { return functionPage(module: name, function: function, in: file) }
    return modulePage(name, file)
  }

  /// The builtins' names and the standard library's modules, for "did you mean".
  public static func topics(loader: FileModuleLoader = FileModuleLoader()) -> [String] {
    var modules: [String] = []
    if let folder = loader.standardLibrary, let names = try? FileManager.default.contentsOfDirectory(atPath: folder) {
      modules = names.filter { $0.hasSuffix(".spire") }.map { String($0.dropLast(".spire".count)) }.sorted()
    }
    return Interpreter.builtinNames + modules
  }

  private static var quietConfiguration: Session.Configuration {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    return configuration
  }

  /// A public function of a module: its signature and its comment.
  struct Function {
    var signature: String
    var comment: [String]
  }

  static func functions(in file: SourceFile) -> [(name: String, Function)] {
    let (program, _) = Parser.parse(file)
    return program.statements.compactMap { statement in
      guard case .function(let name, let literal) = statement.kind, !name.name.hasPrefix("_") else { return nil }
      let parameters = literal.parameters.map { parameter in
        parameter.name.name + (parameter.defaultValue.map { " = " + $0.range.text } ?? "")
      }
      let line = statement.range.startLocation.line
      return (name.name, Function(signature: "\(name.name)(\(parameters.joined(separator: ", ")))", comment: comment(above: line, in: file)))
    }
  }

  /// The `//` lines right above a line, without their slashes.
  static func comment(above line: Int, in file: SourceFile) -> [String] {
    var lines: [String] = []
    var current = line - 1
    while current >= file.firstLine {
      let text = file.lineText(current).trimmingCharacters(in: .whitespaces)
      guard text.hasPrefix("//") else { break }
      lines.insert(String(text.dropFirst(2)).trimmingCharacters(in: .whitespaces), at: 0)
      current -= 1
    }
    return lines
  }

  /// The comment that opens a file, up to its first blank or code line.
  static func openingComment(_ file: SourceFile) -> [String] {
    var lines: [String] = []
    var current = file.firstLine
    while current < file.firstLine + file.lineStarts.count {
      let text = file.lineText(current).trimmingCharacters(in: .whitespaces)
      guard text.hasPrefix("//") else { break }
      lines.append(String(text.dropFirst(2)))
      current += 1
    }
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    return lines
  }

  static func modulePage(_ name: String, _ file: SourceFile) -> String {
    var out = "Module \(name) (\(file.name)):\n"
    for line in openingComment(file) { out += "  " + line + "\n" }
    out += "\nfunctions:\n"
    for (_, function) in functions(in: file) {
      out += "  \(name).\(function.signature)\n"
      if let summary = function.comment.first { out += "      \(summary)\n" }
    }
    return out + "\n'steeple doc \(name).FUNCTION' shows a function's whole comment.\n"
  }

  static func functionPage(module: String, function name: String, in file: SourceFile) -> String? {
    guard let function = functions(in: file).first(where: { $0.name == name })?.1 else { return nil }
    var out = "\(module).\(function.signature)\n"
    for line in function.comment { out += "  \(line)\n" }
    return out
  }
}
