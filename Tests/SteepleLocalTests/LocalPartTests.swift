import SteepleTestSupport
import Foundation
import Steeple
import SteepleEngine
import SteepleLocal
import SteepleModel
import Synchronization
import Testing

/// A part of its own type, as the embedded SPIRE will be: it asks the cloud for reachability through
/// the narrow `NetworkReachability`, between the first nodes of the two node groups it depends on,
/// whose addresses it gets as inputs (it also waits for the routes between them).
final class ProbePart: LocalPart {
  let made = Mutex<[ResourceAddress: ObservedResource]>([:])
  var resourceTypes: Set<String> { ["test.probe"] }

  func apply(_ action: Action, inputs: [ResourceAddress: [ModelField]], services: any LocalServices) async throws
    -> ObservedResource?
  {
    guard case .create(let resource) = action else {
      made.withLock { $0[action.address] = nil }
      return nil
    }
    let ips = resource.dependencies.filter { $0.type == "eks.nodegroup" }.sorted().map { dependency -> String in
      let nodes = inputs[dependency]?.first { $0.name == "nodes" }?.value.list ?? []
      return nodes.first?[field: "ip"]?.string ?? "none"
    }
    let report = try services.reachability(from: ips[0], in: nil, to: ips[1])
    let observed = ObservedResource(
      resource, outputs: [ModelField("from", .string(ips[0])), ModelField("to", .string(ips[1])),
                          ModelField("reachable", .bool(report.reachable))])
    made.withLock { $0[resource.address] = observed }
    return observed
  }

  func refresh(_ resources: [ObservedResource], unsettled: Set<ResourceAddress>, services: any LocalServices)
    async throws -> [ObservedResource]
  {
    let made = self.made.withLock { $0 }
    return resources.compactMap { made[$0.address] }
  }
}

@Suite("the local provider composed of parts registered by resource type")
struct LocalPartTests {
  static func probe(between nodegroups: [ResourceAddress], after others: [ResourceAddress] = []) -> Resource {
    Resource(
      address: ResourceAddress(type: "test.probe", name: "across"), placement: Placement(),
      attributes: [ModelField("purpose", .string("reachability"))], dependencies: Set(nodegroups + others))
  }

  @Test("a registered part serves its type with the cloud's services and its dependencies' outputs")
  func partServesItsType() async throws {
    let directory = try TemporaryDirectory.make("steeple-local-part-").path
    let part = ProbePart()
    let provider = try LocalProvider(stateDirectory: directory, parts: [part])
    #expect(provider.resourceTypes == LocalProvider.supportedTypes.union(["test.probe"]))
    let network = Lowering.resources(file: "stdlib/examples/network.spire")
    let nodegroups = network.map(\.address).filter { $0.type == "eks.nodegroup" }.sorted().prefix(2)
    let routes = network.map(\.address).filter { $0.type == "ec2.route" || $0.type == "ec2.transit_gateway_attachment" }
    let probe = Self.probe(between: Array(nodegroups), after: routes)
    let engine = try Engine(provider: provider, stateDirectory: directory)
    let report = try await engine.apply(network + [probe])
    #expect(report.succeeded, "\(report.failed)")
    let made = try #require(try await engine.state().first { $0.address.type == "test.probe" })
    let from = try #require(made.outputs.first { $0.name == "from" }?.value.string)
    let to = try #require(made.outputs.first { $0.name == "to" }?.value.string)
    #expect(from != "none" && to != "none")
    let expected = try provider.cloud.reachability(from: from, to: to).reachable
    #expect(expected)
    #expect(made.outputs.last == ModelField("reachable", .bool(expected)))
    #expect(try await engine.plan(network + [probe]).isEmpty)
  }

  @Test("without the part, plan refuses its type; two parts cannot serve one type")
  func unregisteredTypesAreRefused() async throws {
    let directory = try TemporaryDirectory.make("steeple-local-part-").path
    let engine = try Engine(provider: try LocalProvider(stateDirectory: directory), stateDirectory: directory)
    await #expect { _ = try await engine.plan([Self.probe(between: [])]) } throws: {
      "\($0)".hasPrefix("test.probe.across has the type test.probe, which the local provider does not support; it supports aws.account,")
    }
    #expect(throws: ProviderError.self) { try LocalProvider(stateDirectory: directory, parts: [ProbePart(), ProbePart()]) }
  }
}
