import ArgumentParser
import Steeple
import SteepleAWS
import SteepleEngine

struct RenderCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Write the files a provider would send (CloudFormation, Kubernetes manifests, SPIRE and Envoy configs).",
    discussion: """
      Evaluates and checks the script, touching no provider, no state, no network and no \
      credentials, and writes into --out everything the aws provider would apply for the whole \
      desired state: one CloudFormation template per account and dependency layer, the Kubernetes \
      manifests of each cluster (SPIRE's server and agents with their RBAC, the workloads, an Envoy \
      beside each mesh workload), SPIRE 1.15's server.conf and agent.conf, each proxy's Envoy \
      bootstrap, and a README.md per folder saying what to apply in which order and what is done \
      by command. `steeple apply FILE --provider aws` applies exactly these files.

      The same script renders byte-identical files. --out must be a new or empty folder, or one \
      an earlier render wrote (it lists its files in .steeple-render): then the files that render \
      made and this one does not are removed, so the folder is exactly this rendering. Any other \
      folder is refused unless --force, which writes into it and removes nothing. A summary goes \
      to standard output; what the script prints goes to standard error.

      Exit status: 0 when written, 1 on an error in the script or in writing, 2 on a usage error.
      """)

  @ArgumentParser.Argument(help: ArgumentHelp("The script to render; '-' reads it from standard input.", valueName: "file"))
  var file: String

  @Option(name: .customLong("provider"), help: "The provider whose files to write: aws.")
  var provider: RenderProvider = .aws

  @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write into.", valueName: "dir"))
  var out: String

  @Flag(name: .customLong("force"), help: "Write into a non-empty folder that steeple render did not write (nothing in it is removed).")
  var force = false

  @OptionGroup var options: EvaluationOptions

  func run() throws {
    let topology = try ScriptLoader.evaluate(file, options: options, quiet: true)
    let rendering = AWSRenderer(resources: DesiredState.resources(for: topology), topology: topology).render()
    let removed: [String]
    do {
      removed = try RenderedFolder.write(rendering.files.map { ($0.path, $0.contents) }, to: out, force: force)
    } catch let refusal as RenderedFolder.Refusal {
      writeError("steeple: error: \(refusal)\n   = help: \(refusal.help)\n")
      throw ExitCode(1)
    } catch {
      writeError("steeple: error: cannot write into \(out): \(error.localizedDescription)\n")
      throw ExitCode(1)
    }
    try writeOutput(RenderSummary.text(rendering, folder: out, removed: removed))
    finishWithoutTeardown()
  }
}

enum RenderProvider: String, ExpressibleByArgument, CaseIterable {
  case aws
}
