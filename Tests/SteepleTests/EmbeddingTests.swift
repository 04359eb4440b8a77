import Foundation
import Steeple
import Testing

/// The EmbeddingExample tool, run as a process, and the `Session` API used in-process.
@Suite("embedding")
struct EmbeddingExampleTests {
  @Test("EmbeddingExample runs its script and prints the values it got back")
  func embeddedScript() throws {
    let result = try TestSupport.run("EmbeddingExample", [])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == (try TestSupport.fixtureText("embedding.expected")))
    #expect(result.stderr == "")
  }

  @Test("EmbeddingExample runs a script file with its builtin and module")
  func scriptFile() throws {
    let result = try TestSupport.run("EmbeddingExample", ["embedding-custom.spire"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == """
      declarations:
        account "search" { profile: "bob", region: "us-east-2", id: "123456789011" }
      globals:
        inventory = "<module inventory>"
        owner = "bob"
        team_count = 3
      value = 30
      plan:
        + aws.account.search (declared, does not exist)
      Plan: 1 to add, 0 to change, 0 to destroy.
      Apply complete: 1 done. The callback saw 1 steps start.
      state: 1 resources, clusters []
      second plan: No changes.

      """)
  }

  @Test("EmbeddingExample reports a builtin's error at the call and exits 1")
  func builtinError() throws {
    let result = try TestSupport.run("EmbeddingExample", ["embedding-bad-index.spire"])
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr == """
      embedding-bad-index.spire:2:28: error: cidr_for() index 300 is out of range
       2 | let blocks = [cidr_for(1), cidr_for(300)]
         |                            ^~~~~~~~~~~~~
         = help: pass an index from 0 to 255

      """)
  }

  @Test("EmbeddingExample's module suggests a close name")
  func moduleSuggestion() throws {
    let result = try TestSupport.run("EmbeddingExample", ["-"], stdin: "import \"inventory\"\ninventory.owner_of(\"serch\")\n")
    #expect(result.status == 1)
    #expect(result.stderr.contains("<stdin>:2:1: error: no team named \"serch\""))
    #expect(result.stderr.contains("did you mean 'search'?"))
  }
}

/// Collects what scripts print; used from the one thread a run happens on.
final class PrintedLines: @unchecked Sendable {
  var text = ""
}

@Suite("Session API")
struct SessionTests {
  /// A session that collects printed text and finds no files.
  func session(_ configure: (inout Session.Configuration) -> Void = { _ in }) -> (Session, PrintedLines) {
    let printed = PrintedLines()
    var configuration = Session.Configuration()
    configuration.output = { printed.text += $0 }
    configuration.loader = InMemoryModuleLoader([:])
    configure(&configuration)
    return (Session(configuration), printed)
  }

  @Test("a builtin that throws ScriptError gives a diagnostic at the call's range")
  func builtinThrows() throws {
    let (session, printed) = session { configuration in
      configuration.builtins = [
        BuiltinFunction("lookup_vpc") { call in
          let name = try call.string(0, "name")
          throw ScriptError("no VPC named \(Value.quote(name))", detail: "create it first", suggestion: "vpc-shared", code: "no-vpc")
        }
      ]
    }
    let outcome = session.run(source: "print(\"before\")\nlet id = 1 + lookup_vpc(\"vpc-shard\")\nprint(\"after\")\n", name: "vpcs.spire")
    #expect(!outcome.succeeded)
    #expect(printed.text == "before\n")
    let diagnostic = try #require(outcome.diagnostics.first)
    #expect(outcome.diagnostics.count == 1)
    #expect(diagnostic.code == "no-vpc")
    #expect(diagnostic.summary == "no VPC named \"vpc-shard\"")
    #expect(diagnostic.detail == "create it first")
    #expect(diagnostic.suggestion == "vpc-shared")
    let range = try #require(diagnostic.range)
    #expect(range.file.name == "vpcs.spire")
    #expect(range.text == "lookup_vpc(\"vpc-shard\")")
    #expect(range.startLocation.line == 2)
    #expect(range.startLocation.column == 14)
    #expect(diagnostic.description.hasPrefix("vpcs.spire:2:14: error: no VPC named \"vpc-shard\"\n"))
  }

  @Test("a builtin's wrong-type and arity errors name the builtin")
  func builtinArgumentChecks() throws {
    let (session, _) = session { configuration in
      configuration.builtins = [
        BuiltinFunction("double") { call in
          try call.expect(1, 1)
          return .int(try call.int(0, "n") * 2)
        }
      ]
    }
    #expect(session.run(source: "double(21)").value.map(\.literal) == "42")
    let wrongType = session.run(source: "double(\"x\")")
    #expect(wrongType.diagnostics.first?.summary == "double() expects an int for 'n', but got string")
    let arity = session.run(source: "double(1, 2)")
    #expect(arity.diagnostics.first?.summary == "double() takes 1 argument, but 2 were given")
  }

