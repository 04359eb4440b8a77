extension KindSchema {
  /// The identity of a declaration of this kind with this name and these fields: the name, with
  /// the names of what the scope fields refer to in front.
  public func identity(name: String, fields: [ModelField]) -> DeclarationID {
    func value(_ field: String) -> ModelValue? { fields[field: field] ?? self.field(field)?.defaultValue }
    func scopeName(_ field: String) -> String? {
      switch value(field) {
      case .reference(let id)?: return id.name
      case .string(let text)?: return text
      default: return nil
      }
    }
    switch scope {
    case .global, .accountWhenShared:
      return DeclarationID(kind: kind, name: name)
    case .account(let field):
      return DeclarationID(kind: kind, name: scopeName(field).map { "\($0)/\(name)" } ?? name)
    case .cluster(let field, let namespace):
      let parts = [scopeName(field), namespace.flatMap(scopeName), name].compactMap { $0 }
      return DeclarationID(kind: kind, name: parts.joined(separator: "/"))
    case .derived(let scopeFields):
      if kind == "verify" {
        // `mtls "yelb-ui" -> "yelb-appserver"`: the check and its operands.
        var text = name
        if let subject = value("subject") { text += " \(subject)" }
        if let peer = value("peer") { text += " -> \(peer)" }
        return DeclarationID(kind: kind, name: text)
      }
      let parts = scopeFields.compactMap(scopeName)
      return DeclarationID(kind: kind, name: parts.isEmpty ? name : parts.joined(separator: "/"))
    }
  }
}
