import Foundation

/// Third-party tools the tests hand our certificates to: OpenSSL, Python's `cryptography` and py-spiffe.
enum Judges {
  /// What a tool printed and how it ended.
  struct Outcome {
    var status: Int32
    var output: String
    var errors: String
  }

  /// Runs `arguments` (looked up on PATH) in `directory`.
  static func run(_ arguments: [String], in directory: URL) throws -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
      errors: String(decoding: err, as: UTF8.self))
  }

  /// Runs a Python script with `arguments` in `directory`.
  static func python(_ script: String, _ arguments: [String] = [], in directory: URL) throws -> Outcome {
    try run(["python3", "-c", script] + arguments, in: directory)
  }

  /// Whether `python3` can import `module` (scripts/setup installs the judges).
  static func hasPython(_ module: String) -> Bool {
    guard let outcome = try? run(["python3", "-c", "import \(module)"], in: FileManager.default.temporaryDirectory)
    else { return false }
    return outcome.status == 0
  }

  static let hasOpenSSL = (try? run(["openssl", "version"], in: FileManager.default.temporaryDirectory))?.status == 0
  static let hasCryptography = hasPython("cryptography")
  static let hasPySPIFFE = hasPython("spiffe")

  /// A fresh temporary directory, removed by `body`'s end.
  static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("steeple-spire-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
  }

  /// Writes `text` to `name` in `directory`.
  static func write(_ text: String, _ name: String, in directory: URL) throws {
    try Data(text.utf8).write(to: directory.appendingPathComponent(name))
  }
}