  @Test("a host module is imported by name, and its members are checked before running")
  func hostModule() throws {
    let (session, printed) = session { configuration in
      configuration.modules = [
        ModuleObject(name: "inventory", members: [
          ("teams", .list(ListObject([.string("payments"), .string("search")]))),
          ("count", .builtin(BuiltinFunction("count") { _ in .int(2) })),
        ])
      ]
    }
    let outcome = session.run(source: "import \"inventory\"\nprint(inventory.teams[1], inventory.count())\n")
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    #expect(printed.text == "search 2\n")

    let aliased = session.run(source: "import \"inventory\" as inv\ninv.teams\n")
    #expect(aliased.value.map(\.literal) == "[\"payments\", \"search\"]")

    let misspelled = session.run(source: "import \"inventory\"\nprint(\"runs?\")\ninventory.teems\n")
    #expect(printed.text == "search 2\n", "a script with a resolve error must not run")
    let diagnostic = try #require(misspelled.diagnostics.first)
    #expect(diagnostic.code == "unknown-member")
    #expect(diagnostic.suggestion == "teams")
    #expect(diagnostic.range?.text == "teems")
  }

  @Test("the outcome holds the last value, the globals and the declarations")
  func outcomeValues() throws {
    let (session, _) = session()
    let outcome = session.run(source: """
      let region = "us-east-2"
      let _hidden = 1
      var count = 0
      let shared = account "shared" { region: region }
      let hub = cluster "hub" in shared { cidr: "10.1.0.0/16", nodes: 3 }
      verify reachable "a" -> "b" { timeout: 5 }
      count += 2
      { region: region, count: count }
      """)
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    #expect(outcome.value?.literal == "{ region: \"us-east-2\", count: 2 }")
    #expect(outcome[global: "region"]?.literal == "\"us-east-2\"")
    #expect(outcome[global: "count"]?.literal == "2")
    #expect(outcome[global: "_hidden"] == nil)
    #expect(outcome[global: "nothing"] == nil)
    #expect(outcome.globals.map(\.name) == ["region", "count", "shared", "hub"])
    guard case .handle(let hub)? = outcome[global: "hub"] else {
      Issue.record("hub is not a handle")
      return
    }
    #expect(hub.kind == "cluster")
    #expect(hub.name == "hub")
    #expect(hub.member("nodes")?.literal == "3")

    #expect(hub.member("version")?.literal == "\"1.31\"", "a field left out reads as its default")
    #expect(hub.member("network")?.literal == "nil", "an optional field left out reads as nil")
    #expect(hub.member("account")?.literal == "account \"shared\"")

    #expect(outcome.declarations.map(\.kind) == ["account", "cluster", "verify"])
    #expect(outcome.declarations.map(\.name) == ["shared", "hub", "reachable"])
    let cluster = outcome.declarations[1]
    #expect(cluster.id == DeclarationID(kind: "cluster", name: "hub"))
    #expect(cluster[field: "account"] == .reference(DeclarationID(kind: "account", name: "shared")))
    #expect(cluster[field: "nodes"] == .int(3))
    #expect(cluster.range.startLocation.line == 5)
    #expect(cluster.fieldRanges["nodes"]?.text == "nodes: 3")
    #expect(cluster.fieldRanges["account"]?.text == "shared")
    let check = outcome.declarations[2]
    #expect(check.id.name == #"reachable "a" -> "b""#)
    #expect(check[field: "subject"] == .string("a"))
    #expect(check[field: "peer"] == .string("b"))
    #expect(check[field: "timeout"] == .int(5))
  }

  @Test("declarations are counted per run; a failed run has no globals")
  func declarationsPerRun() throws {
    let (session, _) = session()
    #expect(session.run(source: "account \"a\" { region: \"us-east-1\" }\naccount \"b\" { region: \"us-east-1\" }").declarations.count == 2)
    #expect(session.run(source: "mesh \"m\" { owner: account \"a\" { region: \"us-east-1\" } }").declarations.map(\.name) == ["a", "m"])
    let failed = session.run(source: "let x = 1\nfail(\"stop here\")")
    #expect(failed.globals.isEmpty)
    #expect(failed.value == nil)
    #expect(failed.diagnostics.first?.code == "fail")
    #expect(failed.diagnostics.first?.summary == "stop here")
  }

