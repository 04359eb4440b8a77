import Testing
@testable import SteepleInterpreter
import SteepleSyntax

@Suite("Modules")
struct ModuleTests {
  static let lib = """
    let greeting = "hello"
    var items = [1, 2]
    let config = { region: "eu", tags: ["a"] }
    var count = 0
    let _secret = "hidden"
    fn greet(name) { greeting + ", " + name }
    fn bump() { count += 1 }
    fn add(x) { items.append(x) }
    fn fresh() { [] }
    fn make_counter() {
      var n = 0
      fn() { n += 1; n }
    }
    """

  @Test func importBindsTheModuleByItsName() {
    let source = """
      import "lib"
      print(lib.greet("mesh"), lib.items, lib.config.region, type(lib), lib)
      """
    #expect(output(source, modules: ["lib": Self.lib]) == "hello, mesh [1, 2] eu module <module lib>\n")
  }

  @Test func importWithAPathAndAlias() {
    let source = """
      import "./lib.spire" as l
      import "./util" as u
      print(l.greeting, u.twice(4))
      """
    let modules = ["lib.spire": Self.lib, "util": "fn twice(x) { x * 2 }"]
    #expect(output(source, modules: modules) == "hello 8\n")
  }

  @Test func importedNameComesFromTheLastPathComponent() {
    let source = """
      import "net/ports.spire"
      print(ports.web)
      """
    #expect(output(source, modules: ["net/ports": "let web = 443"]) == "443\n")
  }

  @Test func aModuleRunsOnceAndIsShared() {
    let modules = [
      "shared": "print(\"shared runs\")\nlet value = [1]",
      "a": "import \"shared\"\nlet from_a = shared.value",
      "b": "import \"shared\"\nlet from_b = shared.value",
    ]
    let source = """
      import "a"
      import "b"
      import "shared"
      print(a.from_a == b.from_b, shared.value)
      """
    #expect(output(source, modules: modules) == "shared runs\ntrue [1]\n")
  }

  @Test func aModuleImportedUnderTwoSpellingsRunsOnce() {
    let modules = ["shared.spire": #"print("shared runs")"#]
    let source = """
      import "shared"
      import "./shared.spire" as again
      print(shared == again)
      """
    #expect(output(source, modules: modules) == "shared runs\ntrue\n")
  }

  @Test func modulesStayLoadedAcrossRunsOfOneInterpreter() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(modules: ["m": "print(\"loading m\")\nlet x = 1"], buffer: buffer, host: RecordingHost())
    #expect(interpreter.run("import \"m\"\nprint(m.x)").diagnostics.isEmpty)
    #expect(interpreter.run("import \"m\"\nprint(m.x + 1)").diagnostics.isEmpty)
    #expect(buffer.text == "loading m\n1\n2\n")
  }

