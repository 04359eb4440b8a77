import Foundation
import SteepleCatalog
import SteepleEngine
import SteepleModel
import Testing

/// The registry: every kind and resource type has one family, and the model and the engine name
/// none of them.
@Suite("the domain catalog")
struct CatalogTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test("every kind and every resource type belongs to exactly one family")
  func oneFamilyEach() {
    let catalog = Catalog.standard
    var kinds: [String: Int] = [:]
    var types: [String: Int] = [:]
    for family in catalog.families {
      for schema in family.kinds { kinds[schema.kind, default: 0] += 1 }
      for type in family.resourceTypes { types[type.name, default: 0] += 1 }
    }
    #expect(kinds.values.allSatisfy { $0 == 1 } && types.values.allSatisfy { $0 == 1 })
    #expect(Set(kinds.keys) == Set(catalog.kinds.map(\.kind)))
    for kind in catalog.kinds.map(\.kind) {
      #expect(catalog.schema(for: kind)?.kind == kind)
      #expect(catalog.family(of: kind)?.kinds.contains { $0.kind == kind } == true)
    }
    #expect(catalog.keywords.map(\.kind) == ["account", "cluster", "mesh", "entry", "verify"])
    #expect(catalog.modules.map(\.name) == ["aws", "k8s", "spire", "mesh"])
    #expect(Set(types.keys) == Set(catalog.resourceTypes.map(\.name)) && types.count == 24)
  }

  @Test("a resource type's durations are the modelled seconds of each action; an unknown type takes one")
  func durations() throws {
    let catalog = Catalog.standard
    func resource(_ type: String) -> Resource {
      Resource(address: ResourceAddress(type: type, name: "x"), placement: Placement(), attributes: [])
    }
    let observed = ObservedResource(address: ResourceAddress(type: "eks.cluster", name: "x"), placement: Placement(), attributes: [])
    #expect(catalog.seconds(for: .create(resource("eks.cluster"))) == 600)
    #expect(catalog.seconds(for: .update(resource("eks.cluster"), from: observed)) == 1800)
    #expect(catalog.seconds(for: .delete(observed)) == 420)
    #expect(catalog.seconds(for: .create(resource("nothing.known"))) == 1)
    #expect(try #require(catalog.resourceType(named: "ec2.route")).replaceOnChange == ["vpc", "destination"])
  }

  @Test("the schemas' defaults are the families' published defaults")
  func defaultsHaveOneSource() {
    #expect(EKS.cluster.field("nodes")?.defaultValue == .int(EKS.defaultNodes))
    #expect(EKS.cluster.field("instance_type")?.defaultValue == .string(EKS.defaultInstanceType))
    #expect(EKS.cluster.field("version")?.defaultValue == .string(EKS.defaultVersion))
    #expect(EKS.kubernetesVersions.contains(EKS.defaultVersion))
    #expect(EKS.cluster.field("nodes")?.type == .int(EKS.nodeCounts))
    #expect(Network.transitGateway.field("amazon_side_asn")?.defaultValue == .int(Network.defaultAmazonSideASN))
    #expect(
      Network.transitGateway.field("auto_accept_shared_attachments")?.defaultValue == .bool(Network.defaultAutoAcceptSharedAttachments))
  }

  @Test("the model and the engine name no AWS or Kubernetes kind or resource type")
  func modelAndEngineAreDomainFree() throws {
    // `aws.role`, `ec2.vpc`, `k8s.pod`: a host module's kind or a resource type.
    let domainName = try Regex(#"\b(aws|eks|k8s|ec2|iam|ram)\.[a-z_]"#)
    for target in ["SteepleModel", "SteepleEngine"] {
      let folder = Self.packageRoot.appendingPathComponent("Sources/\(target)")
      let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
      #expect(!files.isEmpty)
      for file in files {
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        let found = text.firstMatch(of: domainName).map { String(text[$0.range]) }
        #expect(found == nil, "Sources/\(target)/\(file) names \(found ?? "")")
      }
    }
  }
}
