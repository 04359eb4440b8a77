import ArgumentParser
import Foundation
import Steeple
import SteepleAWS

/// What `--provider aws` adds to the commands: the rendering of a script's resources, the aws
/// provider over it, and `--print-commands`' runbook.
enum AWSDriving {
  /// The folder of a state's rendered files and kubeconfig: `aws` inside the state directory.
  static func renderedFolder(state directory: String) -> String { directory + "/aws" }

  /// The aws rendering of `resources` (`topology` gives what they do not carry: images, ports):
  /// every file the aws provider sends, and where each resource lives; what `steeple render` writes.
  static func rendering(of resources: [Resource], topology: Topology?) -> AWSRendering {
    AWSRenderer(resources: resources, topology: topology).render()
  }

  /// The resource types the aws provider takes: the catalog's, each one placed or deliberately not made by the renderer.
  static var resourceTypes: Set<String> { Set(Catalog.standard.resourceTypes.map(\.name)) }

  /// The aws provider for `resources` on a state directory. A `plan` writes nothing into the state,
  /// so its kubeconfig goes to a temporary folder.
  static func provider(for resources: [Resource], topology: Topology?, state directory: String, creating: Bool) -> AWSProvider {
    let folder = creating ? renderedFolder(state: directory) : planFolder
    if !creating { atexit { AWSDriving.removePlanFolder() } }
    return AWSProvider(
      rendering: rendering(of: resources, topology: topology), resources: resources, resourceTypes: resourceTypes, renderedFolder: folder)
  }

  /// Where a `plan` writes the rendered files and kubeconfig it needs, removed when the command exits.
  static var planFolder: String {
    FileManager.default.temporaryDirectory.appendingPathComponent("steeple-aws-plan-\(getpid())").path
  }

  static func removePlanFolder() { try? FileManager.default.removeItem(atPath: planFolder) }

  /// `--print-commands`: writes the rendered files beside the state and prints the runbook of
  /// `command` (`apply`, `destroy`) for `file` as a bash script.
  static func printCommands(_ command: String, file: String, deployment: Deployment, state directory: String) throws {
    let resources = deployment.resources
    let rendering = rendering(of: resources, topology: deployment.topology)
    let folder = renderedFolder(state: directory)
    let runbook: Runbook
    do {
      try Engine.prepare(directory)
      try AWSProvider.write(rendering.files, into: folder)
      runbook = command == "destroy"
        ? Runbook.destroy(rendering, resources: resources) : try Runbook.apply(rendering, resources: resources)
    } catch let error as EngineError {
      throw fail(error)
    } catch let error as ProviderError {
      writeError("steeple: error: \(error.message)\n")
      throw ExitCode(1)
    } catch {
      writeError("steeple: error: cannot write the rendered files into \(folder): \(error)\n")
      throw ExitCode(1)
    }
    let absolute = URL(fileURLWithPath: folder).standardizedFileURL.path
    try writeOutput(
      RunbookScript.text(
        runbook, renderedFolder: absolute,
        heading: [
          "What 'steeple \(command) \(file) --provider aws' runs, printed by --print-commands instead of run.",
          "The rendered files it uses are in \(absolute) (set RENDERED to use a copy elsewhere).",
        ] + rendering.notes.map { "note: " + $0 }))
  }
}