  @Test func exportedListsAndRecordsAreFrozen() {
    let modules = ["lib": Self.lib]
    expectDiagnostics("""
      import "lib"
      1️⃣lib.items.append(3)
      """, [Expected("frozen", "cannot change a frozen list", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      1️⃣lib.config.region = "us"
      """, [Expected("frozen", "cannot change a frozen record", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      1️⃣lib.config["new"] = 1
      """, [Expected("frozen", "cannot change a frozen record", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      1️⃣lib.config.tags += ["b"]
      """, [Expected("frozen", "cannot change a frozen record", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      var tags = lib.config.tags
      1️⃣tags += ["b"]
      """, [Expected("frozen", "cannot change a frozen list", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      var xs = lib.items
      1️⃣xs[0] = 5
      """, [Expected("frozen", "cannot change a frozen list", at: "1️⃣")], modules: modules)
    expectDiagnostics("""
      import "lib"
      lib.1️⃣greeting = "bye"
      """, [Expected("type-mismatch", "cannot set field 'greeting' on module", at: "1️⃣")], modules: modules)
  }

  @Test func aCopyOfAFrozenListCanChange() {
    let source = """
      import "lib"
      let mine = lib.items + []
      mine.append(3)
      print(mine, lib.items)
      """
    #expect(output(source, modules: ["lib": Self.lib]) == "[1, 2, 3] [1, 2]\n")
  }

  @Test func aModuleFunctionCannotAssignItsModulesVariables() {
    let outcome = run("import \"lib\"\nlib.bump()", modules: ["lib": Self.lib])
    #expect(outcome.diagnostics.map(\.code) == ["frozen"])
    let diagnostic = outcome.diagnostics.first
    #expect(diagnostic?.summary == "cannot assign to 'count': it belongs to a module that has finished loading")
    // The error is inside the module, at the assignment; the stack leads back to the call.
    #expect(diagnostic.map { "\($0.range!)" } == "lib.spire:7:13")
    #expect(diagnostic?.range?.text == "count += 1")
    #expect(diagnostic?.stack.map { "\($0.function) \($0.range)" } == ["bump main.spire:2:1"])
  }

  @Test func aModuleFunctionCannotChangeItsModulesLists() {
    let outcome = run("import \"lib\"\nlib.add(3)", modules: ["lib": Self.lib])
    #expect(outcome.code == "frozen")
    #expect(outcome.diagnostics.first?.summary == "cannot change a frozen list")
  }

  @Test func moduleFunctionsStillWorkOnTheirOwnState() {
    let source = """
      import "lib"
      let c = lib.make_counter()
      c()
      let xs = lib.fresh()
      xs.append(1)
      print(c(), xs)
      """
    #expect(output(source, modules: ["lib": Self.lib]) == "2 [1]\n")
  }

  @Test func importCycleShowsTheChain() {
    let modules = [
      "a": "import \"b\"\nlet x = 1",
      "b": "import \"c\"\nlet y = 2",
      "c": "let z = 0\nimport \"a\"",
    ]
    let outcome = run("import \"a\"", modules: modules)
    let cycle = outcome.diagnostics.first { $0.code == "import-cycle" }
    #expect(cycle?.summary == "import cycle: a.spire -> b.spire -> c.spire -> a.spire")
    #expect(cycle?.range?.file.name == "c.spire")
    #expect(cycle.map { "\($0.range!.startLocation)" } == "2:8")
    #expect(cycle?.notes.map(\.message) == ["a.spire imports b.spire here", "b.spire imports c.spire here"])
    #expect(cycle?.notes.map { $0.range.map { "\($0.file.name):\($0.startLocation)" } } == ["a.spire:1:8", "b.spire:1:8"])
    // A cycle is its own explanation: the importers do not add "failed to load" errors.
    #expect(outcome.diagnostics.map(\.code) == ["import-cycle"])
    #expect(outcome.rendered.contains("error: import cycle: a.spire -> b.spire -> c.spire -> a.spire"))
  }

  @Test func aModuleImportingItself() {
    let outcome = run("import \"self\"", modules: ["self": "import \"self\""])
    #expect(outcome.diagnostics.contains { $0.code == "import-cycle" && $0.summary == "import cycle: self.spire -> self.spire" })
  }

  @Test func twoModuleCycle() {
    let outcome = run("import \"a\"", modules: ["a": "import \"b\"", "b": "import \"a\""])
    #expect(outcome.diagnostics.contains { $0.summary == "import cycle: a.spire -> b.spire -> a.spire" })
  }

  @Test func unknownMemberIsAResolveTimeError() {
    let outcome = expectDiagnostics("""
      import "lib"
      print("never printed")
      print(lib.1️⃣gret("x"))
      print(lib.2️⃣itemz)
      """, [
        Expected("unknown-member", "module 'lib' has no member 'gret'", at: "1️⃣", suggestion: "greet"),
        Expected("unknown-member", "module 'lib' has no member 'itemz'", at: "2️⃣", suggestion: "items"),
      ], modules: ["lib": Self.lib])
    #expect(outcome.output == "")
    #expect(outcome.diagnostics.first?.detail?.hasPrefix("its members are: greeting, items, config, count, greet") == true)
  }

  @Test func privateNamesAreNotExported() {
    let outcome = expectDiagnostics("""
      import "lib"
      print(lib.1️⃣_secret)
      """, [Expected("unknown-member", "module 'lib' has no member '_secret'", at: "1️⃣")], modules: ["lib": Self.lib])
    #expect(outcome.diagnostics.first?.detail?.contains("_secret") == false)
  }

  @Test func privateNamesAreUsableInsideTheirModule() {
    let modules = ["m": "let _base = 40\nfn answer() { _base + 2 }"]
    #expect(output("import \"m\"\nprint(m.answer())", modules: modules) == "42\n")
  }

  @Test func importInsideAFunctionIsAnError() {
    expectDiagnostics("""
      fn f() {
        1️⃣import "lib"
      }
      """, [Expected("nested-import", "'import' must be at the top level of a file", at: "1️⃣")], modules: ["lib": Self.lib])
    expectDiagnostics("""
      for i in [1] { 1️⃣import "lib" }
      """, [Expected("nested-import", "'import' must be at the top level of a file", at: "1️⃣")], modules: ["lib": Self.lib])
  }

  @Test func missingModule() {
    expectDiagnostics("""
      import 1️⃣"lbi"
      """, [Expected("module-not-found", #"no module named "lbi""#, at: "1️⃣", suggestion: "lib")], modules: ["lib": Self.lib])
  }

  @Test func importingTheSameNameTwiceIsARedeclaration() {
    expectDiagnostics("""
      import 2️⃣"lib"
      import 1️⃣"lib"
      """, [Expected("redeclaration", "'lib' is already declared in this scope", at: "1️⃣", notes: [("first declared here", "2️⃣")])],
      modules: ["lib": Self.lib])
  }

  @Test func moduleNameMustBeAValidName() {
    expectDiagnostics("""
      import 1️⃣"my-lib"
      """, [Expected("import-name", #"cannot name the module "my-lib" after its file"#, at: "1️⃣")], modules: ["my-lib": "let x = 1"])
    #expect(output("import \"my-lib\" as mine\nprint(mine.x)", modules: ["my-lib": "let x = 1"]) == "1\n")
  }

  @Test func interpolatedImportPathIsAnError() {
    expectDiagnostics(#"""
      let n = "lib"
      import 1️⃣"\(n)"
      """#, [Expected("interpolated-import", "a module path cannot use interpolation", at: "1️⃣")], modules: ["lib": Self.lib])
  }

  @Test func errorsInAModuleAreReportedInItsFile() {
    let outcome = run("import \"broken\"\nprint(1)", modules: ["broken": "let a = 1\nlet b = undefined_thing"])
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "undefined-name"])
    #expect(outcome.diagnostics.map { "\($0.range!)" } == ["main.spire:1:8", "broken.spire:2:9"])
    #expect(outcome.output == "")
  }

  @Test func runtimeErrorsInAModuleFailTheImport() {
    let outcome = run("import \"broken\"", modules: ["broken": "let xs = []\nlet y = xs[3]"])
    #expect(outcome.diagnostics.map(\.code) == ["module-failed", "index-out-of-range"])
    #expect(outcome.diagnostics.last?.range?.file.name == "broken.spire")
  }

  @Test func diagnosticsStayInSourceOrderPerFile() {
    // The importer's own errors (a parse error late in the file, a resolve error earlier) stay in
    // order, and come before the errors of the module it imports.
    let outcome = run("""
      import "broken"
      let early = missing_one
      let late = (
      """, modules: ["broken": "let a = nope_a\nlet b = nope_b"])
    let places = outcome.diagnostics.map { "\($0.range!.file.name):\($0.range!.startLocation.line)" }
    #expect(places == ["main.spire:1", "main.spire:2", "main.spire:3", "broken.spire:1", "broken.spire:2"])
  }

  @Test func hostModules() {
    let buffer = OutputBuffer()
    let interpreter = makeInterpreter(buffer: buffer, host: RecordingHost())
    interpreter.addModule(ModuleObject(name: "aws", members: [
      ("regions", .list(ListObject([.string("eu-west-1")]))),
      ("account_id", .builtin(BuiltinFunction("account_id") { _ in .string("123") })),
    ]))
    let result = interpreter.run("import \"aws\"\nprint(aws.regions, aws.account_id())")
    #expect(result.diagnostics.isEmpty)
    #expect(buffer.text == #"["eu-west-1"] 123"# + "\n")
  }
}
