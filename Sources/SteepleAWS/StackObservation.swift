import Foundation

/// A stack as `describe-stacks` and `describe-stack-resources` show it.
struct StackObservation: Sendable {
  var name: String
  var status: String
  /// Output values by key.
  var outputs: [String: String]
  /// Each resource by logical ID: its physical ID and status.
  var resources: [String: (physicalID: String, status: String)]

  /// A stack that is gone or never got made: deleted, or rolled back from its first create.
  var isGone: Bool { ["DELETE_COMPLETE", "ROLLBACK_COMPLETE"].contains(status) }

  /// Whether a resource of the stack exists now (made, or changed, and not deleted).
  func holds(_ logicalID: String) -> Bool {
    guard let resource = resources[logicalID] else { return false }
    return !resource.status.hasPrefix("DELETE") && !resource.status.hasSuffix("FAILED")
      && resource.status != "CREATE_IN_PROGRESS"
  }

  /// The outputs of one resource: those whose key starts with its logical ID, named by the rest of
  /// the key (`VpcFrontendId` of `VpcFrontend` is `id`), and its physical ID.
  func outputs(of logicalID: String) -> [(name: String, value: String)] {
    var found: [(name: String, value: String)] = []
    if let physical = resources[logicalID]?.physicalID, !physical.isEmpty { found.append(("physical_id", physical)) }
    for key in outputs.keys.sorted() where key.hasPrefix(logicalID) {
      let rest = key.dropFirst(logicalID.count)
      let name = rest.isEmpty ? "value" : Self.snakeCase(String(rest))
      found.append((name, outputs[key]!))
    }
    return found
  }

  /// `TransitGatewayId` as `transit_gateway_id`.
  static func snakeCase(_ text: String) -> String {
    var name = ""
    for character in text {
      if character.isUppercase && !name.isEmpty { name.append("_") }
      name += character.lowercased()
    }
    return name
  }

  private struct Stacks: Decodable {
    struct Stack: Decodable {
      struct Output: Decodable {
        var OutputKey: String
        var OutputValue: String?
      }
      var StackName: String
      var StackStatus: String
      var Outputs: [Output]?
    }
    var Stacks: [Stack]
  }

  private struct Resources: Decodable {
    struct Resource: Decodable {
      // moto lists a resource it skipped with no logical ID.
      var LogicalResourceId: String?
      var PhysicalResourceId: String?
      var ResourceStatus: String
    }
    var StackResources: [Resource]
  }

  /// Reads the two commands' JSON; `nil` when the stacks answer is not one.
  init?(describeStacks: String, describeResources: String?) {
    guard let stacks = try? JSONDecoder().decode(Stacks.self, from: Data(describeStacks.utf8)), let stack = stacks.Stacks.first else {
      return nil
    }
    name = stack.StackName
    status = stack.StackStatus
    var outputs: [String: String] = [:]
    for output in stack.Outputs ?? [] { outputs[output.OutputKey] = output.OutputValue ?? "" }
    self.outputs = outputs
    var resources: [String: (physicalID: String, status: String)] = [:]
    if let describeResources, let read = try? JSONDecoder().decode(Resources.self, from: Data(describeResources.utf8)) {
      for resource in read.StackResources {
        guard let logicalID = resource.LogicalResourceId, !logicalID.isEmpty else { continue }
        resources[logicalID] = (resource.PhysicalResourceId ?? "", resource.ResourceStatus)
      }
    }
    self.resources = resources
  }
}
