public import Foundation

/// Third-party tools the tests run on Steeple's output (openssl, python3 with py-spiffe or
/// cryptography), looked up on PATH.
public enum ExternalTool {
  /// What a tool printed and how it ended.
  public struct Outcome: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
  }

  /// Runs `arguments` (the tool's name first) in `directory`. Output and errors go to files, so a
  /// tool that fills one stream while the other is unread cannot stall the test.
  public static func run(_ arguments: [String], in directory: URL) throws -> Outcome {
    let scratch = try TemporaryDirectory.make("steeple-tool-")
    defer { TemporaryDirectory.remove(scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    for url in [outURL, errURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
    let output = try FileHandle(forWritingTo: outURL)
    let errors = try FileHandle(forWritingTo: errURL)
    defer {
      try? output.close()
      try? errors.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, output: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
      errors: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
  }

  /// Whether `arguments` run and exit 0 (the tool is installed and works).
  public static func succeeds(_ arguments: [String]) -> Bool {
    (try? run(arguments, in: FileManager.default.temporaryDirectory))?.status == 0
  }
}
