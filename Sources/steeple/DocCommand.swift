import ArgumentParser
import Steeple

struct DocCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "doc",
    abstract: "Describe the kinds of declaration and the host modules.",
    discussion: """
      Without a topic, lists every keyword and host module function. With one (a kind such as \
      'cluster' or 'aws.role', or a module such as 'aws'), shows how it is written and each field: \
      its type, whether it is required or its default, and what it means.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("A kind (cluster, aws.role, ...) or a module (aws, k8s).", valueName: "topic"))
  var topic: String?

  func run() throws {
    guard let topic else {
      try writeOutput(SchemaDocumentation.index())
      return
    }
    guard let page = SchemaDocumentation.page(for: topic) else {
      var message = "steeple doc: there is no kind or module named '\(topic)'"
      if let close = Spelling.nearest(to: topic, in: SchemaDocumentation.topics) { message += "; did you mean '\(close)'?" }
      writeError(message + "\nrun 'steeple doc' for the list\n")
      throw ExitCode(2)
    }
    // A module with a Steeple half in the standard library (spire) shows its functions too.
    if !topic.contains("."), let header = StandardLibrary.header(of: topic) {
      try writeOutput(page + "\nIts Steeple half, stdlib/\(topic).spire:\n\n" + header)
    } else {
      try writeOutput(page)
    }
  }
}
