import Foundation
import SteepleTestSupport
import Testing

/// What a finished process wrote and how it ended.
struct ProcessResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

enum TestSupport {
  /// The package's root folder, from this file's path.
  static let packageRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// The fixture scripts and golden files, copied into the test bundle.
  static var fixtures: URL {
    get throws {
      try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil), "the Fixtures resource is missing from the test bundle")
    }
  }

  static func fixture(_ name: String) throws -> URL { try fixtures.appendingPathComponent(name) }

  static func fixtureText(_ name: String) throws -> String {
    try String(contentsOf: fixture(name), encoding: .utf8)
  }

  /// The folder where SwiftPM put the built products: the folder holding the test bundle. Found by
  /// looking next to the resource bundle, then walking up from the test executable.
  static let productsFolders: [URL] = {
    var candidates = [Bundle.module.bundleURL.deletingLastPathComponent()]
    for start in [Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments.first ?? ".")] {
      var folder = start.resolvingSymlinksInPath()
      for _ in 0..<4 {
        candidates.append(folder)
        folder.deleteLastPathComponent()
      }
    }
    return candidates
  }()

  /// A built executable product such as `steeple`, or a test failure saying how to build it.
  static func product(_ name: String) throws -> URL {
    for folder in productsFolders {
      let candidate = folder.appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
        FileManager.default.isExecutableFile(atPath: candidate.path)
      {
        return candidate
      }
    }
    throw MissingProduct(name: name, searched: productsFolders.map(\.path))
  }

  struct MissingProduct: Error, CustomStringConvertible {
    let name: String
    let searched: [String]
    var description: String {
      "no '\(name)' executable next to the test bundle (looked in \(searched.joined(separator: ", "))); build it with 'swift build --build-tests'"
    }
  }

  /// Runs a built product as a user would, in `folder` (the fixtures by default), with standard
  /// input from `stdin` (or nothing). The environment is this process's minus the variables that
  /// change steeple's behaviour, plus `environment`. A `launcher` (such as `setpriv` and its
  /// options) runs the product.
  static func run(
    _ product: String, _ arguments: [String], in folder: URL? = nil, stdin: String? = nil,
    environment: [String: String] = [:], launcher: [String] = []
  ) throws -> ProcessResult {
    let executable = try self.product(product)
    let scratch = try TemporaryDirectory.make("steeple-test-")
    defer { TemporaryDirectory.remove(scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    let inURL = scratch.appendingPathComponent("stdin")
    for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    _ = FileManager.default.createFile(atPath: inURL.path, contents: Data((stdin ?? "").utf8))

    let process = Process()
    process.executableURL = launcher.first.map(URL.init(fileURLWithPath:)) ?? executable
    process.arguments = launcher.dropFirst() + (launcher.isEmpty ? [] : [executable.path]) + arguments
    process.currentDirectoryURL = try folder ?? fixtures
    var inherited = ProcessInfo.processInfo.environment
    for name in ["STEEPLE_PATH", "STEEPLE_STDLIB", "NO_COLOR"] { inherited[name] = nil }
    process.environment = inherited.merging(environment) { _, new in new }
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    let input = try FileHandle(forReadingFrom: inURL)
    defer {
      try? output.close()
      try? errors.close()
      try? input.close()
    }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    process.waitUntilExit()
    return ProcessResult(
      status: process.terminationStatus,
      stdout: try String(contentsOf: outURL, encoding: .utf8),
      stderr: try String(contentsOf: errURL, encoding: .utf8))
  }

  /// Runs the `steeple` command.
  static func steeple(
    _ arguments: String..., in folder: URL? = nil, stdin: String? = nil, environment: [String: String] = [:]
  ) throws -> ProcessResult {
    try run("steeple", arguments, in: folder, stdin: stdin, environment: environment)
  }
}
