/// What `steeple render` says it wrote: a line per kind of file, the commands and the notes.
public enum RenderSummary {
  public static func text(_ rendering: AWSRendering, folder: String, removed: [String] = []) -> String {
    let accounts = Set(rendering.stacks.map(\.access.account)).count
    let clusters = Set(rendering.manifests.map(\.cluster)).count
    let layers = rendering.stacks.map(\.layer)
    let commands = rendering.placements.values.filter { if case .command = $0 { true } else { false } }.count
    func count(_ folder: String, suffix: String) -> Int {
      rendering.files.filter { $0.path.hasPrefix(folder + "/") && $0.path.hasSuffix(suffix) && !$0.path.hasSuffix("README.md") }.count
    }
    let shown = folder.hasSuffix("/") ? folder : folder + "/"
    var text = "rendered \(rendering.files.count) files into \(shown)\n"
    text += "  cloudformation  \(rendering.stacks.count) stacks in \(accounts) accounts"
    if let low = layers.min(), let high = layers.max() { text += low == high ? " (layer \(low))" : " (layers \(low) to \(high))" }
    text += "\n  kubernetes      \(rendering.manifests.count) manifests for \(clusters) clusters\n"
    text += "  spire           \(count(SPIREConfigs.folder, suffix: ".conf")) configs\n"
    text += "  envoy           \(count(EnvoyConfig.folder, suffix: ".yaml")) proxies\n"
    text += "  commands        \(commands) (registration entries and what no file makes; see \(shown)README.md)\n"
    if !removed.isEmpty { text += "  removed         \(removed.count) files of the previous render\n" }
    text += "notes:\n" + rendering.notes.map { "  - \($0)\n" }.joined()
    return text
  }
}
