import ArgumentParser
import Steeple

struct DocCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc",
    abstract: "Describe the kinds of declaration and the host modules.",
    discussion: """
      Without a topic, lists every keyword and host module function. With one (a kind such as \
      'cluster' or 'aws.role', or a module such as 'aws'), shows how it is written and each field: \
      its type, whether it is required or its default, and what it means. A builtin ('print') \
      shows what it does; a module written in Steeple ('naming', found as 'import' finds it) \
      shows its comment and its functions, and 'naming.spiffe_id' one function's parameters and \
      comment.
      """)

  @ArgumentParser.Argument(
    help: ArgumentHelp(
      "A kind (cluster, aws.role, ...), a module (aws, k8s, naming), a module's function (naming.spiffe_id) or a builtin (print).",
      valueName: "topic"))
  var topic: String?

  func run() throws {
    guard let topic else {
      try writeOutput(SchemaDocumentation.index())
      return
    }
    let loader = FileModuleLoader(searchPath: EvaluationOptions.searchPathFromEnvironment)
    let hostPage = SchemaDocumentation.page(for: topic)
    guard let page = hostPage ?? ScriptDocumentation.page(for: topic, loader: loader) else {
      var message = "steeple doc: there is no kind, module, function or builtin named '\(topic)'"
      let topics = SchemaDocumentation.topics + ScriptDocumentation.topics(loader: loader)
      if let close = Spelling.nearest(to: topic, in: topics) { message += "; did you mean '\(close)'?" }
      writeError(message + "\nrun 'steeple doc' for the list\n")
      throw ExitCode(2)
    }
    // A host module with a Steeple half in the standard library (spire) shows its functions too; a
    // module written only in Steeple (naming, yelb) has shown its comment already.
    if hostPage != nil, !topic.contains("."), let header = StandardLibrary.header(of: topic) {
      try writeOutput(page + "\nIts Steeple half, stdlib/\(topic).spire:\n\n" + header)
    } else {
      try writeOutput(page)
    }
  }
}
