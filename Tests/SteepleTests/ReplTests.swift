import Foundation
import SteepleTestSupport
import Testing

/// `steeple repl` driven as a person would: through a pseudo-terminal (Fixtures/repl-pty.py, on
/// Python's `pty`), with keys typed and output awaited; and with standard input from a file.
@Suite("repl")
struct ReplTests {
  enum Step {
    case send(String)
    case expect(String)
    case exit(Int)
    /// Runs a shell command between two steps, as another user of the machine would.
    case shell(String)
    /// Waits for a prompt and until the REPL reads keys one by one, as libedit does at its prompt:
    /// keys typed earlier would be echoed and read by the terminal's line mode instead.
    case prompt(String)

    var json: [String: Any] {
      switch self {
      case .prompt(let text): return ["expect": text, "ready": true]
      case .send(let text): return ["send": text]
      case .expect(let text): return ["expect": text]
      case .exit(let status): return ["exit": status]
      case .shell(let command): return ["shell": command]
      }
    }
  }

  static let prompt = Step.prompt("steeple> ")

  /// Runs `steeple repl` on a pseudo-terminal through `steps`; returns the transcript. Fails the
  /// test with the transcript when an expected text does not appear.
  @discardableResult
  func drive(
    _ steps: [Step], command: String = "repl", arguments: [String] = [], history: URL? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> String {
    let scratch = try TemporaryDirectory.make("steeple-repl-")
    defer { TemporaryDirectory.remove(scratch) }
    let stepsFile = scratch.appendingPathComponent("steps.json")
    try JSONSerialization.data(withJSONObject: steps.map(\.json)).write(to: stepsFile)
    let output = scratch.appendingPathComponent("out")
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", try TestSupport.fixture("repl-pty.py").path, stepsFile.path, try TestSupport.product("steeple").path, command] + arguments
    process.currentDirectoryURL = try TestSupport.fixtures
    var environment = ProcessInfo.processInfo.environment
    for name in ["STEEPLE_PATH", "STEEPLE_STDLIB"] { environment[name] = nil }
    environment["NO_COLOR"] = "1"
    environment["STEEPLE_HISTORY"] = (history ?? scratch.appendingPathComponent("history")).path
    process.environment = environment
    let handle = try FileHandle(forWritingTo: output)
    defer { try? handle.close() }
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    let transcript = try String(contentsOf: output, encoding: .utf8)
    #expect(process.terminationStatus == 0, "\(transcript)", sourceLocation: sourceLocation)
    return transcript
  }

  @Test("Tab completes a partial keyword")
  func completeKeyword() throws {
    try drive([
      Self.prompt, .send("let flag = fals\t\n"), Self.prompt,
      .send("print(\"flag is \\(flag)\")\n"), .expect("flag is false"), Self.prompt, .send("\u{4}"), .exit(0),
    ])
  }

  @Test("Tab completes a module member and a string method")
  func completeMembers() throws {
    try drive([
      Self.prompt, .send("import \"naming\"\n"), Self.prompt,
      .send("naming.spiffe_i\t(\"td\", \"web\")\n"), .expect("\"spiffe://td/web\""), Self.prompt,
      .send("\"yelb\".upp\t()\n"), .expect("\"YELB\""), Self.prompt, .send("\u{4}"), .exit(0),
    ])
  }

  @Test("Tab twice lists the candidates when they share nothing more")
  func listCandidates() throws {
    try drive([
      Self.prompt, .send("let account_one = 1\n"), Self.prompt, .send("acc\t\t"), .expect("account_one"),
      .prompt("steeple> account"), .send("\u{3}"),
      Self.prompt, .send("\u{4}"), .exit(0),
    ])
  }

  @Test("history is kept across two sessions, recalled with Up and with Ctrl-R")
  func history() throws {
    let folder = try TemporaryDirectory.make("steeple-history-")
    defer { TemporaryDirectory.remove(folder) }
    let history = folder.appendingPathComponent("history")
    try drive([Self.prompt, .send("let secret = 41 + 1\n"), Self.prompt, .send("\"other\"\n"), Self.prompt, .send("\u{4}"), .exit(0)], history: history)
    #expect(try String(contentsOf: history, encoding: .utf8).contains("secret"))
    try drive([
      Self.prompt, .send("\u{1B}[A\u{1B}[A\n"), Self.prompt, .send("secret * 2\n"), .expect("84"), Self.prompt,
      .send("\u{12}41 +"), .expect("41 + 1"), .send("\n"), Self.prompt, .send("secret\n"), .expect("42"), Self.prompt,
      .send("\u{4}"), .exit(0),
    ], history: history)
  }

  @Test("an unfinished input continues with a '...' prompt")
  func multiLine() throws {
    try drive([
      Self.prompt, .send("fn add(a, b) {\n"), .prompt("..."), .send("a + b\n"), .prompt("..."), .send("}\n"), Self.prompt,
      .send("let xs = [\n"), .prompt("..."), .send("add(1, 2), add(3, 4)]\n"), Self.prompt,
      .send("xs\n"), .expect("[3, 7]"), Self.prompt, .send("\u{4}"), .exit(0),
    ])
  }

  @Test("a multi-line input is one history entry, not one per line")
  func multiLineHistory() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-history-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let history = folder.appendingPathComponent("history")
    try drive([
      Self.prompt, .send("fn add(a, b) {\n"), .prompt("..."), .send("a + b\n"), .prompt("..."), .send("}\n"), Self.prompt,
      .send("add(1, 2)\n"), .expect("3"), Self.prompt, .send("\u{4}"), .exit(0),
    ], history: history)
    // libedit's file: a header line, then one line per entry, with spaces and line breaks escaped.
    let entries = try String(contentsOf: history, encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(entries.count == 2, "\(entries)")
    #expect(entries.first?.hasPrefix("fn") == true && entries.first?.contains("a\\040+\\040b") == true, "\(entries)")
    #expect(entries.last == "add(1,\\0402)")
  }

  @Test("inputs read from a pipe report errors at that stream's lines")
  func pipedLineNumbers() throws {
    let result = try TestSupport.steeple("repl", stdin: """
      let a = 1
      fn twice(x) {
        x * 2
      }
      print(twice(a))
      print(twice(b))
      """, environment: ["NO_COLOR": "1"])
    #expect(result.stdout == "2\n")
    #expect(result.stderr.hasPrefix("<repl>:6:13: error: undefined name 'b'"), "\(result.stderr)")
    #expect(result.stderr.contains(" 6 | print(twice(b))"))
  }

  @Test("Ctrl-C stops a long loop and abandons a line; the session goes on")
  func interrupt() throws {
    try drive([
      Self.prompt, .send("var turns = 0\n"), Self.prompt,
      .send("print(\"spin\" + \"ning\"); while true { turns += 1 }\n"), .expect("spinning"), .send("\u{3}"),
      .expect("the run was cancelled"), .expect("stopped here on request (Ctrl-C"), Self.prompt,
      .send("turns > 0\n"), .expect("true"), Self.prompt,
      .send("this line is abandoned\u{3}"), Self.prompt, .send("1 + 1\n"), .expect("2\r\n"), Self.prompt,
      .send("\u{4}"), .exit(0),
    ])
  }

  @Test("an error is reported as in a file and does not end the session")
  func errorGoesOn() throws {
    let transcript = try drive([
      Self.prompt, .send("let region = \"us-east-2\"\n"), Self.prompt, .send("regoin.upper()\n"),
      .expect("<repl>:1:1: error: undefined name 'regoin'"), .expect("did you mean 'region'?"), Self.prompt,
      .send("region.upper()\n"), .expect("\"US-EAST-2\""), Self.prompt, .send(":quit\n"), .exit(0),
    ])
    #expect(transcript.contains(" 1 | regoin.upper()"))
  }

  /// A fresh folder for a state directory, removed at the end of the test.
  static func scratchFolder() throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-repl-state-")
    return folder
  }

