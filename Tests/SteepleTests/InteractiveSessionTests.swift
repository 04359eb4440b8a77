import Foundation
import Steeple
import SteepleTestSupport
import Testing

/// `Session.evaluate`: inputs one after another in one scope, completion, incomplete input, reload.
@Suite("interactive session")
struct InteractiveSessionTests {
  /// A session that prints nothing and leaves the model's checks out (they have a test of their own).
  private func quiet() -> Session {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.checksTopology = false
    return Session(configuration)
  }

  private func literal(_ outcome: Session.Outcome) -> String? { outcome.value?.literal }

  @Test("a later input sees the names an earlier one declared")
  func persistentScope() {
    let session = quiet()
    #expect(session.evaluate("let x = 1").succeeded)
    #expect(literal(session.evaluate("x + 1")) == "2")
    session.evaluate("fn double(n) { n * 2 }")
    #expect(literal(session.evaluate("double(x + 20)")) == "42")
  }

  @Test("assignments to an earlier var are seen by later inputs and by functions defined earlier")
  func variablesChange() {
    let session = quiet()
    session.evaluate("var count = 0")
    session.evaluate("fn bump() { count += 1\n count }")
    session.evaluate("count = 10")
    #expect(literal(session.evaluate("bump()")) == "11")
    #expect(session["count"]?.literal == "11")
  }

  @Test("a later input may declare a name again; earlier functions keep the old one")
  func redefinition() {
    let session = quiet()
    session.evaluate("let region = \"us-east-1\"")
    session.evaluate("fn where_() { region }")
    let again = session.evaluate("let region = \"us-east-2\"")
    #expect(again.succeeded)
    #expect(again.globals.map(\.name) == ["region"])
    #expect(literal(session.evaluate("region")) == "\"us-east-2\"")
    #expect(literal(session.evaluate("where_()")) == "\"us-east-1\"")
    #expect(session.names.filter { $0.name == "region" }.count == 1)
  }

  @Test("within one input the checks are those of a file")
  func sameChecksAsFiles() {
    let session = quiet()
    let outcome = session.evaluate("let a = 1\nlet a = 2", name: "<repl>")
    #expect(outcome.diagnostics.map(\.code) == ["redeclaration"])
    #expect(session["a"] == nil)
    let constant = quiet()
    constant.evaluate("let fixed = 1")
    #expect(constant.evaluate("fixed = 2").diagnostics.map(\.code) == ["assign-to-constant"])
  }

  @Test("an input with errors changes no names; the session goes on")
  func errorsKeepTheScope() {
    let session = quiet()
    session.evaluate("let teams = [\"a\", \"b\"]")
    let typo = session.evaluate("len(temas)")
    #expect(typo.diagnostics.first?.code == "undefined-name")
    #expect(typo.diagnostics.first?.suggestion == "teams")
    let failing = session.evaluate("let half = 1\nfail(\"stop\")\nlet other = 2")
    #expect(!failing.succeeded)
    #expect(session["half"] == nil && session["other"] == nil)
    #expect(literal(session.evaluate("len(teams)")) == "2")
  }

  @Test("errors point into the input as their source")
  func diagnosticsNameTheInput() {
    let session = quiet()
    let outcome = session.evaluate("1 + nope", name: "<repl>")
    let text = DiagnosticRenderer(colors: false).render(outcome.diagnostics)
    #expect(text.hasPrefix("<repl>:1:5: error: undefined name 'nope'\n 1 | 1 + nope\n   |     ^~~~\n"))
  }

  @Test("declarations join the topology; the same one again replaces it")
  func topology() {
    let session = quiet()
    session.evaluate("let shared = account \"shared\" { region: \"us-east-1\" }")
    session.evaluate("cluster \"hub\" in shared { nodes: 3 }")
    session.evaluate("account \"shared\" { region: \"us-east-2\" }")
    session.evaluate("verify reachable \"a\" -> \"b\"\nverify reachable \"a\" -> \"c\"")
    #expect(session.topology.declarations.map(\.kind) == ["account", "cluster", "verify", "verify"])
    #expect(session.topology.declarations[0].string("region") == "us-east-2")
    session.evaluate("account \"broken\" {}\nfail(\"no\")")
    #expect(session.topology.declarations.count == 4)
    session.reset()
    #expect(session.topology.isEmpty && session.names.isEmpty)
  }

  @Test("the model's checks run on the whole session and report what the input wrote")
  func checks() {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    let session = Session(configuration)
    #expect(session.evaluate("let shared = account \"shared\" { profile: \"shared\", region: \"us-east-2\" }").succeeded)
    // The cluster refers to an account declared by an earlier input: no error for that.
    let cluster = session.evaluate("cluster \"hub\" in shared { cidr: \"10.0.0.0/16\" }", name: "<repl>")
    #expect(cluster.diagnostics.filter { $0.severity == .error }.isEmpty, "\(cluster.diagnostics)")
    let bad = session.evaluate("cluster \"other\" in shared { cidr: \"10.0.0.0/99\" }", name: "<repl>")
    #expect(!bad.succeeded)
    #expect(bad.diagnostics.allSatisfy { $0.range?.file.name == "<repl>" })
    #expect(session.topology.declarations.count == 3)
  }

