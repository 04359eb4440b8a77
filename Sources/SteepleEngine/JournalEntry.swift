public import Foundation

/// One line of the apply journal: an intent before a provider call, an outcome after it.
///
/// The journal is JSON Lines, provider-neutral, in the state directory. An intent is on disk
/// (fsync) before the provider call it announces starts.
public struct JournalEntry: Hashable, Sendable, Decodable {
  public enum Event: String, Hashable, Sendable, Codable {
    /// An apply (or destroy) took the lock and starts.
    case begin
    /// A provider call is about to start.
    case intent
    /// The call finished and its effect holds.
    case done
    /// The call failed; `error` says why.
    case failed
    /// A step will not run; `error` says why.
    case skipped
    /// The apply ended; every step has an outcome.
    case end
  }

  public var event: Event
  public var time: Date
  /// For `begin`: the process applying, and its command.
  public var pid: Int32?
  public var command: String?
  /// For `begin`: how many steps the apply has.
  public var steps: Int?
  /// For step events: the step's number in this apply's graph.
  public var step: Int?
  /// For step events: the address the step acts on.
  public var address: String?
  /// For `intent`: `create`, `update` or `delete`.
  public var verb: String?
  /// For `intent`, when written: the provider call in full. The journal holds the resource's
  /// attributes and dependencies as JSON for people and tools; reading it back gives `verb` and
  /// `address`, which are what a resumed apply reports.
  public var action: Action?
  public var error: String?

  public init(
    event: Event, time: Date = Date(), pid: Int32? = nil, command: String? = nil, steps: Int? = nil, step: Int? = nil,
    address: String? = nil, action: Action? = nil, error: String? = nil
  ) {
    self.event = event
    self.time = time
    self.pid = pid
    self.command = command
    self.steps = steps
    self.step = step
    self.address = address ?? action?.address.description
    self.verb = action?.verb
    self.action = action
    self.error = error
  }