  @Test("repl FILE loads the script first; commands report what works")
  func loadFileAndCommands() throws {
    let state = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: state) }
    try drive([
      Self.prompt, .send("hub.nodes + 1\n"), .expect("4\r\n"), Self.prompt,
      .send(":entries\n"), .expect("entry \"spiffe://"), Self.prompt,
      .send(":plan\n"), .expect("+ eks.cluster.eks-cluster-shared"), .expect("Plan: 15 to add, 0 to change, 0 to destroy."), Self.prompt,
      .send(":doc len\n"), .expect("builtin len: "), Self.prompt,
      .send(":doc cluster\n"), .expect("cidr"), Self.prompt,
      .send(":nope\n"), .expect("unknown command ':nope'"), Self.prompt, .send("\u{4}"), .exit(0),
    ], arguments: ["topology.spire", "--state", state.path])
  }

  @Test("with standard input from a file: no prompts, values and errors in order, status 1 after an error")
  func notATerminal() throws {
    let result = try TestSupport.steeple("repl", stdin: """
      let x = 20
      fn twice(n) {
        n * 2
      }
      twice(x) + 2
      nope
      "done".upper()
      :topology
      account "a" { profile: "a", region: "us-east-2" }
      :topology
      account "b" { region: "r" }
      """, environment: ["NO_COLOR": "1"])
    #expect(result.status == 1)
    #expect(result.stdout == """
      42
      "DONE"
      no declarations yet
      account "a"
      topology: 1 account
        account "a" { profile: "a", region: "us-east-2" }

      """)
    // At the lines of the input read, not each input's first line.
    #expect(result.stderr.hasPrefix("<repl>:6:1: error: undefined name 'nope'\n"))
    // The model's checks report on the declaration as typed.
    #expect(result.stderr.contains("<repl>:11:15: error: \"r\" is not a valid region"))
  }

  @Test("with standard input from a file and no errors the status is 0")
  func notATerminalClean() throws {
    let result = try TestSupport.steeple("repl", stdin: "1 + 1\n", environment: ["NO_COLOR": "1"])
    #expect(result.status == 0 && result.stdout == "2\n" && result.stderr == "")
  }

  static let twoAccounts = """
    let a = account "a" { profile: "alice", region: "us-east-2" }
    cluster "eks-a" in a { cidr: "10.1.0.0/16" }
    """

  @Test(":plan, :apply, :state, :verify and :destroy deploy the session's topology into the state directory")
  func deployFromTheSession() throws {
    let state = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: state) }
    let result = try TestSupport.steeple("repl", "--state", state.path, stdin: """
      \(Self.twoAccounts)
      :plan
      :apply
      :plan
      :state
      let b = account "b" { profile: "bob", region: "us-east-2" }
      verify reachable "eks-a" -> "eks-a"
      :plan
      :verify
      :destroy
      :state
      """, environment: ["NO_COLOR": "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("  + eks.cluster.eks-a (declared, does not exist)\n"))
    #expect(result.stdout.contains("Plan: 4 to add, 0 to change, 0 to destroy.\n"))
    #expect(result.stdout.contains("Apply complete: 4 done.\n"))
    #expect(result.stdout.contains("No changes. What exists matches the script.\n"))
    #expect(result.stdout.contains("account \"a\", cluster \"eks-a\"\n  eks.cluster.eks-a  arn=arn:aws:eks:us-east-2:"))
    #expect(result.stdout.contains("4 resources.\n"))
    // Only the account declared after the apply is new.
    #expect(result.stdout.contains("Plan: 1 to add, 0 to change, 0 to destroy.\n"))
    #expect(result.stdout.contains("checks:\n  ✗ verify reachable \"eks-a\" -> \"eks-a\": "))
    #expect(result.stdout.contains("Plan: 0 to add, 0 to change, 4 to destroy.\n"))
    #expect(result.stdout.hasSuffix("The state is empty.\n"))
    #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("cloud.sqlite").path))
    #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("journal.jsonl").path))
  }

  @Test("the state directory is .steeple/NAME beside FILE, and a topology with errors is not planned")
  func stateBesideTheFileAndErrors() throws {
    let folder = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    try Self.twoAccounts.write(to: folder.appendingPathComponent("net.spire"), atomically: true, encoding: .utf8)
    let result = try TestSupport.steeple("repl", "net.spire", in: folder, stdin: """
      :apply
      account "c" { profile: "carol", region: "nowhere" }
      :plan
      """, environment: ["NO_COLOR": "1"])
    #expect(result.status == 1)
    #expect(result.stdout.contains("Apply complete: 4 done.\n"))
    #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(".steeple/net/cloud.sqlite").path))
    // The bad region is reported when it is typed, and again by :plan, which then stops.
    #expect(result.stderr.components(separatedBy: "\"nowhere\" is not a valid region").count == 3, "\(result.stderr)")
    #expect(result.stderr.hasSuffix("error: the topology has errors: declare the faulty declarations again to fix them\n"))
    #expect(!result.stdout.contains("+ aws.account.c"))
  }

  @Test("Ctrl-C during :apply stops it, and the session goes on")
  func interruptApply() throws {
    let state = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: state) }
    // At this scale an EKS cluster takes about 3 seconds: long enough to interrupt, and the step
    // that has started runs to its end.
    let transcript = try drive([
      Self.prompt, .send("let a = account \"a\" { profile: \"alice\", region: \"us-east-2\" }\n"), Self.prompt,
      .send("cluster \"eks-a\" in a { cidr: \"10.1.0.0/16\" }\n"), Self.prompt,
      .send(":apply\n"), .expect("creating eks.cluster.eks-a"), .send("\u{3}"), .expect("interrupted"),
      .expect("cancelled"), .expect("run ':apply' again to finish"), Self.prompt,
      .send("1 + 1\n"), .expect("2\r\n"), Self.prompt,
      .send(":state\n"), .expect("aws.account.a"), Self.prompt, .send("\u{4}"), .exit(0),
    ], arguments: ["--state", state.path, "--time-scale", "0.005"])
    #expect(!transcript.contains("Apply complete: 4 done."))
  }

  @Test("a state directory moved away under a session: the next command fails and says so, not 'complete'")
  func stateMovedAway() throws {
    let folder = try Self.scratchFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let state = folder.appendingPathComponent("state").path
    let transcript = try drive([
      Self.prompt, .send("let a = account \"a\" { profile: \"alice\", region: \"us-east-2\" }\n"), Self.prompt,
      .send(":apply\n"), .expect("Apply complete: "), Self.prompt,
      .shell("mv '\(state)' '\(state).moved'"),
      .send("let b = account \"b\" { profile: \"bob\", region: \"us-east-2\" }\n"), Self.prompt,
      .send(":apply\n"), .expect("was moved, removed or replaced since it was opened"), Self.prompt,
      .send("\u{4}"), .exit(0),
    ], arguments: ["--state", state])
    #expect(!transcript.contains("aws.account.b"), "nothing was applied into the moved state: \(transcript)")
  }

  @Test("with standard input from a pipe, SIGINT stops a running input; while waiting for a line it ends the REPL")
  func interruptWithoutTerminal() throws {
    let process = Process()
    process.executableURL = try TestSupport.product("steeple")
    process.arguments = ["repl"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var seen = ""
    func readUntil(_ text: String) {
      while !seen.contains(text) {
        let data = output.fileHandleForReading.availableData
        if data.isEmpty { break }
        seen += String(decoding: data, as: UTF8.self)
      }
    }
    input.fileHandleForWriting.write(Data("print(\"spin\" + \"ning\"); while true {}\n".utf8))
    readUntil("spinning")
    process.interrupt()
    input.fileHandleForWriting.write(Data("print(\"after\", 1 + 1)\n".utf8))
    readUntil("after 2")
    #expect(seen.contains("after 2"))
    // "after 2" is printed before that input has finished: until then SIGINT would only stop it.
    for _ in 0..<400 where process.isRunning {
      process.interrupt()
      usleep(50_000)
    }
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)
    #expect(process.terminationStatus == SIGINT)
  }
}
