import Foundation
import SteepleTestSupport
import Testing

/// The examples in README.md and LANGUAGE.md, run with `steeple eval` so the docs stay true.
///
/// Conventions in the Markdown files:
/// - a ```spire block must run cleanly (exit 0, nothing on stderr);
/// - a ```spire fails block must fail with exit status 1;
/// - a ```spire warns block must run (exit 0) with warnings on standard error;
/// - an ```output block right after either (prose may stand between) is what `steeple eval` prints:
///   standard output for a clean run, standard error for a failing or warning one;
/// - every block runs on its own, as `example.spire` in an empty folder;
/// - a block that runs and declares accounts or clusters (and each of stdlib/examples) is also
///   applied on the local provider, so what check accepts the local cloud accepts too.
/// Blocks in other languages (```text, ```sh, ```swift, ```ebnf) are not run.
@Suite("documentation examples")
struct DocumentationTests {
  struct Example: CustomTestStringConvertible {
    var document: String
    var line: Int
    var source: String
    var fails: Bool
    var warns = false
    var expected: String?

    var testDescription: String { "\(document):\(line)" }
  }

  /// The fenced blocks of a Markdown file: info string, first line number, text.
  static func fences(in text: String) -> [(info: String, line: Int, body: String)] {
    var blocks: [(info: String, line: Int, body: String)] = []
    var open: (info: String, line: Int, fence: String, lines: [String])?
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if var current = open {
        if trimmed == current.fence {
          blocks.append((current.info, current.line, current.lines.joined(separator: "\n") + "\n"))
          open = nil
        } else {
          current.lines.append(String(line))
          open = current
        }
      } else if trimmed.hasPrefix("```") {
        let fence = String(trimmed.prefix { $0 == "`" })
        let info = String(trimmed.dropFirst(fence.count)).trimmingCharacters(in: .whitespaces)
        open = (info, index + 2, fence, [])
      }
    }
    return blocks
  }

  static func examples(_ document: String) -> [Example] {
    let url = TestSupport.packageRoot.appendingPathComponent(document)
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
    var examples: [Example] = []
    for block in fences(in: text) {
      let words = block.info.split(separator: " ").map(String.init)
      switch words.first {
      case "spire":
        examples.append(Example(
          document: document, line: block.line, source: block.body, fails: words.contains("fails"), warns: words.contains("warns")))
      case "output":
        if !examples.isEmpty, examples[examples.count - 1].expected == nil {
          examples[examples.count - 1].expected = block.body
        }
      default:
        break
      }
    }
    return examples
  }

  static let all = examples("README.md") + examples("LANGUAGE.md")

  @Test("the documents have examples to run")
  func documentsHaveExamples() {
    #expect(Self.examples("README.md").count >= 2)
    #expect(Self.examples("LANGUAGE.md").count >= 10)
  }

  @Test("README's set-up line names every package scripts/setup installs from apt")
  func setupPackages() throws {
    let setup = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("scripts/setup"), encoding: .utf8)
    let list = try #require(setup.firstMatch(of: /\npackages=\(([^)]*)\)/)?.1)
    let packages = list.split(separator: " ").map(String.init)
    #expect(packages.count >= 3)
    let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let line = try #require(readme.split(separator: "\n\n").first { $0.contains("(`scripts/setup`:") })
    for package in packages {
      #expect(line.contains("`\(package)`"), "README's set-up paragraph does not name \(package)")
    }
  }

  @Test("every documented example runs as documented", arguments: all)
  func example(_ example: Example) throws {
    let folder = try TemporaryDirectory.make("steeple-doc-")
    defer { TemporaryDirectory.remove(folder) }
    try Data(example.source.utf8).write(to: folder.appendingPathComponent("example.spire"))
    let result = try TestSupport.steeple("eval", "--max-steps", "10000000", "example.spire", in: folder)
    if example.fails {
      #expect(result.status == 1, "expected the example to fail: \(result.stdout)")
      if let expected = example.expected {
        #expect(result.stderr == expected)
      }
    } else if example.warns {
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.contains("warning:"))
      if let expected = example.expected {
        #expect(result.stderr == expected)
      }
    } else {
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr == "")
      if let expected = example.expected {
        #expect(result.stdout == expected)
      }
    }
  }

  /// The examples that declare AWS or Kubernetes resources and should run: README.md's,
  /// LANGUAGE.md's and stdlib/examples'.
  static let deployable: [Example] = {
    let declares = ["import \"aws\"", "import \"k8s\"", "account ", "cluster "]
    let documented = all.filter { example in !example.fails && declares.contains { example.source.contains($0) } }
    let folder = TestSupport.packageRoot.appendingPathComponent("stdlib/examples")
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".spire") }.sorted()
    let examples = files.compactMap { file -> Example? in
      guard let source = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { return nil }
      return Example(document: "stdlib/examples/\(file)", line: 1, source: source, fails: false)
    }
    return documented + examples
  }()

  @Test("the documents and stdlib have examples that deploy")
  func documentsHaveDeployableExamples() {
    #expect(Self.deployable.count >= 3)
    #expect(Self.deployable.contains { $0.document == "stdlib/examples/network.spire" })
  }

  /// What `check` accepts the local cloud must accept too: each example is applied, not only
  /// evaluated.
  @Test("every documented example that declares resources applies on the local provider", arguments: deployable)
  func exampleApplies(_ example: Example) throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-doc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try Data(example.source.utf8).write(to: folder.appendingPathComponent("example.spire"))
    let result = try TestSupport.steeple(
      "apply", "--auto-approve", "--max-steps", "10000000", "--state", folder.appendingPathComponent("state").path, "example.spire",
      in: folder)
    #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
  }
}

extension DocumentationTests {
  /// The README's embedding example is main.swift itself (less the helpers it marks as left out),
  /// and the output it shows is what the tool prints.
  @Test("the README's embedding example is EmbeddingExample's source, with its real output")
  func readmeEmbeddingExample() throws {
    let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let source = try String(
      contentsOf: TestSupport.packageRoot.appendingPathComponent("Sources/EmbeddingExample/main.swift"), encoding: .utf8)
    let section = try #require(readme.range(of: "## Embedding Steeple")).upperBound
    let rest = readme[section...]
    let swiftStart = try #require(rest.range(of: "```swift\n")).upperBound
    let swiftEnd = try #require(rest[swiftStart...].range(of: "\n```\n"))
    let excerpt = String(rest[swiftStart..<swiftEnd.lowerBound])
    let chunks = excerpt.components(separatedBy: "\n").split { $0.hasPrefix("// … ") }.map { $0.joined(separator: "\n") }
    #expect(chunks.count == 2)
    var searchFrom = source.startIndex
    for chunk in chunks {
      let trimmed = chunk.trimmingCharacters(in: .newlines)
      let found = source.range(of: trimmed, range: searchFrom..<source.endIndex)
      #expect(found != nil, "not in main.swift, in this order:\n\(trimmed)")
      if let found { searchFrom = found.upperBound }
    }
    let outputStart = try #require(rest[swiftEnd.upperBound...].range(of: "```text\n")).upperBound
    let outputEnd = try #require(rest[outputStart...].range(of: "```\n"))
    let shown = String(rest[outputStart..<outputEnd.lowerBound])
    let actual = try TestSupport.run("EmbeddingExample", [])
    #expect(actual.status == 0)
    #expect(shown == actual.stdout)
  }
}
