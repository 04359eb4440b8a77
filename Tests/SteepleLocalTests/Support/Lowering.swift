import Foundation
import Steeple
import SteepleEngine
import SteepleModel
import Testing

/// Scripts lowered into resources by the real lowering, the one the commands use: the only place
/// the local tests call it, so that the cloud is tested on the shapes it will really get.
enum Lowering {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  /// The resources of a script's topology, each after what it depends on. A script that does not
  /// run cleanly fails the test and gives no resources.
  static func resources(source: String, name: String = "tutorial.spire") -> [Resource] {
    lower(session().run(source: source, name: name))
  }

  /// The same, of a script file (relative to the package's root).
  static func resources(file: String) -> [Resource] {
    lower(session().run(file: packageRoot.appendingPathComponent(file).path))
  }

  /// The checks of a script file's `verify` declarations, as the commands lower them.
  static func checks(file: String) -> [Check] {
    let outcome = session().run(file: packageRoot.appendingPathComponent(file).path)
    guard outcome.succeeded else {
      Issue.record("the script does not run cleanly:\n\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
      return []
    }
    return DesiredState.checks(for: outcome.topology)
  }

  private static func session() -> Session {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.standardLibrary = packageRoot.appendingPathComponent("stdlib").path
    return Session(configuration)
  }

  private static func lower(_ outcome: Session.Outcome) -> [Resource] {
    guard outcome.succeeded else {
      Issue.record("the script does not run cleanly:\n\(DiagnosticRenderer(colors: false).render(outcome.diagnostics))")
      return []
    }
    return ordered(DesiredState.resources(for: outcome.topology))
  }

  /// `resources` in an order where each comes after what it depends on (stable otherwise).
  static func ordered(_ resources: [Resource]) -> [Resource] {
    var done = Set<ResourceAddress>()
    var left = resources
    var order: [Resource] = []
    while !left.isEmpty {
      let ready = left.filter { $0.dependencies.isSubset(of: done) }
      guard !ready.isEmpty else {
        Issue.record("a dependency cycle or a dependency on nothing among \(left.map(\.address))")
        return order
      }
      order += ready
      done.formUnion(ready.map(\.address))
      left.removeAll { done.contains($0.address) }
    }
    return order
  }
}
