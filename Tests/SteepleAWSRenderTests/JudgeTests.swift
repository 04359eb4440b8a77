import Foundation
import SteepleAWS
import SteepleTestSupport
import Testing

/// Third-party tools accept what the tutorial renders: cfn-lint every template, kubernetes-validate
/// every manifest for its cluster's Kubernetes version, pyhcl every SPIRE config, whose keys are
/// all SPIRE 1.15's. Each skips, saying so, when its tool is missing outside CI.
@Suite("judges of the aws rendering")
struct JudgeTests {
  @Test(
    "cfn-lint finds no error in any template",
    .enabled(if: Judges.runs(Judges.hasCFNLint), "cfn-lint is not installed (and CI is not set): run scripts/setup"))
  func cfnLint() throws {
    let rendering = try RenderTestSupport.tutorial()
    let folder = try RenderTestSupport.write(rendering)
    #expect(!rendering.stacks.isEmpty)
    let outcome = try ExternalTool.run(["cfn-lint", "--format", "parseable"] + rendering.stacks.map(\.templatePath), in: folder)
    // cfn-lint's status is a bit field: 2 errors, 4 warnings, 8 informational; 1 when it could not run.
    #expect(outcome.status & 3 == 0, "cfn-lint: status \(outcome.status)\n\(outcome.output)\(outcome.errors)")
  }

  @Test(
    "kubernetes-validate --strict accepts every manifest for its cluster's Kubernetes version",
    .enabled(if: Judges.runs(Judges.hasKubernetesValidate), "kubernetes-validate is not installed (and CI is not set): run scripts/setup"))
  func kubernetesValidate() throws {
    let rendering = try RenderTestSupport.tutorial()
    let folder = try RenderTestSupport.write(rendering)
    #expect(!rendering.manifests.isEmpty)
    for manifest in rendering.manifests {
      let outcome = try ExternalTool.run(
        ["kubernetes-validate", "--strict", "-k", manifest.kubernetesVersion + ".0", manifest.path], in: folder)
      #expect(outcome.status == 0, "\(manifest.path): status \(outcome.status)\n\(outcome.output)\(outcome.errors)")
      // A kind it has no schema for passes with a warning: every kind rendered must be one it knows.
      #expect(!(outcome.output + outcome.errors).contains("Couldn't find schema"), "\(manifest.path): \(outcome.output)\(outcome.errors)")
    }
  }

  @Test(
    "pyhcl parses every SPIRE config, and every key is one SPIRE 1.15 documents where it stands",
    .enabled(if: Judges.runs(Judges.hasPyHCL), "pyhcl is not installed (and CI is not set): run scripts/setup"))
  func spireConfigs() throws {
    let rendering = try RenderTestSupport.tutorial()
    let folder = try RenderTestSupport.write(rendering)
    let configs = rendering.files.filter { $0.path.hasSuffix(".conf") }.map(\.path)
    #expect(configs.count == 3, "the server's and both agent sets' configs: \(configs)")
    let keys = String(decoding: try JSONSerialization.data(withJSONObject: Judges.spireKeys, options: [.sortedKeys]), as: UTF8.self)
    for path in configs {
      let outcome = try ExternalTool.run(["python3", "-c", Judges.spireKeyCheck, keys, path], in: folder)
      #expect(outcome.status == 0, "\(path): \(outcome.errors)")
      #expect(outcome.output.isEmpty, "\(path): keys SPIRE 1.15 does not document there:\n\(outcome.output)")
    }
  }

  @Test(
    "the key check itself catches the tutorial's SPIRE 0.10 keys",
    .enabled(if: Judges.runs(Judges.hasPyHCL), "pyhcl is not installed (and CI is not set): run scripts/setup"))
  func keyCheckCatchesOldKeys() throws {
    let folder = try TemporaryDirectory.make("steeple-hcl-")
    let old = """
      server {
        trust_domain = "td"
        registration_uds_path = "/tmp/registration.sock"
        default_svid_ttl = "1h"
      }
      plugins {
        NodeAttestor "k8s_psat" {
          plugin_data {
            clusters = {
              "frontend" = { service_account_whitelist = ["spire:spire-agent"] }
            }
          }
        }
      }

      """
    try old.write(to: folder.appendingPathComponent("server.conf"), atomically: true, encoding: .utf8)
    let keys = String(decoding: try JSONSerialization.data(withJSONObject: Judges.spireKeys, options: [.sortedKeys]), as: UTF8.self)
    let outcome = try ExternalTool.run(["python3", "-c", Judges.spireKeyCheck, keys, "server.conf"], in: folder)
    #expect(
      outcome.output
        == "server: registration_uds_path\nserver: default_svid_ttl\nserver NodeAttestor k8s_psat clusters: service_account_whitelist\n")
  }
}
