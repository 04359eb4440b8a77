import Foundation
import Testing

/// The command's behaviour that the language review found wrong (issue 5).
@Suite("steeple command: review regressions")
struct CLIReviewTests {
  /// Runs `steeple ARGUMENTS` through the shell with `redirections` applied, in the fixtures.
  func shell(_ arguments: String, _ redirections: String) throws -> ProcessResult {
    let steeple = try TestSupport.product("steeple").path
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-shell-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let script = "cd \"$1\" && \"$0\" \(arguments) \(redirections) 2>>\"$2/stderr\"; echo $? > \"$2/status\""
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script, steeple, try TestSupport.fixtures.path, scratch.path]
    try process.run()
    process.waitUntilExit()
    let status = try String(contentsOf: scratch.appendingPathComponent("status"), encoding: .utf8)
    let stderr = (try? String(contentsOf: scratch.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
    let stdout = (try? String(contentsOf: scratch.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
    return ProcessResult(status: Int32(status.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, stdout: stdout, stderr: stderr)
  }

  @Test("a failed write to standard output is a clean error with status 1", arguments: [
    ("eval output-only.spire", "> /dev/full", "No space left on device"),
    ("eval topology.spire", "> /dev/full", "No space left on device"),
    ("eval output-only.spire", ">&-", "Bad file descriptor"),
    ("check output-only.spire", "> /dev/full", "No space left on device"),
  ])
  func failedWritesAreCleanErrors(arguments: String, redirection: String, reason: String) throws {
    let result = try shell(arguments, redirection)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("steeple: error: cannot write to standard output: \(reason)"), "\(result.stderr)")
    #expect(!result.stderr.contains("Fatal error"))
  }

  @Test("a failed write to standard error still exits with the script's status")
  func failedWritesToStandardError() throws {
    let failing = try shell("eval runtime-error.spire", "> /dev/null 2>/dev/full")
    #expect(failing.status == 1)
    let clean = try shell("eval output-only.spire", "> /dev/null 2>/dev/full")
    #expect(clean.status == 0)
  }

  @Test("output written before a failure stays written")
  func outputIsWrittenAsItGoes() throws {
    // A script that prints and then fails: its output is in the file even though the run failed.
    let result = try shell("eval runtime-error.spire", "> \"$2/stdout\"")
    #expect(result.status == 1)
    #expect(!result.stdout.isEmpty)
  }

  @Test("check reports a missing file, checks the others, and exits 2 at the end")
  func checkGoesOnPastAMissingFile() throws {
    let clean = try TestSupport.steeple("check", "missing.spire", "output-only.spire")
    #expect(clean.status == 2)
    #expect(clean.stderr.contains("no such file: missing.spire"))
    #expect(clean.stdout == "no errors in 1 file (1 more could not be read)\n")
    let withErrors = try TestSupport.steeple("check", "missing.spire", "check-a.spire")
    #expect(withErrors.status == 2)
    #expect(withErrors.stderr.contains("no such file: missing.spire"))
    #expect(withErrors.stderr.contains("check-a.spire:"))
    #expect(withErrors.stdout == "")
  }

  @Test("check stops a script that never ends with its default step budget")
  func checkHasADefaultStepBudget() throws {
    let result = try TestSupport.steeple("check", "forever.spire")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: the step budget of 10000000 steps is used up"))
    let raised = try TestSupport.steeple("check", "--max-steps", "500", "forever.spire")
    #expect(raised.stderr.contains("error: the step budget of 500 steps is used up"))
  }

  @Test("help for an unknown subcommand is a usage error")
  func helpForAnUnknownSubcommand() throws {
    let result = try TestSupport.steeple("help", "frob")
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Error: no subcommand named 'frob'; the subcommands are: run, check"))
    #expect(try TestSupport.steeple("help", "run").status == 0)
  }

  @Test("a negative --max-steps is a bad value, not a missing one")
  func negativeMaxSteps() throws {
    let result = try TestSupport.steeple("run", "--max-steps", "-1", "topology.spire")
    #expect(result.status == 2)
    #expect(result.stderr.hasPrefix("Error: --max-steps must be a positive number of steps, not -1"))
  }

  @Test("a budget of one step is one step")
  func oneStep() throws {
    let result = try TestSupport.steeple("eval", "--max-steps", "1", "output-only.spire")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: the step budget of 1 step is used up"))
  }

  @Test("--max-memory takes sizes with units and stops a script that keeps too much")
  func maxMemory() throws {
    let result = try TestSupport.steeple(
      "eval", "--max-memory", "200M", "-", stdin: "var kept = []\nfor i in range(100) {\n  kept.append(range(10000000))\n}\n")
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("<stdin>:3:15: error: the run would use more than 200 MiB of memory"), "\(result.stderr)")
    #expect(result.stderr.contains("   |               ^~~~~~~~~~~~~~~\n"))
  }

  @Test("warnings print like errors, do not change the exit status, and fail check --warnings-as-errors")
  func warnings() throws {
    let script = "let total = 10\n  - 3\nprint(total)\n"
    let run = try TestSupport.steeple("eval", "-", stdin: script)
    #expect(run.status == 0)
    #expect(run.stdout == "10\n")
    #expect(run.stderr == """
      <stdin>:2:3: warning: the value of '- 3' is unused
       2 |   - 3
         |   ^~~
         = help: a line that starts with '-' begins a new statement: it does not subtract from the line above; to continue that line, end it with the operator
         = fix-it: join it to the line above: 'let total = 10 - 3'
      1 warning

      """)
    let check = try TestSupport.steeple("check", "-", stdin: script)
    #expect(check.status == 0)
    #expect(check.stdout == "no errors in 1 file\n")
    let strict = try TestSupport.steeple("check", "--warnings-as-errors", "-", stdin: script)
    #expect(strict.status == 1)
    #expect(strict.stderr.hasPrefix("<stdin>:2:3: error: the value of '- 3' is unused"))
    #expect(strict.stderr.hasSuffix("1 error\n"))
    #expect(strict.stdout == "")
  }

  /// The README's embedding example is main.swift itself (less the helpers it marks as left out),
  /// and the output it shows is what the tool prints.
  @Test("the README's embedding example is EmbeddingExample's source, with its real output")
  func readmeEmbeddingExample() throws {
    let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let source = try String(
      contentsOf: TestSupport.packageRoot.appendingPathComponent("Sources/EmbeddingExample/main.swift"), encoding: .utf8)
    let section = try #require(readme.range(of: "## Embedding Steeple")).upperBound
    let rest = readme[section...]
    let swiftStart = try #require(rest.range(of: "```swift\n")).upperBound
    let swiftEnd = try #require(rest[swiftStart...].range(of: "\n```\n"))
    let excerpt = String(rest[swiftStart..<swiftEnd.lowerBound])
    let chunks = excerpt.components(separatedBy: "\n").split { $0.hasPrefix("// … ") }.map { $0.joined(separator: "\n") }
    #expect(chunks.count == 2)
    var searchFrom = source.startIndex
    for chunk in chunks {
      let trimmed = chunk.trimmingCharacters(in: .newlines)
      let found = source.range(of: trimmed, range: searchFrom..<source.endIndex)
      #expect(found != nil, "not in main.swift, in this order:\n\(trimmed)")
      if let found { searchFrom = found.upperBound }
    }
    let outputStart = try #require(rest[swiftEnd.upperBound...].range(of: "```text\n")).upperBound
    let outputEnd = try #require(rest[outputStart...].range(of: "```\n"))
    let shown = String(rest[outputStart..<outputEnd.lowerBound])
    let actual = try TestSupport.run("EmbeddingExample", [])
    #expect(actual.status == 0)
    #expect(shown == actual.stdout)
  }
}
