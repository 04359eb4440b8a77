import SteepleModel

/// The text `steeple doc` prints, made from the catalog's schemas: the list of kinds, and one kind's fields.
public enum SchemaDocumentation {
  /// Every kind and host module, one line each.
  public static func index(_ catalog: Catalog = .standard) -> String {
    var out = "Kinds of declaration; 'steeple doc KIND' shows a kind's fields, 'steeple doc MODULE' a module's functions.\n"
    out += "\nKeywords:\n"
    out += table(catalog.keywords.map { [$0.kind, $0.summary] }, indent: "  ")
    for module in catalog.modules {
      out += "\nModule \(module.name) (import \"\(module.name)\"): \(catalog.moduleSummaries[module.name] ?? "")\n"
      out += table(module.kinds.map { [$0.kind, $0.summary] }, indent: "  ")
    }
    return out
  }

  /// The page of a kind (`cluster`, `aws.role`) or of a module (`aws`); `nil` when there is none.
  public static func page(for topic: String, in catalog: Catalog = .standard) -> String? {
    if let schema = catalog.schema(for: topic) {
      return page(schema, expansion: catalog.family(of: schema.kind)?.expansion(of: schema.kind) ?? [])
    }
    guard let module = catalog.modules.first(where: { $0.name == topic }) else { return nil }
    var out = "Module \(module.name): \(catalog.moduleSummaries[module.name] ?? "")\n\n  import \"\(module.name)\"\n\n"
    for schema in module.kinds {
      out += "\(schema.kind): \(schema.summary)\n  \(schema.form)\n\n"
    }
    return out + "'steeple doc \(module.name).FUNCTION' shows a function's fields.\n"
  }

  /// Every topic `page(for:)` knows, for "did you mean".
  public static var topics: [String] {
    let catalog = Catalog.standard
    return catalog.kinds.map(\.kind) + catalog.modules.map(\.name)
  }

  static func page(_ schema: KindSchema, expansion: [String] = []) -> String {
    var out = "\(schema.kind): \(schema.summary)\n\n"
    if let function = schema.function { out += "  import \"\(function.module)\"\n" }
    out += "  \(schema.form)\n\n"
    if let names = schema.allowedNames {
      out += "check: one of \(names.joined(separator: ", "))\n"
    } else if schema.function?.takesName ?? true {
      out += "name: \(schema.nameFormat == .string ? "any text" : "\(schema.nameFormat.title), \(schema.nameFormat.example)")\n"
      if case .accountWhenShared = schema.scope {
        out += "      unique within its account; two accounts may use one name, and each such \(schema.kind) is then written <name>@<account> in plans and paths\n"
      }
    } else {
      out += "name: none of its own; it is known by \(scopeText(schema))\n"
    }
    out += "\nfields:\n"
    out += table(
      schema.fields.map { field in
        [schema.function?.label(forField: field.name) ?? field.name, field.type.description, requirementText(field.requirement), field.doc]
      }, indent: "  ")
    if !schema.computed.isEmpty {
      out += "\ncomputed (read-only):\n"
      out += table(schema.computed.map { [$0.name, $0.doc] }, indent: "  ")
    }
    if !expansion.isEmpty {
      out += "\nexpands into (each a resource in plan, apply and destroy):\n"
      out += expansion.map { "  - \($0)\n" }.joined()
    }
    out += "\nA handle has .name, .kind and every field; a field left out reads as its default, or nil.\n"
    return out
  }

  static func scopeText(_ schema: KindSchema) -> String {
    guard case .derived(let fields) = schema.scope else { return "its name" }
    return fields.map { "its \($0)" }.joined(separator: " and ")
  }

  static func requirementText(_ requirement: FieldSchema.Requirement) -> String {
    switch requirement {
    case .required: return "required"
    case .optional: return "optional"
    case .defaultValue(let value): return "default \(value)"
    case .derived(let text, _): return "default: \(text)"
    }
  }

  /// Rows in columns, each column as wide as its widest cell; the last column is not padded.
  static func table(_ rows: [[String]], indent: String) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = [Int](repeating: 0, count: columns)
    for row in rows {
      for (index, cell) in row.enumerated() where index < columns - 1 { widths[index] = max(widths[index], cell.count) }
    }
    return rows.map { row in
      indent + row.enumerated().map { index, cell in
        index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
      }.joined()
    }.joined(separator: "\n") + "\n"
  }
}
