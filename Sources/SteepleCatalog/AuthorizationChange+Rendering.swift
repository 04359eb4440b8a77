public import SteepleEngine

/// The plan's section "who may talk to whom": after the resource changes, each edge gained (`+`)
/// or lost (`-`) with its marking, cross-account edges flagged, the SPIFFE IDs, and the declaration
/// that grants or removes it; then a count line.
///
/// ```
/// Who may talk to whom:
///   + corp.example/api → corp.example/db (calls it; cross-account "app" → "data")
///       spiffe://corp.example/api → spiffe://corp.example/db
///       granted by mesh.service "db" at mesh.spire:12: allow names spiffe://corp.example/api
///
/// Authorization: 1 edge gained (1 cross-account), 0 lost, 2 unchanged.
/// ```
extension AuthorizationChange: PlanSection {
  public var key: String { "authorization" }

  /// Empty when there are no services before or after; the count line alone when no edge changes.
  public func text(colors: Bool) -> String {
    guard services > 0 else { return "" }
    guard hasChanges else { return countLine(colors: colors) }
    var out = "Who may talk to whom:\n"
    for (sign, entries, colour) in [("+", gained, "32"), ("-", lost, "31")] {
      for entry in entries {
        let edge = entry.edge
        var flags = TerminalText.escaped(edge.marking)
        if edge.crossAccount {
          flags += "; " + paint(TerminalText.escaped("cross-account \(Self.account(edge.fromAccount)) → \(Self.account(edge.toAccount))"), "33", colors)
        }
        out += "  " + paint(TerminalText.escaped("\(sign) \(edge.from) → \(edge.to)"), colour, colors) + " (\(flags))\n"
        out += TerminalText.escaped("      \(edge.fromIdentity) → \(edge.toIdentity)") + "\n"
        out += TerminalText.escaped("      \(sign == "+" ? "granted" : "removed") by \(Self.describe(entry.cause))") + "\n"
      }
    }
    return out + "\n" + countLine(colors: colors)
  }

  /// `Authorization: 2 edges gained (1 cross-account), 1 lost, 3 unchanged.`
  public var summary: String {
    guard hasChanges else { return "Authorization: no changes, \(unchanged) \(unchanged == 1 ? "edge holds" : "edges hold")." }
    let crossAccount = gained.filter(\.edge.crossAccount).count
    let cross = crossAccount > 0 ? " (\(crossAccount) cross-account)" : ""
    return "Authorization: \(gained.count) \(gained.count == 1 ? "edge" : "edges") gained\(cross), \(lost.count) lost, \(unchanged) unchanged."
  }

  private func countLine(colors: Bool) -> String { paint(summary, "1", colors) + "\n" }

  private func paint(_ text: String, _ code: String, _ colors: Bool) -> String {
    colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  static func account(_ name: String?) -> String { name.map { "\"\($0)\"" } ?? "no account" }

  /// `mesh.allow "…" at mesh.spire:20: admits spiffe://…`; a declaration no longer in the script
  /// (or resources that came from none) is named by its resource.
  static func describe(_ cause: Cause) -> String {
    guard let site = cause.site else { return "\(cause.resource): \(cause.reason)" }
    let place = site.file.map { file in " at \(file)" + (site.line.map { ":\($0)" } ?? "") } ?? ""
    return "\(site.declaration)\(place): \(cause.reason)"
  }

  /// `{"changes", "summary": {"gained", "gained_cross_account", "lost", "unchanged"}, "gained": [...], "lost": [...]}`,
  /// each edge with its services, SPIFFE IDs, marking, accounts and the declaration behind it.
  public var json: JSONValue {
    func edges(_ entries: [Entry]) -> JSONValue {
      .array(entries.map { entry in
        let edge = entry.edge
        let declaration: JSONValue = entry.cause.site.map { site in
          .object([
            ("kind", .string(site.declaration.kind)), ("name", .string(site.declaration.name)),
            ("file", site.file.map(JSONValue.string) ?? .null), ("line", site.line.map(JSONValue.int) ?? .null),
          ])
        } ?? .null
        return .object([
          ("from", .string(edge.from)), ("to", .string(edge.to)),
          ("from_id", .string(edge.fromIdentity)), ("to_id", .string(edge.toIdentity)),
          ("calls", .bool(edge.calls)), ("marking", .string(edge.marking)),
          ("cross_account", .bool(edge.crossAccount)),
          ("from_account", edge.fromAccount.map(JSONValue.string) ?? .null),
          ("to_account", edge.toAccount.map(JSONValue.string) ?? .null),
          ("resource", .string(entry.cause.resource.description)),
          ("declaration", declaration),
          ("reason", .string(entry.cause.reason)),
        ])
      })
    }
    return .object([
      ("changes", .bool(hasChanges)),
      ("summary", .object([
        ("gained", .int(gained.count)), ("gained_cross_account", .int(gained.filter(\.edge.crossAccount).count)),
        ("lost", .int(lost.count)), ("unchanged", .int(unchanged)),
      ])),
      ("gained", edges(gained)),
      ("lost", edges(lost)),
    ])
  }
}
