import Testing
@testable import SteepleInterpreter
import SteepleSyntax

/// The seam between the interpreter and its host: what a declaration carries, and the module
/// events that let a host count a cached module's declarations into every run.
@Suite("Declaration host")
struct DeclarationHostTests {
  @Test("a declaration carries the ranges of its name, its account and its operands")
  func ranges() throws {
    let outcome = run("""
      let a = account "acct" { region: "x" }
      cluster "c-\\(1)" in a { nodes: 2 }
      verify mtls "ui" -> "app"
      """)
    #expect(outcome.succeeded, "\(outcome.rendered)")
    let cluster = outcome.host.declarations[1]
    #expect(cluster.nameRange.text == "\"c-\\(1)\"")
    #expect(cluster.parentRange?.text == "a")
    let check = outcome.host.declarations[2]
    #expect(check.argumentRanges.map(\.text) == ["\"ui\"", "\"app\""])
  }

  @Test("a cached module's declarations are counted into every run, once, in load order")
  func cachedModulesDeclareEveryRun() {
    let buffer = OutputBuffer()
    let host = RecordingHost()
    let interpreter = makeInterpreter(
      modules: ["outer": "import \"inner\"\naccount \"outer\" {}", "inner": "account \"inner\" {}"], buffer: buffer, host: host)
    _ = interpreter.run("import \"outer\"\naccount \"main\" {}", name: "main.spire")
    #expect(host.declarations.map(\.name) == ["inner", "outer", "main"])
    _ = interpreter.run("import \"outer\"\nimport \"inner\"\naccount \"main\" {}", name: "main.spire")
    #expect(host.declarations.map(\.name) == ["inner", "outer", "main", "inner", "outer", "main"])
  }

  @Test("a module that failed to load is not counted; it runs again next time")
  func failedModule() {
    var ledger = ModuleLedger<String>()
    ledger.startRun()
    ledger.moduleWillLoad("m")
    ledger.record("a")
    ledger.moduleDidLoad("m", loaded: false)
    #expect(ledger.moduleReused("m").isEmpty)
    ledger.startRun()
    ledger.moduleWillLoad("m")
    ledger.record("b")
    ledger.moduleDidLoad("m", loaded: true)
    #expect(ledger.moduleReused("m").isEmpty, "loaded in this run already")
    ledger.startRun()
    #expect(ledger.moduleReused("m") == ["b"])
  }
}
