import Foundation
public import SteepleModel

/// What the ledger says Steeple manages: every resource as last applied, and the actions an apply
/// had under way when it stopped.
public struct LedgerContents: Hashable, Sendable {
  /// Each managed resource: placement, attributes as applied, dependencies, the provider's outputs.
  public var resources: [ResourceAddress: ObservedResource]
  /// Resources an action was under way on when an apply stopped: the resource as that action wanted
  /// it (`nil` for a delete). The provider's refresh says how it came out.
  public var unsettled: [ResourceAddress: ObservedResource?]
  /// How many records the file holds, live or superseded: compaction's measure.
  var records: Int

  public init(
    resources: [ResourceAddress: ObservedResource] = [:], unsettled: [ResourceAddress: ObservedResource?] = [:]
  ) {
    self.resources = resources
    self.unsettled = unsettled
    self.records = 0
  }

  /// What to ask the provider about: every resource, and the creates under way (as they wanted to be).
  var toRefresh: [ObservedResource] {
    var list = Array(resources.values)
    for case (let address, let wanted?) in unsettled where resources[address] == nil { list.append(wanted) }
    return list
  }
}

/// The engine's ledger of managed resources: `ledger.jsonl` in the state directory, an append-only
/// log of JSON lines, owned by the engine and not by any provider (so no provider keeps a list of
/// its own).
///
/// An apply writes, for every step, an intent before the provider call and the outcome after it
/// (`put` with the outputs, or `remove`), in the same scheduling rounds and syncs as the journal.
/// A process killed between the two leaves the step unsettled; the next plan asks the provider how
/// it came out, and the next apply records that. The log is rewritten whole (written aside, synced,
/// renamed) when superseded records outnumber live ones.
public final class Ledger {
  public static let fileName = "ledger.jsonl"

  public let path: String
  private let descriptor: Int32
  private var pending = ""

  /// Reads the ledger in `directory`; `nil` when there is none yet. A last line cut short by a crash
  /// is left out (its step is settled by the next refresh); any other damage is an error.
  public static func read(directory: String) throws(EngineError) -> LedgerContents? {
    let path = directory + "/" + fileName
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw .io("cannot read \(path)", errno: errno == 0 ? EACCES : errno)
    }
    let bytes = [UInt8](data)
    let records = try bytes.withUnsafeBufferPointer { (text) throws(EngineError) -> [LedgerRecord] in
      var records: [LedgerRecord] = []
      var lineNumber = 0
      var start = 0
      while start < text.count {
        // A last line with no newline was cut short by a crash: its step is settled by the refresh.
        guard let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) else { break }
        defer { start = end + 1 }
        guard end > start else { continue }
        lineNumber += 1
        do throws(JSONReadError) {
          records.append(try LedgerRecord.read(line: UnsafeBufferPointer(rebasing: text[start..<end])))
        } catch {
          throw .io(
            "\(path) is damaged at line \(lineNumber), byte \(error.offset + 1): \(error.message); restore it from a backup, or move the state aside to start again",
            errno: 0)
        }
      }
      return records
    }
    var contents = LedgerContents()
    contents.resources.reserveCapacity(records.count)
    for record in records {
      if let resource = record.put {
        contents.resources[resource.address] = resource
        contents.unsettled[resource.address] = nil
      } else if let address = record.remove {
        contents.resources[address] = nil
        contents.unsettled[address] = nil
      } else if let address = record.intent {
        contents.unsettled[address] = .some(record.wanted)
      }
    }
    contents.records = records.count
    return contents
  }

  /// Opens the ledger to append to it. When there is no file yet (a new state, or one an older
  /// Steeple wrote, whose resources `contents` holds) or most of its records are superseded, the
  /// file is first written anew from `contents`.
  public init(directory: String, contents: LedgerContents) throws(EngineError) {
    path = directory + "/" + Self.fileName
    let live = contents.resources.count + contents.unsettled.count
    if !FileManager.default.fileExists(atPath: path) || contents.records > 2 * live + 64 {
      try Self.rewrite(path: path, directory: directory, contents: contents)
    }
    descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
    guard descriptor >= 0 else { throw .io("cannot open \(path)", errno: errno) }
  }

  deinit { close(descriptor) }

  /// Queues the intent of a provider call; on disk after the next `sync()`.
  public func intend(_ action: Action) {
    var line = "{\"intent\":"
    LedgerText.address(action.address, into: &line)
    switch action {
    case .create(let resource), .update(let resource, _):
      line += ",\"wanted\":"
      LedgerText.resource(ObservedResource(resource, outputs: []), into: &line)
    case .delete: break
    }
    pending += line + "}\n"
  }

  /// Queues a resource as it now exists.
  public func record(_ resource: ObservedResource) {
    pending += "{\"put\":"
    LedgerText.resource(resource, into: &pending)
    pending += "}\n"
  }

  /// Queues that a resource no longer exists.
  public func recordRemoved(_ address: ResourceAddress) {
    pending += "{\"remove\":"
    LedgerText.address(address, into: &pending)
    pending += "}\n"
  }

  /// Writes what is queued and waits until it is on disk.
  public func sync() throws(EngineError) {
    guard try writePending() else { return }
    try syncWritten()
  }

  /// Writes what is queued, without waiting for the disk; `false` when nothing was queued.
  func writePending() throws(EngineError) -> Bool {
    guard !pending.isEmpty else { return false }
    let bytes = Array(pending.utf8)
    try Self.writeAll(bytes, to: descriptor, path: path)
    pending.removeAll(keepingCapacity: true)
    return true
  }

  /// Waits until what was written is on disk.
  func syncWritten() throws(EngineError) { try syncTarget.sync() }

  /// The open file, to sync from another thread.
  var syncTarget: SyncTarget { SyncTarget(descriptor: descriptor, path: path) }

  /// Writes `contents` as a new file beside `path`, syncs it, and renames it over `path`.
  private static func rewrite(path: String, directory: String, contents: LedgerContents) throws(EngineError) {
    let temporary = path + ".new"
    unlink(temporary)
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard descriptor >= 0 else { throw .io("cannot create \(temporary)", errno: errno) }
    defer { close(descriptor) }
    var text = ""
    for resource in contents.resources.values.sorted(by: { $0.address < $1.address }) {
      text += "{\"put\":"
      LedgerText.resource(resource, into: &text)
      text += "}\n"
    }
    for (address, wanted) in contents.unsettled.sorted(by: { $0.key < $1.key }) {
      text += "{\"intent\":"
      LedgerText.address(address, into: &text)
      if let wanted {
        text += ",\"wanted\":"
        LedgerText.resource(wanted, into: &text)
      }
      text += "}\n"
    }
    try writeAll(Array(text.utf8), to: descriptor, path: temporary)
    guard fsync(descriptor) == 0 else { throw .io("cannot sync \(temporary)", errno: errno) }
    guard rename(temporary, path) == 0 else { throw .io("cannot move \(temporary) to \(path)", errno: errno) }
    try syncDirectory(directory)
  }

  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(EngineError) {
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
      if written < 0 {
        if errno == EINTR { continue }
        throw .io("cannot write \(path)", errno: errno)
      }
      offset += written
    }
  }
}

