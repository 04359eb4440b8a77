/// A plan as text for people, as `steeple plan` prints it, or as JSON for tools.
///
/// ```
/// account "frontend", cluster "edge"
///   + store.bucket.edge-logs (declared, does not exist)
///       account = "frontend"
///       tier = "standard"
///   ~ store.pool.edge/workers (size changed)
///       size = 2 → 3
///
/// Plan: 1 to add, 1 to change, 0 to destroy.
/// ```
///
/// A domain's sections (`PlanSection`) follow the resource changes, each after a blank line; a plan
/// with no actions shows only the sections that have changes.
public enum PlanRenderer {
  public static func text(_ plan: Plan, sections: [any PlanSection] = [], colors: Bool = false) -> String {
    guard !plan.isEmpty else {
      let changed = sections.filter(\.hasChanges).map { $0.text(colors: colors) }.filter { !$0.isEmpty }
      return changed.isEmpty
        ? "No changes. What exists matches the script.\n" : changed.joined(separator: "\n")
    }
    return changes(plan) + sections.map { $0.text(colors: colors) }.filter { !$0.isEmpty }.map { "\n" + $0 }.joined()
  }

  private static func changes(_ plan: Plan) -> String {
    var out = ""
    for (placement, actions) in grouped(plan.actions, by: \.placement) {
      out += placement.heading + "\n"
      for action in actions {
        out += TerminalText.escaped("  \(action.kind.symbol) \(action.address) (\(action.reason))") + "\n"
        out += details(action)
      }
      out += "\n"
    }
    return out + plan.summary + "\n"
  }

  private static func details(_ action: PlannedAction) -> String {
    let width = action.changes.map(\.name.count).max() ?? 0
    var out = ""
    switch action.kind {
    case .delete: break
    case .create:
      for change in action.changes {
        out += TerminalText.escaped("      \(pad(change.name, width)) = \(change.new.map(\.description) ?? "none")") + "\n"
      }
    case .update, .replace:
      for change in action.changes {
        let forced = change.forcesReplacement ? "  # forces replacement" : ""
        out += TerminalText.escaped(
          "      \(pad(change.name, width)) = \(change.old.map(\.description) ?? "none") → "
            + "\(change.new.map(\.description) ?? "none")\(forced)") + "\n"
      }
    }
    return out
  }

  private static func pad(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - text.count))
  }

  /// The plan as a JSON object: `{"provider", "changes", "summary": {"add","change","destroy"},
  /// "actions": [...]}`, each action with its kind, address, placement, reason, dependencies and
  /// changes; then each section under its key. `changes` counts the sections' changes too.
  public static func json(_ plan: Plan, sections: [any PlanSection] = []) -> String {
    let actions: [JSONValue] = plan.actions.map { action in
      var fields: [(String, JSONValue)] = [
        ("action", .string(action.kind.rawValue)),
        ("address", .string(action.address.description)),
        ("type", .string(action.address.type)),
        ("name", .string(action.address.name)),
      ]
      fields += action.placement.json
      fields.append(("reason", .string(action.reason)))
      let dependencies = (action.desired?.dependencies ?? action.observed?.dependencies ?? []).sorted()
      fields.append(("dependencies", .array(dependencies.map { .string($0.description) })))
      fields.append(("changes", .array(action.changes.map { change in
        .object([
          ("attribute", .string(change.name)),
          ("old", change.old.map(JSONValue.init) ?? .null),
          ("new", change.new.map(JSONValue.init) ?? .null),
          ("forces_replacement", .bool(change.forcesReplacement)),
        ])
      })))
      return .object(fields)
    }
    let document = JSONValue.object([
      ("provider", .string(plan.provider)),
      ("changes", .bool(plan.hasChanges(with: sections))),
      ("summary", .object([("add", .int(plan.toAdd)), ("change", .int(plan.toChange)), ("destroy", .int(plan.toDestroy))])),
      ("actions", .array(actions)),
    ] + sections.map { ($0.key, $0.json) })
    return document.rendered() + "\n"
  }
}
