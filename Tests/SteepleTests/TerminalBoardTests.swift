import Foundation
import Testing

/// `steeple apply` on a terminal: the live board (a line per running step with its elapsed time,
/// and a bar for the whole), redrawn in place, then the summary. The terminal is a pseudo-terminal
/// that Python's `os.openpty` makes, 100 columns wide, as a user's would be.
@Suite("the live progress board on a terminal")
struct TerminalBoardTests {
  /// Runs a command on a pseudo-terminal and prints all it wrote there, then its exit status.
  static let driver = #"""
    import fcntl, os, struct, subprocess, sys, termios
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = dict(os.environ, TERM="xterm")
    child = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    out = bytearray()
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    status = child.wait()
    sys.stdout.buffer.write(bytes(out))
    sys.stdout.buffer.write(b"\nexit status %d\n" % status)
    """#

  /// What `steeple` wrote to the terminal, with `\r\n` as `\n`.
  static func onTerminal(_ arguments: [String], in folder: URL, term: String = "xterm", columns: Int = 100) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let driver = Self.driver.replacingOccurrences(of: #"TERM="xterm""#, with: "TERM=\"\(term)\"")
      .replacingOccurrences(of: "30, 100, 0, 0", with: "30, \(columns), 0, 0")
    process.arguments = ["python3", "-c", driver, try TestSupport.product("steeple").path] + arguments
    process.currentDirectoryURL = folder
    let output = folder.appendingPathComponent("terminal.out")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    process.standardOutput = handle
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python3 could not drive the pseudo-terminal")
    return try String(contentsOf: output, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
  }

  @Test("apply on a terminal draws running steps with elapsed times and a bar, redraws them in place, and ends with the summary")
  func board() throws {
    let folder = try DeployCLITests.workspace()
    let screen = try Self.onTerminal(["apply", "--auto-approve", "--time-scale", "0.002", "deploy.spire"], in: folder)
    #expect(screen.hasSuffix("Apply complete: 15 done.\n\nexit status 0\n"), "\(screen.suffix(300))")
    // The plan first, as with a pipe.
    #expect(screen.contains("Plan: 15 to add, 0 to change, 0 to destroy.\n"))
    // A line per running step, its elapsed time at the right edge of the 100 columns.
    let running = screen.matches(of: /\n  \+ creating eks\.cluster\.eks-frontend +\d+\.\ds\n/)
    #expect(running.count >= 2, "the running cluster's line was drawn once, or not at all; elapsed times must move")
    #expect(running.allSatisfy { $0.output.count == 102 }, "a running line fills the terminal's width")
    // The bar for the whole: part filled while steps run, full at the end.
    #expect(screen.contains(/\[█+░+\] \d+\/15  \d+\.\ds\n/))
    #expect(screen.contains(/\[█{40}\] 15\/15  \d+\.\ds\nApply complete: 15 done\.\n/))
    // Redrawn in place (cursor up, erase line), and finished steps scroll by without timestamps.
    #expect(screen.contains("\u{1B}[1A\u{1B}[2K"))
    #expect(screen.contains(/\u{1B}\[2Kdone    \+ eks\.cluster\.eks-frontend \(\d+\.\ds\)\n/))
    #expect(!screen.contains(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z start\s/), "timestamped lines are for pipes")
  }

  /// The rows a terminal `columns` wide shows after `output`: text wraps at the edge (after the
  /// last column, as xterm does), `ESC[1A` moves up a row, `ESC[2K` clears the row.
  static func screen(_ output: String, columns: Int) -> [String] {
    var rows: [[Character]] = [[]]
    var row = 0, column = 0, pendingWrap = false
    var rest = Substring(output)
    while let character = rest.first {
      if rest.hasPrefix("\u{1B}[1A") {
        row = max(0, row - 1)
        pendingWrap = false
        rest = rest.dropFirst(4)
        continue
      }
      if rest.hasPrefix("\u{1B}[2K") {
        rows[row] = []
        rest = rest.dropFirst(4)
        continue
      }
      rest = rest.dropFirst()
      if character == "\n" {
        row += 1
        column = 0
        pendingWrap = false
      } else {
        if pendingWrap {
          row += 1
          column = 0
          pendingWrap = false
        }
        while rows.count <= row { rows.append([]) }
        while rows[row].count <= column { rows[row].append(" ") }
        rows[row][column] = character
        if column == columns - 1 { pendingWrap = true } else { column += 1 }
      }
      while rows.count <= row { rows.append([]) }
    }
    return rows.map { String($0) }
  }

  @Test("on a 40-column terminal, with failed and skipped steps in the bar, the redraw leaves no stale rows")
  func narrowTerminal() throws {
    let folder = try DeployCLITests.workspace()
    try Data(#"""
      import "k8s"
      let a = account "a" { profile: "a", region: "us-east-2" }
      // More nodes than a /24 has addresses for: the node group fails, and the pod on it is skipped.
      let x = cluster "x" in a { cidr: "10.0.0.0/24", nodes: 200 }
      cluster "y" in a { cidr: "10.1.0.0/16" }
      k8s.workload("w", in: x, containers: ["app"])
      """#.utf8).write(to: folder.appendingPathComponent("refused.spire"))
    let output = try Self.onTerminal(["apply", "--auto-approve", "--time-scale", "0.002", "refused.spire"], in: folder, columns: 40)
    #expect(output.contains("Apply failed: 6 done, 1 failed, 1 skipped."), "\(output.suffix(400))")
    let rows = Self.screen(output, columns: 40)
    let bars = rows.filter { $0.hasPrefix("[") && $0.contains("] ") }
    #expect(bars.count == 1, "only the final bar stays on screen:\n\(rows.joined(separator: "\n"))")
    #expect(!rows.contains { $0.contains("creating") && $0.contains(/\d\.\ds *$/) }, "no running line stays on screen")
  }

  @Test("with TERM=dumb the terminal gets the plain timestamped lines")
  func dumbTerminal() throws {
    let folder = try DeployCLITests.workspace()
    let screen = try Self.onTerminal(["apply", "--auto-approve", "deploy.spire"], in: folder, term: "dumb")
    #expect(screen.contains(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z start   \+ creating eks\.cluster\.eks-frontend/))
    #expect(!screen.contains("\u{1B}[1A"))
    #expect(screen.contains("Apply complete: 15 done."))
  }
}
