import SteepleCatalog
import SteepleInterpreter
import SteepleModel
import SteepleSyntax

/// The host modules `aws` and `k8s`, made from the model's schemas: one function per host kind,
/// each recording a declaration in the host and returning its handle, as a keyword does.
///
/// `aws.transit_gateway("tgw-shared", owner: shared, share_with: [frontend, backend])`: the first
/// argument is the name (for kinds that have one), every other argument is a field by its label.
/// What the fields hold is checked with the rest of the topology, so every mistake is reported at
/// once, at the argument.
enum HostModules {
  static func make(for host: ModelHost) -> [ModuleObject] {
    host.catalog.modules.map { module in
      ModuleObject(
        name: module.name,
        members: module.kinds.compactMap { schema in
          schema.function.map { function in (function.name, .builtin(builtin(schema, function, host))) }
        })
    }
  }

  static func builtin(_ schema: KindSchema, _ function: HostFunction, _ host: ModelHost) -> BuiltinFunction {
    let qualified = "\(function.module).\(function.name)"
    return BuiltinFunction(qualified, summary: "\(schema.form): \(schema.summary)") { [weak host] call in
      guard let host else { throw ScriptError("\(qualified)() is no longer available", detail: "its session has ended") }
      let ranges = ArgumentRanges(call.range)
      let name: String
      var nameRange = call.range
      if function.takesName {
        guard let first = call.positional.first else {
          throw ScriptError(
            "\(qualified)() is missing its name", detail: "pass the name first: \(schema.form)", code: "argument-count")
        }
        guard case .string(let text) = first else {
          throw ScriptError(
            "the name of \(qualified)() must be a string, not \(first.typeName)", detail: "pass the name first: \(schema.form)",
            code: "type-mismatch")
        }
        name = text
        nameRange = ranges.positional(0) ?? call.range
      } else {
        name = ""
      }
      let allowed = function.takesName ? 1 : 0
      if call.positional.count > allowed {
        throw ScriptError(
          function.takesName
            ? "\(qualified)() takes its name as the only unlabelled argument"
            : "\(qualified)() takes labelled arguments only",
          detail: "label the fields: \(schema.form)", code: "argument-count")
      }
      let fields = call.keywords.map { keyword in
        (function.field(forLabel: keyword.label), keyword.value, ranges.labelled(keyword.label) ?? call.range)
      }
      let recorded = host.record(
        kind: schema.kind, name: name, nameRange: nameRange, fields: fields, range: call.range, callStack: call.callStack)
      return recorded
    }
  }
}

/// Where each argument of a call was written, found by parsing the call's own text again: builtins
/// get the call's range, and a field's error belongs at its argument.
struct ArgumentRanges {
  private var positionalRanges: [SourceRange] = []
  private var labelledRanges: [String: SourceRange] = [:]

  init(_ call: SourceRange) {
    let bytes = Array(call.file.bytes[call.start..<min(call.end, call.file.bytes.count)])
    let (program, diagnostics) = Parser.parse(SourceFile(name: call.file.name, bytes: bytes))
    guard diagnostics.isEmpty, program.statements.count == 1, case .expression(let expression) = program.statements[0].kind,
      case .call(_, let arguments) = expression.kind
    else { return }
    func shifted(_ range: SourceRange) -> SourceRange {
      SourceRange(file: call.file, start: call.start + range.start, end: call.start + range.end)
    }
    for argument in arguments {
      if let label = argument.label {
        labelledRanges[label.name] = shifted(label.range.through(argument.value.range))
      } else {
        positionalRanges.append(shifted(argument.value.range))
      }
    }
  }

  func positional(_ index: Int) -> SourceRange? { index < positionalRanges.count ? positionalRanges[index] : nil }
  func labelled(_ label: String) -> SourceRange? { labelledRanges[label] }
}