/// One line of the ledger: exactly one of `put`, `remove` or `intent` (with `wanted` for a create
/// or an update). Read by hand (`LedgerReading.swift`); `Decodable` is the form that reader must
/// agree with, and the tests hold it to that.
struct LedgerRecord: Decodable {
  var put: ObservedResource?
  var remove: ResourceAddress?
  var intent: ResourceAddress?
  var wanted: ObservedResource?
}

extension ObservedResource {
  /// `resource` as it exists once applied, with what the provider assigned.
  public init(_ resource: Resource, outputs: [ModelField]) {
    self.init(
      address: resource.address, placement: resource.placement, attributes: resource.attributes, outputs: outputs,
      dependencies: resource.dependencies)
  }
}

/// Ledger lines written by hand in the shape `Codable` reads back (an apply writes two per step,
/// and Foundation's encoder would cost more than the step).
enum LedgerText {
  static func resource(_ resource: ObservedResource, into out: inout String) {
    out += "{\"address\":"
    address(resource.address, into: &out)
    out += ",\"placement\":{"
    var separator = ""
    if let account = resource.placement.account {
      out += "\"account\":" + JSONValue.quote(account)
      separator = ","
    }
    if let cluster = resource.placement.cluster { out += separator + "\"cluster\":" + JSONValue.quote(cluster) }
    out += "},\"attributes\":"
    fields(resource.attributes, into: &out)
    out += ",\"outputs\":"
    fields(resource.outputs, into: &out)
    out += ",\"dependencies\":["
    for (index, dependency) in resource.dependencies.sorted().enumerated() {
      if index > 0 { out += "," }
      address(dependency, into: &out)
    }
    out += "]}"
  }

  static func address(_ address: ResourceAddress, into out: inout String) {
    out += "{\"type\":" + JSONValue.quote(address.type) + ",\"name\":" + JSONValue.quote(address.name) + "}"
  }

  static func fields(_ fields: [ModelField], into out: inout String) {
    out += "["
    for (index, field) in fields.enumerated() {
      if index > 0 { out += "," }
      out += "{\"name\":" + JSONValue.quote(field.name) + ",\"value\":"
      value(field.value, into: &out)
      out += "}"
    }
    out += "]"
  }

  /// A value as `ModelValue`'s synthesized `Codable` writes it: `{"int":{"_0":3}}`.
  static func value(_ value: ModelValue, into out: inout String) {
    switch value {
    case .string(let string): out += "{\"string\":{\"_0\":" + JSONValue.quote(string) + "}}"
    case .int(let int): out += "{\"int\":{\"_0\":\(int)}}"
    case .float(let double):
      let text =
        double.isNaN ? "\"nan\"" : double == .infinity ? "\"inf\"" : double == -.infinity ? "\"-inf\"" : "\(double)"
      out += "{\"float\":{\"_0\":" + text + "}}"
    case .bool(let bool): out += "{\"bool\":{\"_0\":" + (bool ? "true" : "false") + "}}"
    case .list(let items):
      out += "{\"list\":{\"_0\":["
      for (index, item) in items.enumerated() {
        if index > 0 { out += "," }
        Self.value(item, into: &out)
      }
      out += "]}}"
    case .record(let record):
      out += "{\"record\":{\"_0\":"
      fields(record, into: &out)
      out += "}}"
    case .reference(let id):
      out += "{\"reference\":{\"_0\":{\"kind\":" + JSONValue.quote(id.kind) + ",\"name\":" + JSONValue.quote(id.name) + "}}}"
    }
  }
}
