import SteepleSyntax

/// The model's static checks: every field against its kind's schema, then the rules that span
/// declarations (duplicates, references, networks, trust). Each problem is a diagnostic at the
/// exact field, with notes at the declarations it involves.
struct TopologyChecker {
  let topology: Topology
  var diagnostics: [Diagnostic] = []

  init(_ topology: Topology) { self.topology = topology }

  func run() -> [Diagnostic] {
    var checker = self
    for declaration in topology.declarations {
      guard let schema = declaration.schema else { continue }
      checker.checkName(declaration, schema)
      checker.checkFields(declaration, schema)
    }
    checker.checkDuplicates()
    checker.checkOrganizations()
    checker.checkNetworks()
    checker.checkRoles()
    checker.checkKubernetes()
    return Self.inSourceOrder(checker.diagnostics)
  }

  /// Diagnostics by place: files in the order first seen, then by offset; ties keep their order.
  static func inSourceOrder(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
    var files: [ObjectIdentifier] = []
    for diagnostic in diagnostics {
      if let file = diagnostic.range?.file, !files.contains(ObjectIdentifier(file)) { files.append(ObjectIdentifier(file)) }
    }
    func key(_ diagnostic: Diagnostic) -> (Int, Int) {
      guard let range = diagnostic.range else { return (files.count, 0) }
      return (files.firstIndex(of: ObjectIdentifier(range.file)) ?? files.count, range.start)
    }
    return diagnostics.enumerated().sorted { a, b in
      let (left, right) = (key(a.element), key(b.element))
      return (left.0, left.1, a.offset) < (right.0, right.1, b.offset)
    }.map(\.element)
  }

  mutating func error(
    _ code: String, _ summary: String, detail: String, at range: SourceRange, notes: [Diagnostic.Note] = [], suggestion: String? = nil
  ) {
    diagnostics.append(Diagnostic(code: code, summary, detail: detail, at: range, notes: notes, suggestion: suggestion))
  }

  /// `account "shared" is declared here`, at the declaration's name.
  func note(_ declaration: Declaration, _ message: String? = nil) -> Diagnostic.Note {
    .init(message ?? "\(describe(declaration)) is declared here", at: declaration.nameRange)
  }

  func describe(_ declaration: Declaration) -> String { "\(declaration.kind) \(ModelValue.string(declaration.name))" }

  // MARK: - One declaration

  mutating func checkName(_ declaration: Declaration, _ schema: KindSchema) {
    if let allowed = schema.allowedNames {
      if !allowed.contains(declaration.name) {
        error(
          "unknown-check", "there is no check named '\(declaration.name)'",
          detail: "the checks are: \(allowed.joined(separator: ", "))", at: declaration.nameRange,
          suggestion: Spelling.nearest(to: declaration.name, in: allowed))
      }
      return
    }
    guard schema.function?.takesName ?? true else { return }
    if let problem = schema.nameFormat.problem(with: declaration.name) {
      error(
        "invalid-name", "\(ModelValue.string(declaration.name)) is not a valid name for \(Self.article(schema.kind)): \(problem)",
        detail: "a \(schema.kind)'s name is \(schema.nameFormat.example)", at: declaration.nameRange)
    }
  }

  mutating func checkFields(_ declaration: Declaration, _ schema: KindSchema) {
    for field in declaration.fields {
      let range = declaration.range(of: field.name)
      guard let fieldSchema = schema.field(field.name) else {
        let written = schema.function.map { $0.label(forField: field.name) } ?? field.name
        let names = schema.fields.map { schema.function?.label(forField: $0.name) ?? $0.name }
        var detail = "\(Self.article(schema.kind)) has the fields: \(names.joined(separator: ", "))"
        if KindSchema.reservedMembers.contains(field.name) {
          detail = "a declaration's \(field.name) is not a field: "
            + (field.name == "name" ? "it is written after the keyword (or first, in a call)" : "it is the keyword (or function) itself")
        }
        error(
          "unknown-field", "\(schema.kind) has no field '\(written)'", detail: detail, at: range,
          suggestion: Spelling.nearest(to: written, in: names))
        continue
      }
      checkValue(field.value, fieldSchema.type, field: fieldSchema, in: declaration, at: range)
    }
    for fieldSchema in schema.fields where fieldSchema.isRequired && declaration[field: fieldSchema.name] == nil {
      let written = schema.function?.label(forField: fieldSchema.name) ?? fieldSchema.name
      error(
        "missing-field", "\(describe(declaration)) is missing its field '\(written)'",
        detail: "add \(written) (\(fieldSchema.type)): \(fieldSchema.doc)", at: declaration.range)
    }
  }

