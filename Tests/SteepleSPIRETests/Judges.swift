import Foundation
import SteepleTestSupport

/// Third-party tools the tests hand our certificates to: OpenSSL, Python's `cryptography`, joserfc and
/// py-spiffe.
enum Judges {
  typealias Outcome = ExternalTool.Outcome

  /// Runs `arguments` (looked up on PATH) in `directory`.
  static func run(_ arguments: [String], in directory: URL) throws -> Outcome {
    try ExternalTool.run(arguments, in: directory)
  }

  /// Runs a Python script with `arguments` in `directory`.
  static func python(_ script: String, _ arguments: [String] = [], in directory: URL) throws -> Outcome {
    try run(["python3", "-c", script] + arguments, in: directory)
  }

  /// Whether `python3` can import `module` (scripts/setup installs the judges).
  static func hasPython(_ module: String) -> Bool { ExternalTool.succeeds(["python3", "-c", "import \(module)"]) }

  static let hasOpenSSL = ExternalTool.succeeds(["openssl", "version"])
  static let hasCryptography = hasPython("cryptography")
  static let hasPySPIFFE = hasPython("spiffe")
  static let hasJoserfc = hasPython("joserfc")

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
