import SteepleEngine

extension DriveContext {
  /// The tries of a value read from an applied object (ten seconds apart: ten minutes), as long as
  /// a load balancer takes to get its host name.
  static let objectValueTries = 60

  /// Where a manifest with `{{name}}` placeholders is written filled in, under the rendered folder.
  static func filledPath(_ manifest: RenderedManifest) -> String {
    manifest.parameters.isEmpty && manifest.objectValues.isEmpty ? manifest.path : "filled/" + manifest.path
  }

  /// The variable that holds a value read from an applied object.
  static func objectVariable(_ value: ObjectValue) -> String { RunbookCommand.variableName("object", value.name) }

  /// What applying a manifest takes: each stack output and object value it has a placeholder for,
  /// the file filled in with them, then `kubectl apply --server-side` of it.
  func manifestCommands(_ manifest: RenderedManifest) -> [RunbookCommand] {
    var commands: [RunbookCommand] = []
    var placeholders: [String: String] = [:]
    for parameter in manifest.parameters {
      commands.append(capture(parameter))
      placeholders[parameter.name] = Runbook.outputVariable(stack: parameter.fromStack, output: parameter.output)
    }
    for value in manifest.objectValues {
      let object = KubernetesObjectName(value.object) ?? KubernetesObjectName(kind: "service", namespace: nil, name: value.object)
      commands.append(
        .awaitValue(
          variable: Self.objectVariable(value),
          AWSCommands.getValue(object, jsonPath: value.jsonPath, cluster: value.cluster, kubeconfig: Runbook.kubeconfig),
          tries: Self.objectValueTries))
      placeholders[value.name] = Self.objectVariable(value)
    }
    let path = Self.filledPath(manifest)
    if !placeholders.isEmpty { commands.append(.fill(path: manifest.path, into: path, placeholders: placeholders)) }
    commands.append(.run(AWSCommands.applyManifest(cluster: manifest.cluster, file: Runbook.file(path), kubeconfig: Runbook.kubeconfig)))
    return commands
  }
}