  /// What a value is, for "must be X, not Y".
  func describe(_ value: ModelValue) -> String {
    switch value {
    case .string(let text): return "the string \(ModelValue.string(text))"
    case .int(let int): return "the int \(int)"
    case .float(let float): return "the float \(float)"
    case .bool(let bool): return "the bool \(bool)"
    case .list: return "a list"
    case .record: return "a record"
    case .reference(let id): return id.description
    }
  }

  /// Whether a value has a type's shape, ignoring formats and reference targets: to pick which of
  /// `oneOf`'s types to report against.
  func matchesShape(_ value: ModelValue, _ type: FieldType) -> Bool {
    switch (value, type) {
    case (.string, .string), (.string, .choice), (.int, .int), (.bool, .bool), (.list, .list), (.record, .record), (.record, .shape):
      return true
    case (.reference(let id), .reference(let kinds)): return kinds.contains(id.kind)
    case (_, .oneOf(let types)): return types.contains { matchesShape(value, $0) }
    default: return false
    }
  }

  mutating func checkValue(_ value: ModelValue, _ type: FieldType, field: FieldSchema, in declaration: Declaration, at range: SourceRange) {
    let label = declaration.schema?.function?.label(forField: field.name) ?? field.name
    func mismatch(_ expected: FieldType, detail: String? = nil, suggestion: String? = nil) {
      error(
        "type-mismatch", "'\(label)' must be \(Self.noun(expected)), not \(describe(value))",
        detail: detail ?? "\(label) is \(field.doc)", at: range, suggestion: suggestion)
    }
    switch (value, type) {
    case (_, .oneOf(let types)):
      if let match = types.first(where: { matchesShape(value, $0) }) {
        checkValue(value, match, field: field, in: declaration, at: range)
      } else if case .reference(let id) = value, let kinds = Optional(type.referenceKinds), !kinds.isEmpty {
        wrongKind(id, kinds, label: label, at: range)
      } else {
        mismatch(type)
      }
    case (.string(let text), .string(let format)):
      if let problem = format.problem(with: text) {
        var suggestion: String?
        if format == .region { suggestion = Spelling.nearest(to: text, in: Regions.all) }
        if format == .cidr, let block = CIDRBlock(text), block.hasHostBits { suggestion = block.network.description }
        error(
          "invalid-value", "\(ModelValue.string(text)) is not a valid \(format.title): \(problem)",
          detail: "\(label) takes \(format.example)", at: range, suggestion: suggestion)
      } else if format == .cidr, declaration.kind == "cluster", let block = CIDRBlock(text), !(16...24).contains(block.prefix) {
        error(
          "invalid-value", "a cluster's VPC block must be /16 to /24, not /\(block.prefix)",
          detail: "AWS allows VPC blocks from /16 to /28, and the cluster's six subnets need a /24 or larger", at: range)
      }
    case (.string(let text), .choice(let words)):
      if !words.contains(text) {
        error(
          "invalid-value", "\(ModelValue.string(text)) is not one of \(type)", detail: "\(label) is \(field.doc)", at: range,
          suggestion: Spelling.nearest(to: text, in: words))
      }
    case (.int(let int), .int(let bounds)):
      if !bounds.contains(int) {
        error("invalid-value", "\(label) \(int) is out of range", detail: "\(label) is \(type)", at: range)
      }
    case (.bool, .bool): break
    case (.list(let items), .list(let element)):
      for item in items { checkValue(item, element, field: field, in: declaration, at: range) }
    case (.record(let fields), .record(let element)):
      for item in fields {
        if declaration.kind.hasPrefix("k8s."), let problem = Self.labelKeyProblem(item.name) {
          error(
            "invalid-value", "\(ModelValue.string(item.name)) is not a valid label key: \(problem)",
            detail: "a label key is an optional DNS prefix and '/', then a name such as app", at: range)
        }
        checkValue(item.value, element, field: field, in: declaration, at: range)
      }
    case (.record(let items), .shape(let fields)):
      for item in items {
        guard let itemSchema = fields.first(where: { $0.name == item.name }) else {
          error(
            "unknown-field", "'\(label)' has no field '\(item.name)'", detail: "its fields are: \(fields.map(\.name).joined(separator: ", "))",
            at: range, suggestion: Spelling.nearest(to: item.name, in: fields.map(\.name)))
          continue
        }
        checkValue(item.value, itemSchema.type, field: field, in: declaration, at: range)
      }
      for itemSchema in fields where itemSchema.isRequired && !items.contains(where: { $0.name == itemSchema.name }) {
        error(
          "missing-field", "'\(label)' is missing its field '\(itemSchema.name)'",
          detail: "add \(itemSchema.name) (\(itemSchema.type)): \(itemSchema.doc)", at: range)
      }
    case (.reference(let id), .reference(let kinds)):
      if !kinds.contains(id.kind) {
        wrongKind(id, kinds, label: label, at: range)
      } else if topology[id] == nil {
        error(
          "undeclared-reference", "'\(label)' refers to \(id), which this program does not declare",
          detail: "declare it in this run of the program, or refer to one that is declared", at: range)
      }
    case (.string(let text), .reference(let kinds)):
      let named = kinds.compactMap { topology[DeclarationID(kind: $0, name: text)] }.first
      let form = Schemas.schema(for: kinds[0])?.function.map { "\($0.module).\($0.name)(...)" } ?? "\(kinds[0]) \"...\" { ... }"
      mismatch(
        type,
        detail: named.map { "pass the handle itself: the value of the \($0.kind) declaration, not its name" }
          ?? "pass the value of \(form), not a name")
    default:
      mismatch(type)
    }
  }

