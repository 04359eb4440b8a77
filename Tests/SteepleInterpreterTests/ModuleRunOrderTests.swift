import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Modules: run order and failures")
struct ModuleRunOrderTests {
  let modules = [
    "loud": "print(\"loud ran\")\nlet value = 1",
    "outer": "import \"loud\"\nprint(\"outer ran\")\nlet value = loud.value + 1",
    "typo": "let x = nope",
    "crash": "print(\"crash ran\")\nlet y = [][1]",
  ]

  @Test func nothingRunsWhenTheImporterHasResolveErrors() {
    // The module printed "loud ran" although the script could not run.
    let outcome = run("import \"outer\"\nprint(missing)", modules: modules)
    #expect(outcome.output == "")
    #expect(outcome.diagnostics.map(\.code) == ["undefined-name"])
  }

  @Test func nothingRunsWhenAnotherModuleHasResolveErrors() {
    let outcome = run("import \"loud\"\nimport \"typo\"\nprint(loud.value)", modules: modules)
    #expect(outcome.output == "")
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "undefined-name"])
  }

  @Test func modulesRunOnceEachAfterTheirImportsThenTheScript() {
    let outcome = run("import \"outer\"\nimport \"loud\"\nprint(outer.value, loud.value)", modules: modules)
    #expect(outcome.diagnostics.isEmpty)
    #expect(outcome.output == "loud ran\nouter ran\n2 1\n")
  }

  @Test func aModuleThatFailsAtRunTimeStopsTheRest() {
    let outcome = run("import \"crash\"\nimport \"loud\"\nprint(1)", modules: modules)
    #expect(outcome.output == "crash ran\n")
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "index-out-of-range"])
    #expect(outcome.diagnostics.first?.range?.text == "\"crash\"")
  }

  @Test func aModuleOfAFailedRunLoadsCleanlyInTheNextRun() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(modules: modules, buffer: buffer, host: RecordingHost())
    #expect(!interpreter.run("import \"loud\"\nprint(nope)").succeeded)
    let second = interpreter.run("import \"loud\"\nprint(loud.value)")
    #expect(second.diagnostics.isEmpty)
    #expect(buffer.text == "loud ran\n1\n")
    // Cached after a successful run: a third run does not run it again.
    _ = interpreter.run("import \"loud\"\nprint(loud.value)")
    #expect(buffer.text == "loud ran\n1\n1\n")
  }
}
