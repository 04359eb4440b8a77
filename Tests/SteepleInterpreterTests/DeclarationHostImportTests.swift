import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Declaration host: imports")
struct DeclarationHostImportTests {
  final class Spy: DeclarationHost {
    var events: [String] = []
    func declare(_ declaration: DeclarationRecord) throws -> Value {
      events.append("declare \(declaration.name)")
      return .nil
    }
    func runWillStart() { events.append("run") }
    func moduleWillLoad(_ id: String) { events.append("will \(id)") }
    func moduleDidLoad(_ id: String, loaded: Bool) { events.append("did \(id) \(loaded)") }
    func moduleReused(_ id: String) { events.append("reused \(id)") }
  }

  let modules = [
    "a": "import \"b\"\naccount \"from-a\" {}",
    "b": "account \"from-b\" {}",
    "c": "import \"b\"\naccount \"from-c\" {}",
  ]

  @Test func theHostSeesModuleLoadsNestedAsTheImportsAre() {
    let spy = Spy()
    let interpreter = Interpreter(host: spy, loader: InMemoryModuleLoader(modules), output: { _ in })
    let result = interpreter.run("import \"a\"\nimport \"c\"\naccount \"main\" {}")
    #expect(result.diagnostics.isEmpty)
    #expect(spy.events == [
      "run", "will a", "will b", "declare from-b", "did b true", "declare from-a", "did a true",
      "will c", "reused b", "declare from-c", "did c true", "declare main",
    ])
    spy.events = []
    _ = interpreter.run("import \"c\"")
    #expect(spy.events == ["run", "reused c"])
  }

  @Test func theHostSeesNothingDeclaredWhenTheProgramDoesNotResolve() {
    let spy = Spy()
    let interpreter = Interpreter(host: spy, loader: InMemoryModuleLoader(modules), output: { _ in })
    _ = interpreter.run("import \"a\"\nprint(nope)")
    #expect(spy.events == ["run"])
  }
}