  mutating func wrongKind(_ id: DeclarationID, _ kinds: [String], label: String, at range: SourceRange) {
    let notes = topology[id].map { [note($0)] } ?? []
    error(
      "wrong-kind", "'\(label)' must be \(kinds.map(Self.article).joined(separator: " or ")), not \(id)",
      detail: "pass the handle of \(Self.article(kinds[0])) declaration", at: range, notes: notes)
  }

  static func article(_ word: String) -> String { (word.first.map { "aeiou".contains($0) } ?? false ? "an " : "a ") + word }

  static func noun(_ type: FieldType) -> String {
    switch type {
    case .string(.string): return "a string"
    case .string(let format): return "a string (\(format.rawValue))"
    case .int: return "an int"
    case .bool: return "a bool"
    case .choice: return "one of \(type)"
    case .list(let element): return "a list of \(element)"
    case .record: return "a record"
    case .reference(let kinds): return kinds.map(article).joined(separator: " or ")
    case .shape: return "a record \(type)"
    case .oneOf(let types): return types.map(noun).joined(separator: " or ")
    }
  }

  /// A Kubernetes label key: `[prefix/]name`, the name 1 to 63 characters of letters, digits, '-',
  /// '_', '.', starting and ending with a letter or digit; the prefix a DNS subdomain.
  static func labelKeyProblem(_ key: String) -> String? {
    let parts = key.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count <= 2 else { return "it has more than one '/'" }
    if parts.count == 2, let problem = StringFormat.dnsSubdomain.problem(with: String(parts[0])) { return "its prefix: \(problem)" }
    let name = String(parts.last!)
    if name.isEmpty { return "the name is empty" }
    return StringFormat.labelValue.problem(with: name)
  }

  // MARK: - Across declarations

