/// What exists, as `steeple state` prints it: one resource a line, grouped by account and cluster.
public enum StateRenderer {
  public static func text(_ resources: [ObservedResource]) -> String {
    guard !resources.isEmpty else { return "The state is empty.\n" }
    var out = ""
    for (placement, group) in grouped(resources.sorted { $0.address < $1.address }, by: \.placement) {
      out += placement.heading + "\n"
      for resource in group {
        var line = "  \(resource.address)"
        let identity = resource.outputs.first { ["id", "arn", "uid"].contains($0.name) }
        if let identity { line += "  \(identity.name)=\(identity.value.string ?? identity.value.description)" }
        out += TerminalText.escaped(line) + "\n"
      }
    }
    let count = resources.count
    return out + "\(count) resource\(count == 1 ? "" : "s").\n"
  }

  /// `{"resources": [{address, type, name, account, cluster, attributes, outputs, dependencies}]}`.
  public static func json(_ resources: [ObservedResource]) -> String {
    let items: [JSONValue] = resources.sorted { ($0.placement, $0.address) < ($1.placement, $1.address) }.map { resource in
      var fields: [(String, JSONValue)] = [
        ("address", .string(resource.address.description)),
        ("type", .string(resource.address.type)),
        ("name", .string(resource.address.name)),
      ]
      fields += resource.placement.json
      fields += [
        ("attributes", JSONValue(resource.attributes)),
        ("outputs", JSONValue(resource.outputs)),
        ("dependencies", .array(resource.dependencies.sorted().map { .string($0.description) })),
      ]
      return .object(fields)
    }
    return JSONValue.object([("resources", .array(items))]).rendered() + "\n"
  }
}
