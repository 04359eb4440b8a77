import CLineEdit
import LineEditShim
import Foundation
import Steeple

/// Where the REPL's lines come from.
protocol LineSource: AnyObject {
  /// The next line without its line break, `.interrupted` when Ctrl-C abandoned it, `.end` at
  /// the end of input (Ctrl-D on an empty line).
  func read(prompt: String) -> LineRead
  /// Keeps a line the user entered, for recall.
  func remember(_ line: String)
}

enum LineRead: Equatable {
  case line(String)
  case interrupted
  case end
}

/// Lines from a terminal through libedit: emacs bindings, history in a file, reverse search
/// (Ctrl-R), and Tab completion through `complete`.
final class LineEditor: LineSource {
  /// Given the text before the line (earlier lines of an unfinished input), the line and the
  /// cursor's UTF-8 offset in the line, what Tab offers.
  typealias Completer = (_ before: String, _ line: String, _ cursor: Int) -> Completions

  private var editor: OpaquePointer?
  private let history: OpaquePointer
  private let historyFile: String?
  private var promptText: UnsafeMutablePointer<CChar> = strdup("")
  let complete: Completer
  /// The text before the current line, for completion in multi-line input; read only when Tab
  /// is pressed, so gathering a long input costs nothing here.
  var pending: () -> String = { "" }

  init?(historyFile: String?, complete: @escaping Completer) {
    guard let history = cle_history_open(1000) else { return nil }
    self.history = history
    self.historyFile = historyFile
    self.complete = complete
    if let historyFile { _ = cle_history_load(history, historyFile) }
    let client = Unmanaged.passUnretained(self).toOpaque()
    let prompt: cle_prompt_function = { editor in
      guard let editor, let client = cle_client(editor) else { return nil }
      return Unmanaged<LineEditor>.fromOpaque(client).takeUnretainedValue().promptText
    }
    let tab: cle_key_function = { editor, _ in
      guard let editor, let client = cle_client(editor) else { return UInt8(CC_ERROR) }
      return Unmanaged<LineEditor>.fromOpaque(client).takeUnretainedValue().completeWord(editor)
    }
    editor = cle_open("steeple", history, prompt, tab, client)
    if editor == nil { return nil }
  }

  deinit {
    if let editor { el_end(editor) }
    history_end(history)
    free(promptText)
  }

  func read(prompt: String) -> LineRead {
    free(promptText)
    promptText = strdup(prompt)
    var count: Int32 = 0
    _ = cle_take_interrupt()
    guard let editor else { return .end }
    let text = el_gets(editor, &count)
    if cle_line_abandoned() != 0 {
      // Ctrl-C: the abandoned line stays on the screen, the next prompt goes below it.
      FileHandle.standardOutput.write(Data("\n".utf8))
      return .interrupted
    }
    guard let text else { return .end }
    var line = String(cString: text)
    if line.hasSuffix("\n") { line.removeLast() }
    return .line(line)
  }

  func remember(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    cle_history_enter(history, line)
    if let historyFile { _ = cle_history_save(history, historyFile) }
  }

  /// Tab: inserts the one candidate, or what all candidates share; when that adds nothing, lists
  /// them under the line and redraws it.
  private func completeWord(_ editor: OpaquePointer) -> UInt8 {
    guard let info = el_line(editor)?.pointee else { return UInt8(CC_ERROR) }
    let length = info.lastchar - info.buffer
    let cursor = info.cursor - info.buffer
    let line = info.buffer.withMemoryRebound(to: UInt8.self, capacity: length) {
      String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
    let pendingText = pending()
    let before = pendingText.isEmpty ? "" : pendingText + "\n"
    let completions = complete(before, line, cursor)
    guard !completions.candidates.isEmpty else { return UInt8(CC_ERROR) }
    let common = completions.commonPrefix
    if common.utf8.count > completions.prefix.utf8.count {
      _ = el_insertstr(editor, String(common.dropFirst(completions.prefix.count)))
      return UInt8(CC_REFRESH)
    }
    let listing = "\n" + Self.columns(completions.candidates.map(\.text)) + "\n"
    FileHandle.standardOutput.write(Data(listing.utf8))
    return UInt8(CC_REDISPLAY)
  }

  /// Candidates in columns that fit 80 characters.
  static func columns(_ words: [String]) -> String {
    let width = (words.map(\.count).max() ?? 0) + 2
    let perLine = max(1, 80 / width)
    var lines: [String] = []
    var index = 0
    while index < words.count {
      let row = words[index..<min(index + perLine, words.count)]
      lines.append(row.map { $0.padding(toLength: width, withPad: " ", startingAt: 0) }.joined().trimmingCharacters(in: .whitespaces))
      index += perLine
    }
    return lines.joined(separator: "\n")
  }
}

/// Lines from standard input when it is not a terminal: no editing, no prompts, no history.
/// Ctrl-C while it waits for a line ends the process, as it would any filter; while an input
/// runs, it stops that input.
final class PlainLines: LineSource {
  func read(prompt: String) -> LineRead {
    cle_release_interrupts()
    defer { cle_catch_interrupts() }
    guard let line = readLine(strippingNewline: true) else { return .end }
    return .line(line)
  }

  func remember(_ line: String) {}
}
