import Foundation
import Testing

/// The `steeple` command, run as a user runs it: a separate process, its output and exit status.
@Suite("steeple command")
struct CLITests {
  // MARK: run

  @Test("eval prints the script's output, then the topology report")
  func runPrintsOutputThenTopology() throws {
    let result = try TestSupport.steeple("eval", "topology.spire")
    #expect(result.status == 0)
    #expect(result.stdout == (try TestSupport.fixtureText("topology.expected")))
    #expect(result.stderr == "")
  }

  @Test("a script that declares nothing prints only its own output")
  func runWithoutDeclarations() throws {
    let result = try TestSupport.steeple("eval", "output-only.spire")
    #expect(result.status == 0)
    #expect(result.stdout == (try TestSupport.fixtureText("output-only.expected")))
    #expect(!result.stdout.contains("topology"))
    #expect(result.stderr == "")
  }

  @Test("a runtime error keeps the output so far, reports the error and exits 1")
  func runtimeErrorExitsOne() throws {
    let result = try TestSupport.steeple("run", "runtime-error.spire")
    #expect(result.status == 1)
    #expect(result.stdout == "splitting nodes\n")
    #expect(result.stderr == (try TestSupport.fixtureText("runtime-error.stderr")))
  }

  @Test("errors found before running stop the script before it prints anything")
  func resolveErrorsRunNothing() throws {
    let result = try TestSupport.steeple("run", "check-a.spire")
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr.contains("check-a.spire:3:7: error: undefined name 'regoin'"))
    #expect(result.stderr.contains("did you mean 'region'?"))
    #expect(result.stderr.hasSuffix("2 errors\n"))
  }

  @Test("the example script runs cleanly and declares a small topology")
  func helloExampleRuns() throws {
    let hello = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire")
    let result = try TestSupport.steeple("eval", hello.path)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr == "")
    #expect(result.stdout.contains("topology: 2 accounts, 2 clusters, 1 mesh, 4 entries, 3 checks, 1 organization, 1 transit gateway, 2 roles, 1 cluster access grant, 1 namespace, 3 workloads, 1 agent set, 3 services\n"))
    #expect(result.stdout.contains("  verify mtls mesh.service \"yelb-ui\" -> mesh.service \"yelb-appserver\"\n"))
  }

  @Test("hello.spire's header names a command that prints what the header says")
  func helloHeaderIsTrue() throws {
    let hello = TestSupport.packageRoot.appendingPathComponent("stdlib/examples/hello.spire")
    let text = try String(contentsOf: hello, encoding: .utf8)
    let command = try #require(text.firstMatch(of: /\n\/\/   steeple (\w+) stdlib\/examples\/hello\.spire\n/)?.1)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-hello-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try FileManager.default.copyItem(at: hello, to: folder.appendingPathComponent("hello.spire"))
    let result = try TestSupport.steeple(String(command), "hello.spire", in: folder)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("Hello from am-multi-account-mesh in us-east-2!\n"))
    #expect(text.contains("\"topology: 2 accounts, 2 clusters, 1 mesh, 4 entries, 3 checks\""))
    #expect(result.stdout.contains("topology: 2 accounts, 2 clusters, 1 mesh, 4 entries, 3 checks, "), "\(result.stdout)")
  }

  @Test("every script in stdlib evaluates without errors")
  func standardLibraryRuns() throws {
    let stdlib = TestSupport.packageRoot.appendingPathComponent("stdlib")
    let files = try #require(FileManager.default.enumerator(atPath: stdlib.path)).compactMap { $0 as? String }
      .filter { $0.hasSuffix(".spire") }.sorted()
    #expect(!files.isEmpty)
    for file in files {
      let result = try TestSupport.steeple("eval", file, in: stdlib)
      #expect(result.status == 0, "\(file): \(result.stderr)")
      #expect(result.stderr == "", "\(file)")
    }
  }

  // MARK: Exit statuses

  @Test("usage errors exit 2 with a message on stderr", arguments: [
    ["frobnicate"],
    ["run", "--no-such-option", "topology.spire"],
    ["run"],
    ["run", "topology.spire", "extra.spire"],
    ["run", "missing-file.spire"],
    ["check", "missing-file.spire"],
    ["check"],
    ["help", "frob"],
    ["run", "--max-steps", "-1", "topology.spire"],
    ["run", "--max-memory", "lots", "topology.spire"],
    ["run", "--max-steps", "0", "topology.spire"],
    ["run", "--diagnostics-format", "xml", "topology.spire"],
    ["run", "--color", "sometimes", "topology.spire"],
  ])
  func usageErrorsExitTwo(arguments: [String]) throws {
    let result = try TestSupport.run("steeple", arguments)
    #expect(result.status == 2, "steeple \(arguments.joined(separator: " ")): \(result.stderr)")
    #expect(result.stdout == "")
    #expect(!result.stderr.isEmpty)
  }

  @Test("a missing file is named in the error")
  func missingFileMessage() throws {
    let result = try TestSupport.steeple("run", "missing-file.spire")
    #expect(result.status == 2)
    #expect(result.stderr.contains("no such file: missing-file.spire"))
  }

  // MARK: check

  @Test("check reports every error of every file and exits 1")
  func checkReportsAllErrors() throws {
    let result = try TestSupport.steeple("check", "check-a.spire", "check-b.spire")
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr == (try TestSupport.fixtureText("check.stderr")))
    for place in ["check-a.spire:3:7", "check-a.spire:5:1", "check-b.spire:3:1", "check-b.spire:3:7"] {
      #expect(result.stderr.contains(place + ": error: "), "\(place)")
    }
    #expect(result.stderr.hasSuffix("4 errors\n"))
  }

  @Test("check says so when every file is clean, and prints nothing the scripts print")
  func checkClean() throws {
    let result = try TestSupport.steeple("check", "topology.spire", "output-only.spire", "uses-stdlib.spire")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "no errors in 3 files\n")
    #expect(result.stderr == "")

    let one = try TestSupport.steeple("check", "output-only.spire")
    #expect(one.stdout == "no errors in 1 file\n")
  }

  // MARK: Options

  @Test("--diagnostics-format json prints a JSON array with file, line and column")
  func jsonDiagnostics() throws {
    let result = try TestSupport.steeple("check", "--diagnostics-format", "json", "check-a.spire", "check-b.spire")
    #expect(result.status == 1)
    let parsed = try JSONSerialization.jsonObject(with: Data(result.stderr.utf8))
    let diagnostics = try #require(parsed as? [[String: Any]])
    #expect(diagnostics.count == 4)
    let first = try #require(diagnostics.first)
    #expect(first["severity"] as? String == "error")
    #expect(first["code"] as? String == "undefined-name")
    #expect(first["summary"] as? String == "undefined name 'regoin'")
    #expect(first["suggestion"] as? String == "region")
    #expect(first["file"] as? String == "check-a.spire")
    let start = try #require(first["start"] as? [String: Any])
    #expect(start["line"] as? Int == 3)
    #expect(start["column"] as? Int == 7)
    let end = try #require(first["end"] as? [String: Any])
    #expect(end["column"] as? Int == 13)
    let notes = try #require(first["notes"] as? [[String: Any]])
    #expect(notes.first?["message"] as? String == "'region' is declared here")
    #expect(diagnostics.compactMap { $0["file"] as? String } == ["check-a.spire", "check-a.spire", "check-b.spire", "check-b.spire"])
  }

  @Test("a runtime error in JSON carries its call stack")
  func jsonRuntimeError() throws {
    let result = try TestSupport.steeple("run", "--diagnostics-format", "json", "runtime-error.spire")
    #expect(result.status == 1)
    let diagnostics = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [[String: Any]])
    let only = try #require(diagnostics.first)
    #expect(diagnostics.count == 1)
    #expect(only["code"] as? String == "division-by-zero")
    let stack = try #require(only["stack"] as? [[String: Any]])
    #expect(stack.first?["function"] as? String == "nodes_per_cluster")
    #expect((stack.first?["start"] as? [String: Any])?["line"] as? Int == 7)
  }

  @Test("--max-steps stops a script that never ends, with exit status 1")
  func maxStepsStopsInfiniteLoop() throws {
    let result = try TestSupport.steeple("run", "--max-steps", "10000", "forever.spire")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: the step budget of 10000 steps is used up"))
    #expect(result.stderr.contains("step budget"))
    #expect(result.stderr.contains("forever.spire:"))

    let checked = try TestSupport.steeple("check", "--max-steps", "5000", "forever.spire")
    #expect(checked.status == 1)
    #expect(checked.stderr.contains("step budget of 5000 steps"))
  }

  @Test("--version prints the version")
  func version() throws {
    let result = try TestSupport.steeple("--version")
    #expect(result.status == 0)
    let version = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(version.split(separator: ".").count == 3, "\(version)")
    #expect(version.allSatisfy { $0.isNumber || $0 == "." }, "\(version)")
  }

  @Test("--help describes the commands and every option", arguments: [
    ([], ["run", "check", "--version", "--help", "STEEPLE_PATH", "Exit status"]),
    (["run"], ["<file>", "--diagnostics-format", "--max-steps", "--color", "text", "json", "auto", "always", "never", "standard input"]),
    (["check"], ["<file>", "--diagnostics-format", "--max-steps", "--color", "text", "json", "auto", "always", "never"]),
  ])
  func help(command: [String], mentions: [String]) throws {
    let result = try TestSupport.run("steeple", command + ["--help"])
    #expect(result.status == 0)
    for word in mentions {
      #expect(result.stdout.contains(word), "steeple \(command.joined(separator: " ")) --help does not mention \(word)")
    }
  }

  @Test("colors: none when stderr is not a terminal, ANSI escapes with --color always")
  func colors() throws {
    let plain = try TestSupport.steeple("run", "runtime-error.spire")
    #expect(!plain.stderr.contains("\u{1B}["))
    let never = try TestSupport.steeple("run", "--color", "never", "runtime-error.spire")
    #expect(!never.stderr.contains("\u{1B}["))
    let always = try TestSupport.steeple("run", "--color", "always", "runtime-error.spire")
    #expect(always.status == 1)
    #expect(always.stderr.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    // Colors change only the decoration, never the text.
    let stripped = always.stderr.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    #expect(stripped == plain.stderr)
    // The script's own output is never colored.
    #expect(always.stdout == plain.stdout)
  }

  // MARK: Modules

  @Test("STEEPLE_PATH makes a module importable by its bare name")
  func steeplePath() throws {
    let without = try TestSupport.steeple("eval", "imports-greeting.spire")
    #expect(without.status == 1)
    #expect(without.stderr.contains("no module named \"greeting\""))

    let searchPath = try TestSupport.fixture("searchpath").path
    let with = try TestSupport.steeple("eval", "imports-greeting.spire", environment: ["STEEPLE_PATH": "/nonexistent:" + searchPath])
    #expect(with.status == 0, "\(with.stderr)")
    #expect(with.stdout == "hello, mesh!\n")
  }

  @Test("modules of the standard library are importable by name")
  func standardLibraryModules() throws {
    let result = try TestSupport.steeple("eval", "uses-stdlib.spire")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      spiffe://am-multi-account-mesh/ns/yelb/sa/yelb-ui
      spiffe://am-multi-account-mesh/ns/spire/sa/spire-agent-front

      """)
  }

  // MARK: Standard input

  @Test("'-' reads the script from standard input")
  func standardInput() throws {
    let script = """
      let shared = account "shared" { region: "us-east-2" }
      print("from stdin: \\(shared.name)")
      """
    let result = try TestSupport.steeple("eval", "-", stdin: script)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      from stdin: shared
      topology: 1 account
        account "shared" { region: "us-east-2" }

      """)
  }

  @Test("errors in a script from standard input are reported against <stdin>")
  func standardInputErrors() throws {
    let result = try TestSupport.steeple("run", "-", stdin: "let x = 1\nprint(x + y)\n")
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("<stdin>:2:11: error: undefined name 'y'\n"))
  }
}
