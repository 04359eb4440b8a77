import ArgumentParser
import LineEditShim
import Foundation
import Steeple

struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Explore a topology interactively: type Steeple, see values, plan and apply.",
    discussion: """
      Each input is evaluated in one session: later inputs see earlier names. On a terminal, \
      lines are edited with emacs keys (libedit), Tab completes, Ctrl-R searches the history \
      (kept in $STEEPLE_HISTORY, or ~/.steeple_history), Ctrl-C abandons the line or stops the \
      running input, and Ctrl-D on an empty line leaves. When standard input is not a terminal, \
      lines are read as they come, without prompts, and the exit status is 1 if any input had \
      errors. :plan, :apply, :destroy, :verify and :state deploy the session's topology into the \
      local cloud in the state directory, as the commands of those names do; Ctrl-C during \
      :apply stops it. Type :help for the commands.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("A script to evaluate first; its names and declarations join the session.", valueName: "file"))
  var file: String?

  @OptionGroup var options: EvaluationOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var timing: TimingOptions
  @OptionGroup var applying: ApplyingOptions
  @OptionGroup var ownership: OwnershipOptions

  func run() throws {
    let session = Session(options.sessionConfiguration())
    cle_catch_interrupts()
    let terminal = isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    let reporter = options.reporter
    if let file {
      let outcome = session.evaluate(file: file)
      reporter.report(outcome.diagnostics)
      if outcome.diagnostics.contains(where: { $0.code == "file-not-found" || $0.code == "file-unreadable" }) { throw ExitCode(2) }
    }
    var lines: any LineSource = PlainLines()
    if terminal, let editor = LineEditor(historyFile: Self.historyFile(), complete: { before, line, cursor in
      session.completions(for: before + line, at: before.utf8.count + cursor)
    }) {
      lines = editor
    }
    // :plan, :apply, ... deploy into FILE's state (.steeple/NAME beside it), or .steeple/repl in the
    // current folder, unless --state says; the state records FILE (or "repl") as its script.
    var applyOptions = ownership.applyOptions(applying, script: file ?? "repl")
    if file == nil { applyOptions.script = ScriptRecord(name: "repl", path: "") }
    let actions = EngineActions(
      stateDirectory: state.directory(for: file), timeScale: timing.timeScale, applyOptions: applyOptions,
      reporter: reporter)
    let repl = Repl(session: session, lines: lines, showsPrompts: terminal, reporter: reporter, actions: actions)
    try repl.run()
    if !terminal, repl.hadErrors { throw ExitCode(1) }
  }

  /// `$STEEPLE_HISTORY`, or `~/.steeple_history`; none when neither can be found.
  static func historyFile() -> String? {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["STEEPLE_HISTORY"], !path.isEmpty { return path }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return (home as NSString).appendingPathComponent(".steeple_history")
  }
}
