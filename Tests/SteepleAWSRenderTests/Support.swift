import Foundation
import Steeple
import SteepleAWS
import SteepleCatalog
import SteepleEngine
import SteepleModel
import SteepleSyntax
import SteepleTestSupport
import Testing

enum RenderTestSupport {
  /// The package's root folder, from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let tutorialPath = packageRoot.appendingPathComponent("stdlib/tutorial/multi-account.spire").path

  static func session() -> Session {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.standardLibrary = packageRoot.appendingPathComponent("stdlib").path
    return Session(configuration)
  }

  /// The rendering of a script that must evaluate and check without errors.
  static func rendering(file: String) throws -> AWSRendering {
    let outcome = session().run(file: file)
    guard outcome.succeeded else { throw DiagnosticList(outcome.diagnostics) }
    return AWSRenderer(resources: DesiredState.resources(for: outcome.topology), topology: outcome.topology).render()
  }

  static func rendering(source: String) throws -> AWSRendering {
    let outcome = session().run(source: source, name: "render.spire")
    guard outcome.succeeded else { throw DiagnosticList(outcome.diagnostics) }
    return AWSRenderer(resources: DesiredState.resources(for: outcome.topology), topology: outcome.topology).render()
  }

  static func tutorial() throws -> AWSRendering { try rendering(file: tutorialPath) }

  /// A rendering's files written into a new temporary folder.
  static func write(_ rendering: AWSRendering) throws -> URL {
    let folder = try TemporaryDirectory.make("steeple-render-")
    try RenderedFolder.write(rendering.files.map { ($0.path, $0.contents) }, to: folder.path, force: false)
    return folder
  }

  /// Whether golden files are to be rewritten from what the code renders (STEEPLE_UPDATE_GOLDEN=1).
  static var updatingGolden: Bool { ProcessInfo.processInfo.environment["STEEPLE_UPDATE_GOLDEN"] != nil }

  /// The folder of the golden files in the source tree (written when updating).
  static let goldenSource = packageRoot.appendingPathComponent("Tests/SteepleAWSRenderTests/Golden")

  /// The golden folder as the test bundle carries it.
  static func goldenFolder() throws -> URL {
    try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
  }

  /// Whether the tests run in CI, where a missing judge is a failure, not a skip.
  static let inCI = ProcessInfo.processInfo.environment["CI"] == "true"
}