  private enum CodingKeys: String, CodingKey {
    case event, time, pid, command, steps, step, address, verb, error
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    event = try container.decode(Event.self, forKey: .event)
    let stamp = try container.decode(String.self, forKey: .time)
    guard let date = JournalEntry.parseTime(stamp) else {
      throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "not a time: \(stamp)")
    }
    time = date
    pid = try container.decodeIfPresent(Int32.self, forKey: .pid)
    command = try container.decodeIfPresent(String.self, forKey: .command)
    steps = try container.decodeIfPresent(Int.self, forKey: .steps)
    step = try container.decodeIfPresent(Int.self, forKey: .step)
    address = try container.decodeIfPresent(String.self, forKey: .address)
    verb = try container.decodeIfPresent(String.self, forKey: .verb)
    action = nil
    error = try container.decodeIfPresent(String.self, forKey: .error)
  }

  /// One journal line read by hand, as `init(from:)` reads it (an apply writes two lines per step,
  /// and a decoder per line cost a large re-plan seconds): the attributes and dependencies an
  /// intent holds for people are checked and skipped.
  static func read(line: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> JournalEntry {
    var reader = JSONReader(line)
    var event: Event?
    var time: Date?
    var entry = JournalEntry(event: .begin, time: Date(timeIntervalSince1970: 0))
    try reader.object(required: ["event", "time"]) { (reader, key) throws(JSONReadError) in
      let start = reader.position
      switch key {
      case "event":
        let name = try reader.string()
        guard let known = Event(rawValue: name) else {
          throw JSONReadError(offset: start, message: "unknown event \"\(name)\"")
        }
        event = known
      case "time":
        let stamp = try reader.string()
        guard let date = parseTime(stamp) else { throw JSONReadError(offset: start, message: "not a time: \(stamp)") }
        time = date
      case "pid":
        guard !reader.null() else { return true }
        guard let pid = Int32(exactly: try reader.int()) else {
          throw JSONReadError(offset: start, message: "a process ID out of range")
        }
        entry.pid = pid
      case "command": entry.command = reader.null() ? nil : try reader.string()
      case "steps": entry.steps = reader.null() ? nil : try reader.int()
      case "step": entry.step = reader.null() ? nil : try reader.int()
      case "address": entry.address = reader.null() ? nil : try reader.string()
      case "verb": entry.verb = reader.null() ? nil : try reader.string()
      case "error": entry.error = reader.null() ? nil : try reader.string()
      default: return false
      }
      return true
    }
    try reader.end()
    guard let event, let time else { throw JSONReadError(offset: 0, message: "missing key \"event\" or \"time\"") }
    entry.event = event
    entry.time = time
    return entry
  }

  /// The entry as one line of JSON, written by hand: an apply writes one per intent and outcome,
  /// and Foundation's encoder cost a tenth of a large apply.
  func line() -> String {
    var fields: [(String, JSONValue)] = [
      ("event", .string(event.rawValue)), ("time", .string(ApplyProgress.timestamp(time))),
    ]
    if let pid { fields.append(("pid", .int(Int(pid)))) }
    if let command { fields.append(("command", .string(command))) }
    if let steps { fields.append(("steps", .int(steps))) }
    if let step { fields.append(("step", .int(step))) }
    if let address { fields.append(("address", .string(address))) }
    if let verb { fields.append(("verb", .string(verb))) }
    if let action {
      switch action {
      case .create(let resource), .update(let resource, _):
        fields.append(("attributes", JSONValue(resource.attributes)))
        fields.append(("dependencies", .array(resource.dependencies.sorted().map { .string($0.description) })))
      case .delete(let observed):
        fields.append(("dependencies", .array(observed.dependencies.sorted().map { .string($0.description) })))
      }
    }
    if let error { fields.append(("error", .string(error))) }
    return JSONValue.object(fields).compact() + "\n"
  }

  static func parseTime(_ text: String) -> Date? {
    if let date = parseTimestamp(text) { return date }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }
}

/// A provider call the journal shows had started and not finished.
public struct JournaledAction: Hashable, Sendable, CustomStringConvertible {
  /// `create`, `update` or `delete`.
  public var verb: String
  /// The resource's address, `<type>.<name>`.
  public var address: String

  public init(verb: String, address: String) {
    self.verb = verb
    self.address = address
  }

  public var description: String { "\(verb) \(address)" }
}

/// An apply the journal shows started and did not end: killed, or its machine lost power.
public struct InterruptedApply: Hashable, Sendable {
  public var pid: Int32
  public var command: String
  public var started: Date
  /// Provider calls that had started and not finished when it stopped. Providers' calls are
  /// idempotent, so the next plan, made from what exists, finishes or repeats them safely.
  public var inFlight: [JournaledAction]
  /// Steps that had finished, done or failed.
  public var finished: Int
  public var steps: Int
}

extension JournalEntry {
  /// `2026-12-01T08:31:02.123Z`, the form `ApplyProgress.timestamp` writes, read by hand: a journal
  /// has a line per intent and outcome, and a date formatter per line cost seconds on a large one.
  public static func parseTimestamp(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count == 24, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
      bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      bytes[19] == UInt8(ascii: "."), bytes[23] == UInt8(ascii: "Z")
    else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for index in range {
        let digit = Int(bytes[index]) - 48
        guard (0...9).contains(digit) else { return nil }
        value = value * 10 + digit
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
      let minute = number(14..<16), let second = number(17..<19), let millisecond = number(20..<23),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    // Days since 1970-01-01 in the proleptic Gregorian calendar, counting years from March so that
    // the leap day comes last.
    let shifted = month <= 2 ? year - 1 : year
    let era = shifted / 400
    let yearOfEra = shifted - era * 400
    let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    let seconds = ((days * 24 + hour) * 60 + minute) * 60 + second
    return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1000)
  }
}
