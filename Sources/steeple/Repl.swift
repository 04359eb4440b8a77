import LineEditShim
import Foundation
import Steeple
import Synchronization
import ArgumentParser

/// The read-evaluate-print loop of `steeple repl`, over an interactive `Session`.
///
/// Lines gather into one input while it is unfinished (`Session.needsMoreInput`); a finished input
/// is evaluated, its value printed when it is a bare expression, its errors reported as a file's
/// are. A line starting with `:` is a command. Ctrl-C abandons the line being typed or cancels the
/// running input; the end of input (Ctrl-D on an empty line) ends the loop.
final class Repl {
  static let prompt = "steeple> "
  static let continuation = "...      "

  let session: Session
  let lines: any LineSource
  /// Whether a person is typing: prompts and the greeting are shown.
  let showsPrompts: Bool
  let reporter: DiagnosticReporter
  let actions: any ReplActions
  /// Whether any input had errors, for the exit status when reading a file of inputs.
  private(set) var hadErrors = false

  init(session: Session, lines: any LineSource, showsPrompts: Bool, reporter: DiagnosticReporter, actions: any ReplActions) {
    self.session = session
    self.lines = lines
    self.showsPrompts = showsPrompts
    self.reporter = reporter
    self.actions = actions
  }

  /// Runs until the input ends or `:quit`; throws when writing to standard output fails.
  func run() throws {
    if showsPrompts { try writeOutput("Steeple \(SteepleCommand.version): type :help for commands, Ctrl-D to leave\n") }
    var input = InputGatherer()
    // Lines read so far, so that an input read from a file or a pipe gets that stream's line numbers.
    var linesRead = 0
    var firstLine = 1
    (lines as? LineEditor)?.pending = { input.text }
    while true {
      switch lines.read(prompt: showsPrompts ? (input.isEmpty ? Self.prompt : Self.continuation) : "") {
      case .end:
        if !input.isEmpty { try evaluate(input.text, firstLine: firstLine) }
        if showsPrompts { try writeOutput("\n") }
        return
      case .interrupted:
        input.reset()
      case .line(let line):
        linesRead += 1 + line.utf8.lazy.filter { $0 == UInt8(ascii: "\n") }.count
        if input.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
          lines.remember(line)
          if try command(line.trimmingCharacters(in: .whitespaces)) == .quit { return }
          continue
        }
        if input.isEmpty { firstLine = showsPrompts ? 1 : linesRead }
        guard input.add(line) else { continue }
        // The whole input is one history entry: recalled, it comes back whole.
        lines.remember(input.text)
        let text = input.text
        input.reset()
        if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { try evaluate(text, firstLine: firstLine) }
      }
    }
  }

  /// Evaluates one input; prints its value, or reports its errors. `firstLine` numbers its lines
  /// (the stream's, when reading a file or a pipe; each typed input starts at 1).
  func evaluate(_ input: String, firstLine: Int = 1) throws {
    let outcome = interruptibly { self.session.evaluate(input, name: "<repl>", firstLine: firstLine) }
    report(outcome)
    guard outcome.succeeded, let value = outcome.value else { return }
    if case .nil = value { return }
    try writeOutput(value.literal + "\n")
  }

  private func report(_ outcome: Session.Outcome) {
    reporter.report(outcome.diagnostics)
    if !outcome.succeeded { hadErrors = true }
  }

  /// Runs `work` on a thread of its own while this one waits for it or for Ctrl-C, which cancels
  /// the session's running input. A Ctrl-C pressed after the line was entered counts too; once
  /// pressed, the cancellation is repeated until the work ends, so one made before the input
  /// started running is not lost.
  private func interruptibly<T>(onInterrupt: (() -> Void)? = nil, _ work: @escaping () -> T) -> T {
    let job = Job(work)
    Thread.detachNewThread {
      job.perform()
      cle_wake()
    }
    var interrupted = false
    while !job.isDone {
      if interrupted { cle_wait_at_most(10) } else { cle_wait() }
      if cle_take_interrupt() != 0 { interrupted = true }
      if interrupted {
        if let onInterrupt { onInterrupt() } else { session.cancel() }
      }
    }
    return job.result!
  }

  /// Work handed to another thread and its result; `isDone` is read after `cle_wait` returns,
  /// which the semaphore orders after the write.
  private final class Job<T>: @unchecked Sendable {
    private let work: () -> T
    private let lock = NSLock()
    private var value: T?

    init(_ work: @escaping () -> T) { self.work = work }

    func perform() {
      let result = work()
      lock.withLock { value = result }
    }

    var isDone: Bool { lock.withLock { value != nil } }
    var result: T? { lock.withLock { value } }
  }

  // MARK: Commands

  enum Next { case goOn, quit }

  static let commands: [(name: String, usage: String, summary: String)] = [
    ("help", ":help", "this list"),
    ("doc", ":doc [NAME]", "a declaration kind's fields (account, aws.role, ...), or what a name is; alone, the kinds"),
    ("load", ":load FILE", "evaluate a script in the session: its names and declarations join it"),
    ("reload", ":reload MODULE", "read an imported module's file again after it changed"),
    ("topology", ":topology", "the declarations the session has made"),
    ("entries", ":entries", "the session's SPIRE registration entries"),
    ("plan", ":plan", "what applying the topology would change"),
    ("apply", ":apply", "make the cloud match the topology"),
    ("destroy", ":destroy", "delete everything in the state"),
    ("verify", ":verify", "run the topology's checks against the cloud"),
    ("state", ":state", "what the cloud has now"),
    ("reset", ":reset", "forget every name and declaration"),
    ("quit", ":quit", "leave (Ctrl-D does too)"),
  ]

  func command(_ line: String) throws -> Next {
    let words = line.dropFirst().split(separator: " ", maxSplits: 1).map(String.init)
    let name = words.first ?? ""
    let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
    switch name {
    case "help", "h", "?":
      var text = "Type Steeple code: a bare expression prints its value; an unfinished line continues with '...'.\n"
      for command in Self.commands {
        let usage: String = command.usage.padding(toLength: 16, withPad: " ", startingAt: 0)
        text += "  \(usage)\(command.summary)\n"
      }
      text += "Tab completes, Ctrl-R searches the history, Ctrl-C abandons the line or stops the running input.\n"
      try writeOutput(text)
    case "quit", "q", "exit":
      return .quit
    case "load":
      guard !argument.isEmpty else { return usage(":load FILE") }
      let outcome = interruptibly { self.session.evaluate(file: argument) }
      report(outcome)
      if outcome.succeeded {
        try writeOutput("loaded \(argument): \(outcome.globals.count) names, \(outcome.declarations.count) declarations\n")
      }
    case "reload":
      guard !argument.isEmpty else { return usage(":reload MODULE") }
      let outcome = interruptibly { self.session.reload(module: argument) }
      report(outcome)
      if outcome.succeeded { try writeOutput("reloaded \(argument)\n") }
    case "topology":
      try writeOutput(session.topology.isEmpty ? "no declarations yet\n" : TopologyReport.render(session.topology))
    case "entries":
      let entries = session.topology.declarations(of: "entry")
      guard !entries.isEmpty else {
        try writeOutput("no entries yet\n")
        break
      }
      // The report's lines without its "topology: N entries" heading and indent.
      let lines: [Substring] = TopologyReport.render(Topology(entries)).split(separator: "\n").dropFirst().map { $0.dropFirst(2) }
      try writeOutput(lines.joined(separator: "\n") + "\n")
    case "reset":
      session.reset()
      try writeOutput("the session is empty again\n")
    case "doc":
      try writeOutput(argument.isEmpty ? SchemaDocumentation.index() : ReplDoc.describe(argument, in: session) + "\n")
    case "plan": try act { _ in try self.actions.plan(self.session) }
    case "apply": try act { interrupt in try self.actions.apply(self.session, cancelled: { interrupt.isSet }) }
    case "destroy": try act { interrupt in try self.actions.destroy(self.session, cancelled: { interrupt.isSet }) }
    case "verify": try act { _ in try self.actions.verify(self.session) }
    case "state": try act { _ in try self.actions.state(self.session) }
    default:
      let names = Self.commands.map(\.name)
      var message = "unknown command ':\(name)'"
      if let near = Spelling.nearest(to: name, in: names) { message += "; did you mean ':\(near)'?" }
      writeError(message + " (:help lists the commands)\n")
      hadErrors = true
    }
    return .goOn
  }

  private func usage(_ text: String) -> Next {
    writeError("usage: \(text)\n")
    hadErrors = true
    return .goOn
  }

  /// Runs an engine command on another thread; Ctrl-C sets `interrupt`, which the command reads
  /// to cancel an apply.
  private func act(_ action: @escaping (Interrupt) throws -> String) throws {
    let interrupt = Interrupt()
    let result = interruptibly(onInterrupt: { interrupt.set() }) { Result { try action(interrupt) } }
    switch result {
    case .success(let text): try writeOutput(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
    case .failure(let error as ReplActionUnavailable):
      writeError("error: \(error.message)\n")
      hadErrors = true
    case .failure(is ExitCode):
      // Already reported, as the command-line commands report it.
      hadErrors = true
    case .failure(let error):
      writeError("error: \(error)\n")
      hadErrors = true
    }
  }

  /// Whether Ctrl-C was pressed while an engine command ran; safe from any thread.
  final class Interrupt: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
  }
}