  mutating func checkDuplicates() {
    var first: [DeclarationID: Declaration] = [:]
    var profiles: [String: Declaration] = [:]
    var ids: [String: Declaration] = [:]
    for declaration in topology.declarations {
      if let earlier = first[declaration.id] {
        let what = declaration.kind == "verify" ? "the check \(declaration.id.name)" : describe(declaration)
        let scope = declaration.id.name.hasSuffix("/" + declaration.name) ? declaration.id.name.dropLast(declaration.name.count + 1) : ""
        error(
          "duplicate-declaration", "\(what) is declared twice",
          detail: declaration.kind == "verify"
            ? "one check of a kind between the same workloads is enough; remove the second"
            : scope.isEmpty
              ? "names are unique within a kind; rename one, or remove the second"
              : "names are unique within \(scope); rename one, or remove the second",
          at: declaration.nameRange, notes: [note(earlier, "first declared here")])
        continue
      }
      first[declaration.id] = declaration
      guard declaration.kind == "account" else { continue }
      if let profile = declaration.string("profile") ?? Optional(declaration.name) {
        if let other = profiles[profile] {
          error(
            "duplicate-account", "accounts \(ModelValue.string(other.name)) and \(ModelValue.string(declaration.name)) use the same profile \(ModelValue.string(profile))",
            detail: "a profile reaches one account; declare the account once and use its handle", at: declaration.range(of: "profile"),
            notes: [note(other)])
        }
        profiles[profile] = declaration
      }
      if let id = declaration.string("id") {
        if let other = ids[id] {
          error(
            "duplicate-account", "accounts \(ModelValue.string(other.name)) and \(ModelValue.string(declaration.name)) have the same ID \(id)",
            detail: "an ID names one account; declare it once", at: declaration.range(of: "id"), notes: [note(other)])
        }
        ids[id] = declaration
      }
    }
  }

  mutating func checkOrganizations() {
    var membership: [DeclarationID: Declaration] = [:]
    for organization in topology.declarations(of: "aws.organization") {
      for account in organization.references("accounts") {
        if let other = membership[account], other.id != organization.id {
          error(
            "account-in-two-organizations", "\(account) is already in organization \(ModelValue.string(other.name))",
            detail: "an AWS account belongs to one organization at a time", at: organization.range(of: "accounts"),
            notes: [note(other)])
        }
        membership[account] = organization
      }
    }
  }

  mutating func checkNetworks() {
    var attached: [DeclarationID: [(Declaration, CIDRBlock)]] = [:]
    var sharedWith: [DeclarationID: Set<DeclarationID>] = [:]
    for gateway in topology.declarations(of: "aws.transit_gateway") { sharedWith[gateway.id] = Set(gateway.references("share_with")) }
    for cluster in topology.declarations(of: "cluster") {
      if let role = topology.referenced(cluster.value("node_role")), role.kind == "aws.role",
        let roleAccount = role.reference("account"), let account = cluster.reference("account"), roleAccount != account
      {
        error(
          "node-role-account", "the node role of \(describe(cluster)) is in \(roleAccount), not in \(account)",
          detail: "EC2 nodes can only use an instance role of their own account; declare the role in: \(account.name)",
          at: cluster.range(of: "node_role"), notes: [note(role)])
      } else if let role = topology.referenced(cluster.value("node_role")), role.kind == "aws.role",
        !(role.value("trust")?.list ?? []).contains(.string("service:ec2.amazonaws.com"))
      {
        error(
          "node-role-trust", "the node role of \(describe(cluster)) does not trust EC2",
          detail: "nodes are EC2 instances: add \"service:ec2.amazonaws.com\" to the role's trust",
          at: cluster.range(of: "node_role"), notes: [note(role)])
      }
      guard let gateway = topology.referenced(cluster.value("network")), gateway.kind == "aws.transit_gateway" else { continue }
      if let account = cluster.reference("account"), topology[account] != nil, let owner = gateway.reference("owner"),
        account != owner, !(sharedWith[gateway.id]?.contains(account) ?? false)
      {
        error(
          "network-not-shared", "\(describe(cluster)) uses \(describe(gateway)), which is not shared with \(account)",
          detail: "add the account to the gateway's share_with, or attach the cluster to a network its account can use",
          at: cluster.range(of: "network"), notes: [note(gateway, "\(describe(gateway)) is owned by \(owner) and shared with \(gateway.references("share_with").map(\.description).joined(separator: ", ").nonEmpty ?? "no one")")])
      }
      if let cidr = cluster.string("cidr"), let block = CIDRBlock(cidr), !block.hasHostBits {
        attached[gateway.id, default: []].append((cluster, block))
      }
    }
    // Two networks connected through one gateway must not overlap, or routes cannot tell them apart.
    for gateway in topology.declarations(of: "aws.transit_gateway") {
      guard let clusters = attached[gateway.id], clusters.count > 1 else { continue }
      let ordered = clusters.enumerated().sorted { ($0.element.1.first, $0.offset) < ($1.element.1.first, $1.offset) }
      var widest: (cluster: Declaration, block: CIDRBlock, position: Int)?
      for (position, (cluster, block)) in ordered {
        if let previous = widest, previous.block.overlaps(block) {
          let (later, earlier) = position > previous.position ? ((cluster, block), (previous.cluster, previous.block)) : ((previous.cluster, previous.block), (cluster, block))
          error(
            "overlapping-cidr", "the network of \(describe(later.0)), \(later.1), overlaps \(earlier.1) of \(describe(earlier.0))",
            detail: "both are attached to \(describe(gateway)); give each cluster a block of its own, such as the next free /16",
            at: later.0.range(of: "cidr"), notes: [.init("\(describe(earlier.0)) has \(earlier.1) here", at: earlier.0.range(of: "cidr"))])
        }
        if widest == nil || block.last > widest!.block.last { widest = (cluster, block, position) }
      }
    }
  }

