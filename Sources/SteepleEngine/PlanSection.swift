/// A part of a plan that a domain adds after the resource changes (the mesh's "who may talk to
/// whom"), worked out from the plan and the resources it was made for.
///
/// The engine knows nothing of what a section says: only how to print it (`PlanRenderer` writes it
/// after the actions, and under `key` in the JSON document) and whether it is a change
/// (`plan --detailed-exitcode` counts a section with changes as one).
public protocol PlanSection: Sendable {
  /// The section's key in the plan's JSON document, `authorization`.
  var key: String { get }
  /// Whether applying the plan would change what the section describes.
  var hasChanges: Bool { get }
  /// The section as text for people, ending in a newline, or empty when there is nothing to say;
  /// with `colors`, ANSI colours for a terminal. Names from the script are escaped (`TerminalText`).
  func text(colors: Bool) -> String
  /// The section as JSON, the same with or without changes, so tools read one shape.
  var json: JSONValue { get }
}

extension Plan {
  /// Whether the plan changes anything: an action, or a section with changes.
  public func hasChanges(with sections: [any PlanSection]) -> Bool {
    !isEmpty || sections.contains { $0.hasChanges }
  }
}
