import Foundation
import Testing
import Steeple
import SteepleEngine

/// Runs scripts through a `Session` with the default (model) host, as the `steeple` command does.
enum ModelTestSupport {
  /// The package's root folder, from this file's path.
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func session() -> Session {
    var configuration = Session.Configuration()
    configuration.output = { _ in }
    configuration.standardLibrary = packageRoot.appendingPathComponent("stdlib").path
    return Session(configuration)
  }

  /// Every diagnostic of a run, rendered as the `steeple` command renders them, without colors.
  static func diagnostics(_ source: String, name: String = "model.spire") -> String {
    DiagnosticRenderer(colors: false).render(session().run(source: source, name: name).diagnostics)
  }

  /// The topology of a run that must succeed.
  static func topology(_ source: String) throws -> Topology {
    let outcome = session().run(source: source, name: "model.spire")
    guard outcome.succeeded else { throw DiagnosticList(outcome.diagnostics) }
    return outcome.topology
  }

  static func golden(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: "Golden/\(name)", withExtension: nil))
    return try String(contentsOf: url, encoding: .utf8)
  }

  /// Resources as text, one a line: `type.name [account/cluster] { attributes } <- dependencies`.
  static func render(_ resources: [Resource]) -> String {
    resources.map { resource in
      let placement = [resource.placement.account, resource.placement.cluster].compactMap { $0 }.joined(separator: "/")
      var line = "\(resource.address) [\(placement)] \(ModelValue.record(resource.attributes))"
      if !resource.replaceOnChange.isEmpty { line += " replace: \(resource.replaceOnChange.sorted().joined(separator: ","))" }
      if !resource.dependencies.isEmpty { line += " <- " + resource.dependencies.sorted().map(\.description).joined(separator: ", ") }
      return line + "\n"
    }.joined()
  }
}
