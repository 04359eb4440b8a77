import Foundation
import SteepleAWS
import SteepleEngine
import Testing

/// The tutorial's rendering: every file (golden, byte for byte), what the driver reads from it
/// (stacks, parameters, manifests, placements; golden as text), and that it renders the same twice.
@Suite("the tutorial's aws rendering", .serialized)
struct TutorialRenderingTests {
  /// The driver's view of a rendering as text: stacks in order with what they follow and take,
  /// manifests in order with their placeholders, where each resource is made, and the notes.
  static func describe(_ rendering: AWSRendering) -> String {
    var lines: [String] = []
    for stack in rendering.stacks {
      lines.append(
        "stack \(stack.name) layer \(stack.layer) account \(stack.access.account) profile \(stack.access.profile ?? "-") region \(stack.access.region) template \(stack.templatePath)\(stack.needsNamedIAM ? " named-iam" : "")"
      )
      if !stack.dependsOn.isEmpty { lines.append("  after \(stack.dependsOn.joined(separator: ", "))") }
      for parameter in stack.parameters { lines.append("  parameter \(parameter.name) <- \(parameter.fromStack).\(parameter.output)") }
    }
    for manifest in rendering.manifests {
      lines.append("manifest \(manifest.path) cluster \(manifest.cluster) kubernetes \(manifest.kubernetesVersion) profile \(manifest.access.profile ?? "-")")
      for parameter in manifest.parameters { lines.append("  {{\(parameter.name)}} <- \(parameter.fromStack).\(parameter.output)") }
      for value in manifest.objectValues { lines.append("  {{\(value.name)}} <- \(value.cluster) \(value.object) \(value.jsonPath)") }
    }
    for (address, placement) in rendering.placements.sorted(by: { $0.key < $1.key }) {
      switch placement {
      case .stack(let name, let logicalID): lines.append("\(address) -> stack \(name) \(logicalID)")
      case .manifest(let path, let objects): lines.append("\(address) -> \(path) \(objects.joined(separator: " "))")
      case .command(let summary): lines.append("\(address) -> command: \(summary)")
      }
    }
    lines.append(contentsOf: rendering.notes.map { "note: \($0)" })
    return lines.joined(separator: "\n") + "\n"
  }

  /// Rewrites the golden folder from `rendering` (STEEPLE_UPDATE_GOLDEN=1): every file, and the description.
  static func updateGolden(_ rendering: AWSRendering) throws {
    let folder = RenderTestSupport.goldenSource.appendingPathComponent("tutorial")
    try? FileManager.default.removeItem(at: folder)
    for file in rendering.files {
      let url = folder.appendingPathComponent(file.path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try file.contents.write(to: url, atomically: true, encoding: .utf8)
    }
    try describe(rendering).write(
      to: RenderTestSupport.goldenSource.appendingPathComponent("tutorial.rendering.txt"), atomically: true, encoding: .utf8)
  }

  /// Every file below `folder`, by relative path.
  static func files(under folder: URL) throws -> [String: String] {
    var found: [String: String] = [:]
    let root = folder.standardizedFileURL.path
    guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
    for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
      let path = String(url.standardizedFileURL.path.dropFirst(root.count + 1))
      found[path] = try String(contentsOf: url, encoding: .utf8)
    }
    return found
  }

  @Test("every file of the tutorial's rendering matches its golden copy (STEEPLE_UPDATE_GOLDEN=1 rewrites them)")
  func goldenFiles() throws {
    let rendering = try RenderTestSupport.tutorial()
    if RenderTestSupport.updatingGolden { try Self.updateGolden(rendering) }
    let golden = try Self.files(under: try RenderTestSupport.goldenFolder().appendingPathComponent("tutorial"))
    let rendered = Dictionary(uniqueKeysWithValues: rendering.files.map { ($0.path, $0.contents) })
    #expect(rendered.keys.sorted() == golden.keys.sorted())
    for (path, contents) in rendered.sorted(by: { $0.key < $1.key }) {
      #expect(contents == golden[path], "\(path) differs from its golden copy")
    }
  }

  /// `goldenFiles` rewrites this golden file too.
  @Test("the stacks, manifests, placeholders and placements the driver reads match the golden description")
  func goldenDescription() throws {
    let rendering = try RenderTestSupport.tutorial()
    let url = try RenderTestSupport.goldenFolder().appendingPathComponent("tutorial.rendering.txt")
    #expect(Self.describe(rendering) == (try String(contentsOf: url, encoding: .utf8)))
  }

  @Test("rendering twice gives byte-identical files, and writing them twice leaves the folder byte-identical")
  func deterministic() throws {
    let first = try RenderTestSupport.tutorial()
    let second = try RenderTestSupport.tutorial()
    #expect(first == second)
    let folder = try RenderTestSupport.write(first)
    let before = try Self.files(under: folder)
    try RenderedFolder.write(second.files.map { ($0.path, $0.contents) }, to: folder.path, force: false)
    #expect(try Self.files(under: folder) == before)
  }
}