  @Test("cancel() stops a running input and the session goes on", .timeLimit(.minutes(1)))
  func cancel() {
    let started = DispatchSemaphore(value: 0)
    var configuration = Session.Configuration()
    configuration.output = { _ in started.signal() }
    let session = Session(configuration)
    session.evaluate("var spins = 0")
    let box = SessionBox(session)
    let finished = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      box.outcome = box.session.evaluate("print(\"go\")\nwhile true { spins += 1 }")
      finished.signal()
    }
    started.wait()
    session.cancel()
    finished.wait()
    #expect(box.outcome?.diagnostics.map(\.code) == ["cancelled"])
    #expect(literal(session.evaluate("spins > 0")) == "true")
  }

  @Test("inputs that stop early need more lines", arguments: [
    "fn f(x) {", "let xs = [1,", "print(", "let x =", "1 +", "if ready", "let text = \"\"\"\n  some", "/* note",
    "account \"a\" {\n  region: \"x\"",
  ])
  func incomplete(_ input: String) {
    #expect(Session.needsMoreInput(input))
  }

  @Test("finished inputs and inputs with an error before their end do not", arguments: [
    "", "let x = 1", "fn f(x) { x }", "\"unterminated", "1 + + 2", ")", "[1, 2]\n", "let = 3\nlet y = 4 +",
    "account \"a\" { region: \"x\" }",
  ])
  func complete(_ input: String) {
    #expect(!Session.needsMoreInput(input))
  }

  private func candidates(_ session: Session, _ text: String) -> [String] {
    session.completions(for: text, at: text.utf8.count).candidates.map(\.text)
  }

  @Test("completion offers keywords, builtins and the session's names")
  func namesAndKeywords() {
    let session = quiet()
    session.evaluate("let accounts_seen = 3")
    #expect(candidates(session, "acc") == ["account", "accounts_seen"])
    #expect(candidates(session, "let n = le") == ["len", "let"])
    let completions = session.completions(for: "print(accounts_s", at: 16)
    #expect(completions.start == 6 && completions.prefix == "accounts_s" && completions.commonPrefix == "accounts_seen")
  }

  @Test("completion after a dot offers module members, record fields and methods")
  func members() {
    let session = quiet()
    session.evaluate("import \"naming\"\nlet team = { name: \"ui\", cidr: \"10.0.0.0/16\" }\nlet word = \"x\"")
    #expect(candidates(session, "naming.spiffe") == ["spiffe_id"])
    #expect(candidates(session, "print(team.") == ["cidr", "name"])
    #expect(candidates(session, "word.up") == ["upper"])
    #expect(candidates(session, "team.name.st") == ["starts_with"])
    #expect(candidates(session, "\"a,b\".sp") == ["split"])
    #expect(candidates(session, "[1].ap").isEmpty)
  }

  @Test("completion offers declaration handles' fields, declared names and SPIFFE IDs")
  func declarations() {
    let session = quiet()
    session.evaluate("""
      let shared = account "shared" { profile: "shared", region: "us-east-2" }
      mesh "corp" { owner: shared }
      entry "spiffe://corp/ui" { parent: "spiffe://corp/agent", selectors: [] }
      """)
    #expect(candidates(session, "shared.pro") == ["profile"])
    #expect(candidates(session, "verify mtls \"sh") == ["shared"])
    #expect(candidates(session, "let e = \"spiffe://corp/") == ["spiffe://corp/", "spiffe://corp/agent", "spiffe://corp/ui"])
  }

  @Test("completion inside a declaration's braces offers its kind's fields")
  func declarationFields() {
    let session = quiet()
    session.declarationFields = { kind in kind == "cluster" ? ["cidr", "nodes", "version"] : [] }
    session.evaluate("let home = account \"home\" { profile: \"home\", region: \"r\" }")
    #expect(candidates(session, "cluster \"c\" in home { no") == ["nodes"])
    #expect(candidates(session, "cluster \"c\" in home {\n  cidr: \"x\"\n  ") == ["cidr", "nodes", "version"])
    #expect(candidates(session, "account \"b\" { region: \"r\", pro") == ["profile"])
    #expect(candidates(session, "cluster \"c\" in home { nodes: no").contains("not"))
  }

  @Test("reload reads a changed module file again")
  func reload() throws {
    let folder = try TemporaryDirectory.make("steeple-reload-")
    defer { TemporaryDirectory.remove(folder) }
    let module = folder.appendingPathComponent("lib.spire")
    try "let version = 1".write(to: module, atomically: true, encoding: .utf8)
    var configuration = Session.Configuration()
    configuration.searchPath = [folder.path]
    configuration.output = { _ in }
    let session = Session(configuration)
    session.evaluate("import \"lib\"")
    #expect(literal(session.evaluate("lib.version")) == "1")
    try "let version = 2\nlet added = true".write(to: module, atomically: true, encoding: .utf8)
    #expect(literal(session.evaluate("lib.version")) == "1")
    #expect(session.reload(module: "lib").succeeded)
    #expect(literal(session.evaluate("lib.version")) == "2")
    #expect(candidates(session, "lib.a") == ["added"])
    #expect(session.reload(module: "lbi").diagnostics.first?.suggestion == "lib")
  }

  @Test("evaluate(file:) loads a script's names into the session")
  func loadFile() throws {
    let session = quiet()
    let outcome = session.evaluate(file: try TestSupport.fixture("topology.spire").path)
    #expect(outcome.succeeded, "\(outcome.diagnostics)")
    #expect(!session.topology.isEmpty)
    #expect(candidates(session, "cluster \"c\" in shared { ver").contains("version"))
    #expect(!session.names.isEmpty)
  }
}

/// Carries a session to the thread of the cancellation test; the semaphores order every access.
private final class SessionBox: @unchecked Sendable {
  let session: Session
  var outcome: Session.Outcome?
  init(_ session: Session) { self.session = session }
}
