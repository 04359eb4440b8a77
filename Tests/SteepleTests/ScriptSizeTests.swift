import Foundation
import Steeple
import Testing

/// Script and module files are read up to a limit (`--max-script-size`, 64 MiB by default), so a
/// path such as `/dev/zero` is an error at once instead of a process that grows without bound.
@Suite("the size limit on script files")
struct ScriptSizeTests {
  static func folder(_ files: [String: String]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-size-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, text) in files { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
    return folder
  }

  @Test("a file past the limit is an error that names the limit and the flag that raises it")
  func fileTooLarge() throws {
    let folder = try Self.folder(["big.spire": "print(1)\n" + String(repeating: "// padding\n", count: 200)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try TestSupport.steeple("eval", "--max-script-size", "1K", "big.spire", in: folder)
    #expect(result.status == 1)
    #expect(result.stdout == "")
    #expect(result.stderr.contains("error: big.spire is larger than 1 KiB, the most a script file may hold"), "\(result.stderr)")
    #expect(result.stderr.contains("--max-script-size SIZE"))
    #expect(try TestSupport.steeple("eval", "--max-script-size", "4K", "big.spire", in: folder).stdout == "1\n")
  }

  @Test("/dev/zero stops at the limit instead of filling the memory")
  func endlessFile() throws {
    let result = try TestSupport.steeple("eval", "--max-script-size", "1M", "/dev/zero")
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: /dev/zero is larger than 1 MiB, the most a script file may hold"), "\(result.stderr)")
  }

  @Test("standard input and imported modules have the same limit")
  func standardInputAndModules() throws {
    let piped = try TestSupport.steeple("eval", "--max-script-size", "100", "-", stdin: String(repeating: "1\n", count: 60))
    #expect(piped.status == 1)
    #expect(piped.stderr.contains("error: standard input holds more than 100 bytes"), "\(piped.stderr)")

    let folder = try Self.folder([
      "main.spire": "import \"./big\"\nprint(big.x)\n", "big.spire": "let x = 1\n" + String(repeating: " ", count: 300),
    ])
    defer { try? FileManager.default.removeItem(at: folder) }
    var configuration = Session.Configuration()
    configuration.maxScriptSize = 200
    let outcome = Session(configuration).run(file: folder.appendingPathComponent("main.spire").path)
    #expect(outcome.diagnostics.map(\.code) == ["file-too-large"])
    #expect(outcome.diagnostics.first?.summary.contains("is larger than 200 bytes") == true)
  }
}