  @Test("a host that rejects a declaration gets its error reported at the declaration")
  func customHost() throws {
    final class NoClusters: DeclarationHost {
      var accepted: [String] = []
      func declare(_ declaration: DeclarationRecord) throws -> Value {
        if declaration.kind == .cluster {
          throw ScriptError("clusters are not supported here", detail: "declare accounts only", code: "unsupported")
        }
        accepted.append(declaration.name)
        return .string("handle of \(declaration.name)")
      }
    }
    let host = NoClusters()
    let (session, printed) = session { $0.host = host }
    let outcome = session.run(source: "let a = account \"a\" {}\nprint(a)\ncluster \"c\" in a { }\n")
    #expect(host.accepted == ["a"])
    #expect(printed.text == "handle of a\n")
    #expect(outcome.declarations.isEmpty, "declarations are recorded only by the default host")
    let diagnostic = try #require(outcome.diagnostics.first)
    #expect(diagnostic.code == "unsupported")
    #expect(diagnostic.range?.text == "cluster \"c\" in a { }")
  }

  @Test("modules from a loader run once per session and are frozen")
  func moduleCache() throws {
    let (session, printed) = session { configuration in
      configuration.loader = InMemoryModuleLoader([
        "common": "print(\"loading common\")\nlet names = [\"a\"]\nlet _secret = 1\nfn size() { len(names) }\n"
      ])
    }
    let first = session.run(source: "import \"common\"\ncommon.size()")
    #expect(first.value?.literal == "1")
    let second = session.run(source: "import \"common\" as c\nc.names")
    #expect(second.value?.literal == "[\"a\"]")
    #expect(printed.text == "loading common\n")
    let frozen = session.run(source: "import \"common\"\ncommon.names.append(\"b\")")
    #expect(frozen.diagnostics.first?.code == "frozen")
    let hidden = session.run(source: "import \"common\"\ncommon._secret")
    #expect(hidden.diagnostics.first?.code == "unknown-member")
  }

  @Test("modules of the standard library load from disk by name")
  func standardLibrary() throws {
    var configuration = Session.Configuration()
    configuration.standardLibrary = TestSupport.packageRoot.appendingPathComponent("stdlib").path
    configuration.output = { _ in }
    let outcome = Session(configuration).run(source: "import \"naming\"\nnaming.server_id(\"example.org\")")
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    #expect(outcome.value?.literal == "\"spiffe://example.org/spire/server\"")
  }

  @Test("maxSteps stops a run that does not end")
  func stepBudget() throws {
    let (session, _) = session { $0.maxSteps = 5_000 }
    let outcome = session.run(source: "var n = 0\nwhile true { n += 1 }")
    #expect(outcome.diagnostics.map(\.code) == ["step-budget"])
  }

  @Test("maxCallDepth stops unbounded recursion with a short stack")
  func callDepth() throws {
    let (session, _) = session { $0.maxCallDepth = 50 }
    let outcome = session.run(source: "fn down(n) { down(n + 1) }\ndown(0)")
    let diagnostic = try #require(outcome.diagnostics.first)
    #expect(diagnostic.code == "call-depth")
    #expect(diagnostic.summary == "too many nested calls (more than 50)")
    #expect(diagnostic.description.contains("... the same call"))
  }

  @Test("Session.cancel from another thread stops a running script")
  func cancel() throws {
    let started = DispatchSemaphore(value: 0)
    let cancelled = DispatchSemaphore(value: 0)
    let waiting = Flag(true)
    let (session, _) = session { configuration in
      // A safety net: if cancelling did nothing, the run ends on the budget instead of hanging.
      configuration.maxSteps = 50_000_000
      configuration.builtins = [
        BuiltinFunction("tick") { _ in
          // The first tick tells the test the loop is running and waits until cancel() returned.
          if waiting.exchange(false) {
            started.signal()
            cancelled.wait()
          }
          return .nil
        }
      ]
    }
    let canceller = UncheckedBox(session)
    DispatchQueue.global().async {
      started.wait()
      canceller.value.cancel()
      cancelled.signal()
    }
    let outcome = session.run(source: "var laps = 0\nwhile true {\n  tick()\n  laps += 1\n}\n", name: "spin.spire")
    let diagnostic = try #require(outcome.diagnostics.first)
    #expect(outcome.diagnostics.count == 1)
    #expect(diagnostic.code == "cancelled")
    #expect(diagnostic.summary == "the run was cancelled")
    #expect(diagnostic.range?.file.name == "spin.spire")
  }
}

/// Hands a value to another thread when the test itself guarantees the access is safe.
final class UncheckedBox<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}

/// A Boolean flag that one thread can flip and read.
final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var flag: Bool
  init(_ flag: Bool) { self.flag = flag }
  func exchange(_ new: Bool) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    let old = flag
    flag = new
    return old
  }
}
