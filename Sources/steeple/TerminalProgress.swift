import Foundation
import Steeple
import Synchronization

/// Shows an apply's progress where it is going: on a terminal, finished steps scroll by above a
/// live board (a line per running step with its elapsed time, and a bar for the whole) redrawn ten
/// times a second; to a pipe or a file, one plain timestamped line per event.
final class TerminalProgress: Sendable {
  private struct State {
    var progress = ApplyProgress()
    var drawn = 0
    var stopped = false
  }

  private let state = Mutex(State())
  private let live: Bool
  private let descriptor: Int32

  /// Writes to standard output, or to standard error when standard output carries JSON.
  init(toStandardError: Bool) {
    descriptor = toStandardError ? STDERR_FILENO : STDOUT_FILENO
    let environment = ProcessInfo.processInfo.environment
    live = isatty(descriptor) == 1 && environment["TERM"] != "dumb"
  }

  /// Takes one event; safe from any task.
  func handle(_ event: ApplyEvent) {
    state.withLock { state in
      state.progress.handle(event)
      if live {
        var text = erase(state.drawn)
        switch event {
        case .finished, .resuming, .waitingForLock:
          // The line without its timestamp: the terminal is watched live.
          text += (ApplyProgress.line(for: event).split(separator: " ", maxSplits: 1).last.map(String.init) ?? "") + "\n"
        case .began, .started: break
        }
        let columns = width()
        let board = state.progress.board(now: Date(), width: columns)
        text += board.joined(separator: "\n") + "\n"
        state.drawn = Self.rows(board, columns: columns)
        emit(text)
      } else {
        emit(ApplyProgress.line(for: event) + "\n")
      }
    }
  }

  /// Redraws the board until `stop()`, so elapsed times move while steps run.
  func startTicking() {
    guard live else { return }
    Thread.detachNewThread { [self] in
      while true {
        Thread.sleep(forTimeInterval: 0.1)
        let running = state.withLock { state -> Bool in
          guard !state.stopped else { return false }
          let columns = width()
          let board = state.progress.board(now: Date(), width: columns)
          emit(erase(state.drawn) + board.joined(separator: "\n") + "\n")
          state.drawn = Self.rows(board, columns: columns)
          return true
        }
        if !running { return }
      }
    }
  }

  /// Stops redrawing and leaves the last bar on screen.
  func stop() {
    state.withLock { state in
      state.stopped = true
      if live {
        let bar = state.progress.bar(now: Date(), width: width())
        emit(erase(state.drawn) + bar + "\n")
        state.drawn = 0
      }
    }
  }

  /// The terminal rows `lines` take: one each, more for a line that wraps. The board fits its
  /// lines to the width; this keeps the redraw right if one still wraps (wide characters).
  static func rows(_ lines: [String], columns: Int) -> Int {
    lines.reduce(0) { $0 + max(1, ($1.count + columns - 1) / columns) }
  }

  private func erase(_ lines: Int) -> String {
    String(repeating: "\u{1B}[1A\u{1B}[2K", count: lines)
  }

  private func width() -> Int {
    var size = winsize()
    guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 else { return 80 }
    return Int(size.ws_col)
  }

  private func emit(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written <= 0 { return }
      offset += written
    }
  }
}
