import Foundation
import Steeple
import Testing

/// A model error in a declaration made inside functions says which calls made it, and the same
/// error made again and again in a loop is said once, with how many more there were.
@Suite("model errors: call stacks and repeats")
struct CallStackTests {
  @Test("an error inside a function names each call on the way, innermost first")
  func callStack() {
    let text = ModelTestSupport.diagnostics("""
      fn make_account(name, region) {
        account name { profile: name, region: region }
      }
      fn make_pair(region) {
        make_account("a", "us-east-2")
        make_account("b", region)
      }
      make_pair("nowhere")
      """)
    #expect(text == """
      model.spire:2:33: error: "nowhere" is not a valid region: AWS has no region of that name
       2 |   account name { profile: name, region: region }
         |                                 ^~~~~~~~~~~~~~
         = help: region takes a region such as us-east-2
         = call stack, innermost first:
             model.spire:6:3: in make_account
             model.spire:8:1: in make_pair

      """, "\(text)")
  }

  @Test("an error in a module's function points at the importing script's call too")
  func moduleCall() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-stack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data("fn team(name) {\n  account name { profile: name, region: \"mars-1\" }\n}\n".utf8)
      .write(to: folder.appendingPathComponent("lib.spire"))
    try Data("import \"./lib\"\nlib.team(\"ops\")\n".utf8).write(to: folder.appendingPathComponent("main.spire"))
    let outcome = ModelTestSupport.session().run(file: folder.appendingPathComponent("main.spire").path)
    let error = try #require(outcome.diagnostics.first)
    #expect(error.range?.file.name.hasSuffix("lib.spire") == true)
    #expect(error.stack.map { "\($0.range.file.name.split(separator: "/").last!):\($0.range.startLocation)" } == ["main.spire:2:1"])
  }

  @Test("the same error made in every turn of a loop is said once, with how many more")
  func foldedInLoop() {
    let text = ModelTestSupport.diagnostics("""
      fn make(name) {
        account name { profile: name, region: "nowhere" }
      }
      for index in range(10) {
        make("team-\\(index)")
      }
      """)
    #expect(text.components(separatedBy: "is not a valid region").count == 2, "\(text)")
    #expect(text.contains("note: and 9 more like it, made here, by the same calls (in a loop, or by the same code run again)"), "\(text)")
    #expect(text.contains("model.spire:5:3: in make"))
  }

  @Test("a declaration deep in recursion keeps only the innermost calls")
  func deepRecursion() {
    let outcome = ModelTestSupport.session().run(source: """
      fn down(n) {
        if n == 0 { account "deep" { profile: "deep", region: "nowhere" } } else { down(n - 1) }
      }
      down(500)
      """, name: "model.spire")
    #expect(outcome.diagnostics.count == 1)
    #expect(outcome.diagnostics.first?.stack.count == 64)
    #expect(outcome.diagnostics.first?.stack.first.map { "\($0.range.startLocation)" } == "2:78")
  }

  @Test("errors from different calls stay apart, each with its own call")
  func differentCalls() {
    let outcome = ModelTestSupport.session().run(source: """
      fn make(name) {
        account name { profile: name, region: "nowhere" }
      }
      make("a")
      make("b")
      """, name: "model.spire")
    let stacks = outcome.diagnostics.map { $0.stack.map { "\($0.range.startLocation)" } }
    #expect(stacks == [["4:1"], ["5:1"]])
  }
}