  mutating func checkRoles() {
    let accountNames = topology.declarations(of: "account").map(\.name)
    let roleNames = topology.declarations(of: "aws.role").map(\.id.name)
    let (accounts, roles) = (Set(accountNames), Set(roleNames))
    for role in topology.declarations(of: "aws.role") {
      for principal in role.value("trust")?.list ?? [] {
        guard case .string(let text) = principal, StringFormat.principal.problem(with: text) == nil else { continue }
        if text.hasPrefix("account:"), !accounts.contains(String(text.dropFirst(8))) {
          let name = String(text.dropFirst(8))
          error(
            "undeclared-principal", "the trust of \(describe(role)) names account \(ModelValue.string(name)), which is not declared",
            detail: "declare the account, or pass the handle of one that is", at: role.range(of: "trust"),
            suggestion: Spelling.nearest(to: name, in: accountNames).map { "account:\($0)" })
        } else if text.hasPrefix("role:"), !roles.contains(String(text.dropFirst(5))) {
          let name = String(text.dropFirst(5))
          error(
            "undeclared-principal", "the trust of \(describe(role)) names role \(ModelValue.string(name)), which is not declared",
            detail: "declare it with aws.role(...) (role:<account>/<role-name>), or pass its handle", at: role.range(of: "trust"),
            suggestion: Spelling.nearest(to: name, in: roleNames).map { "role:\($0)" })
        }
      }
    }
  }

  /// Namespaces every cluster has without declaring them.
  static let builtInNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

  mutating func checkKubernetes() {
    var namespaces: [String: [String]] = [:]
    var serviceAccounts: Set<String> = []
    for declaration in topology.declarations {
      guard let cluster = declaration.reference("cluster"), cluster.kind == "cluster" else { continue }
      if declaration.kind == "k8s.namespace" { namespaces[cluster.name, default: []].append(declaration.name) }
      if declaration.kind == "k8s.service_account" { serviceAccounts.insert(declaration.id.name) }
    }
    for declaration in topology.declarations where declaration.kind == "k8s.service_account" || declaration.kind == "k8s.workload" {
      guard let cluster = declaration.reference("cluster"), cluster.kind == "cluster", topology[cluster] != nil,
        let namespace = declaration.string("namespace"), StringFormat.dnsLabel.problem(with: namespace) == nil
      else { continue }
      let declared = namespaces[cluster.name] ?? []
      if !Self.builtInNamespaces.contains(namespace), !declared.contains(namespace) {
        error(
          "undeclared-namespace", "namespace \(ModelValue.string(namespace)) is not declared in cluster \(ModelValue.string(cluster.name))",
          detail: "declare it with k8s.namespace(\(ModelValue.string(namespace)), in: ...)", at: declaration.range(of: "namespace"),
          suggestion: Spelling.nearest(to: namespace, in: declared))
        continue
      }
      guard declaration.kind == "k8s.workload", let account = declaration.string("service_account"), account != "default" else { continue }
      if !serviceAccounts.contains("\(cluster.name)/\(namespace)/\(account)") {
        error(
          "undeclared-service-account",
          "service account \(ModelValue.string(account)) is not declared in namespace \(ModelValue.string(namespace)) of cluster \(ModelValue.string(cluster.name))",
          detail: "declare it with k8s.service_account(\(ModelValue.string(account)), in: ..., namespace: \(ModelValue.string(namespace))), or use \"default\"",
          at: declaration.range(of: "service_account"))
      }
    }
  }
}

extension String {
  var nonEmpty: String? { isEmpty ? nil : self }
}
