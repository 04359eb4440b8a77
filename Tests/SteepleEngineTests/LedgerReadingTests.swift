import Foundation
@testable import SteepleEngine
import SteepleModel
import Testing

@Suite("the ledger and the journal read by hand: the same values as their Codable form, the same lines refused")
struct LedgerReadingTests {
  typealias F = Fixtures

  /// Resources with every kind of value, and names that need escapes.
  static let resources: [ObservedResource] = [
    ObservedResource(
      address: F.address("k8s.pod", "a/\"b\"\n\\c"), placement: Placement(account: "é", cluster: nil),
      attributes: [
        ModelField("s", .string("tab\t\u{1}✓ \u{7F} \u{1F600}")), ModelField("i", .int(-7)),
        ModelField("max", .int(.max)), ModelField("min", .int(.min)), ModelField("f", .float(0.1)),
        ModelField("whole", .float(3)), ModelField("tiny", .float(1e-300)), ModelField("big", .float(1e300)),
        ModelField("inf", .float(.infinity)), ModelField("-inf", .float(-.infinity)), ModelField("b", .bool(false)),
        ModelField("t", .bool(true)), ModelField("l", .list([.int(1), .list([]), .string("")])),
        ModelField("r", .record([ModelField("x", .reference(DeclarationID(kind: "cluster", name: "c")))])),
        ModelField("empty", .record([])),
      ],
      outputs: [ModelField("id", .string("i-1"))],
      dependencies: [F.address("aws.account", "x"), F.address("ec2.vpc", "y")]),
    ObservedResource(address: F.address("aws.account", ""), placement: Placement(), attributes: []),
    ObservedResource(
      address: F.address("eks.cluster", "c"), placement: Placement(account: "a", cluster: "c"),
      attributes: [ModelField("version", .string("1.31"))]),
  ]

  static func decoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
  }

  static func encoder(_ formatting: JSONEncoder.OutputFormatting = []) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = formatting
    encoder.nonConformingFloatEncodingStrategy = .convertToString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
  }

  static func read(_ text: String) throws -> LedgerRecord {
    try Array(text.utf8).withUnsafeBufferPointer { try LedgerRecord.read(line: $0) }
  }

  static func record(_ record: LedgerRecord) -> [String] {
    [
      record.put.map { "put \($0)" }, record.remove.map { "remove \($0)" }, record.intent.map { "intent \($0)" },
      record.wanted.map { "wanted \($0)" },
    ].compactMap { $0 }
  }

  @Test("what the ledger writes reads back exactly, by hand and by JSONDecoder alike")
  func writtenLinesRoundTrip() throws {
    for resource in Self.resources {
      var line = "{\"put\":"
      LedgerText.resource(resource, into: &line)
      line += "}"
      #expect(try Self.read(line).put == resource)
      #expect(try Self.decoder().decode(LedgerRecord.self, from: Data(line.utf8)).put == resource)
      var intent = "{\"intent\":"
      LedgerText.address(resource.address, into: &intent)
      intent += ",\"wanted\":"
      LedgerText.resource(resource, into: &intent)
      intent += "}"
      let read = try Self.read(intent)
      #expect(read.intent == resource.address && read.wanted == resource && read.put == nil && read.remove == nil)
    }
  }

  @Test("the Codable form, in any key order and with whitespace, reads as the decoder reads it")
  func codableFormReads() throws {
    for formatting: JSONEncoder.OutputFormatting in [[], [.sortedKeys], [.prettyPrinted, .withoutEscapingSlashes]] {
      for resource in Self.resources {
        let json = String(decoding: try Self.encoder(formatting).encode(resource), as: UTF8.self)
        #expect(try Self.read("{ \"put\" : \(json) }").put == resource)
        let address = String(decoding: try Self.encoder(formatting).encode(resource.address), as: UTF8.self)
        #expect(try Self.read("{\"remove\":\(address)}\r").remove == resource.address)
      }
    }
  }

  @Test("not-a-number survives both ways")
  func notANumber() throws {
    let resource = ObservedResource(
      address: F.address("a.b", "c"), placement: Placement(), attributes: [ModelField("n", .float(.nan))])
    var line = "{\"put\":"
    LedgerText.resource(resource, into: &line)
    line += "}"
    let read = try #require(try Self.read(line).put)
    guard case .float(let value) = read.attributes.first?.value else {
      Issue.record("expected a float, read \(read)")
      return
    }
    #expect(value.isNaN)
  }

  /// Lines `JSONDecoder` accepts: the hand reader must accept them too, with the same result.
  static let accepted = [
    #"{}"#,
    #"{"remove":null,"put":null}"#,
    #"{"remove":{"type":"a","name":"b","extra":[1,{"x":null},true,-0.5e+3]}}"#,
    #"{"unknown":{"deep":[[]]},"intent":{"name":"b","type":"a"}}"#,
    #"{"remove":{"type":"\u00e9\ud83d\ude00\/\b\f\n\r\t","name":"\"\\"}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{"account":null},"attributes":[{"name":"n","value":{"int":{"_0":-0}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"float":{"_0":5}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"float":{"_0":"-inf"}}}],"outputs":[],"dependencies":[]}}"#,
    " \t{\"remove\" :\n{ \"type\" : \"a\" , \"name\" : \"b\" } } \n",
  ]

  /// Lines `JSONDecoder` refuses: the hand reader must refuse them too.
  static let refused = [
    "",
    "not json",
    "[]",
    #"{"remove":{"type":"a","name":"b"}} x"#,
    #"{"remove":{"type":"a"}}"#,
    #"{"remove":{"type":"a","name":null}}"#,
    #"{"remove":{"type":"a","name":3}}"#,
    #"{"remove":{"type":"a","name":"b"}"#,
    #"{"remove":{"type":"a","name":"b}}"#,
    "{\"remove\":{\"type\":\"a\",\"name\":\"\u{1}\"}}",
    #"{"remove":{"type":"a","name":"\x"}}"#,
    #"{"remove":{"type":"a","name":"\u12"}}"#,
    #"{"remove":{"type":"a","name":"\ud83d"}}"#,
    #"{"remove":{"type":"a","name":"\ude00"}}"#,
    #"{"remove":{"type":'a',"name":"b"}}"#,
    #"{"remove":{"type":"a","name":"b"} "put":null}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[],"outputs":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"int":{"_0":01}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"int":{"_0":1.5}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"int":{"_0":99999999999999999999}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"int":{"_0":1},"bool":{"_0":true}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"int":{}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[{"name":"n","value":{"float":{"_0":"infinity"}}}],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[null],"outputs":[],"dependencies":[]}}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[],"outputs":[],"dependencies":[1]}}"#,
    #"{"remove":{"type":"a","name":"b"}}}"#,
    #"{"remove":{"type":"a","name":"b"}"#,
    #"{"remove":{"type":"a","name":"b","x":tru}}"#,
  ]

  /// Text that is not JSON (RFC 8259) but that Foundation's decoder lets through: a trailing comma,
  /// a number cut short in a value it skips. The hand reader refuses it; neither Steeple nor a
  /// crash writes it.
  static let notJSON = [
    #"{"remove":{"type":"a","name":"b"},}"#,
    #"{"put":{"address":{"type":"a","name":"b"},"placement":{},"attributes":[],"outputs":[],"dependencies":[],}}"#,
    #"{"remove":{"type":"a","name":"b","x":-}}"#,
    #"{"remove":{"type":"a","name":"b","x":1.}}"#,
    #"{"remove":{"type":"a","name":"b","x":1e}}"#,
  ]

  @Test("text that is not JSON is refused by hand, though Foundation's decoder lets it through", arguments: notJSON)
  func notJSONLines(line: String) throws {
    #expect(throws: JSONReadError.self) { try Self.read(line) }
  }

  @Test("lines the decoder accepts read the same by hand", arguments: accepted)
  func acceptedLines(line: String) throws {
    let expected = try Self.decoder().decode(LedgerRecord.self, from: Data(line.utf8))
    #expect(Self.record(try Self.read(line)) == Self.record(expected))
  }

  @Test("lines the decoder refuses are refused by hand", arguments: refused)
  func refusedLines(line: String) throws {
    #expect(throws: (any Error).self) { try Self.decoder().decode(LedgerRecord.self, from: Data(line.utf8)) }
    #expect(throws: JSONReadError.self) { try Self.read(line) }
  }

  @Test("bytes that are not UTF-8 are refused, as the decoder refuses them")
  func invalidUTF8() throws {
    var bytes = Array(#"{"remove":{"type":"a","name":"#.utf8)
    bytes += [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")] + Array("}}".utf8)
    #expect(throws: (any Error).self) { try Self.decoder().decode(LedgerRecord.self, from: Data(bytes)) }
    #expect(throws: JSONReadError.self) { try bytes.withUnsafeBufferPointer { try LedgerRecord.read(line: $0) } }
  }

  @Test("a damaged ledger line says where, and a last line cut short anywhere is left out")
  func tornAndDamagedLedger() throws {
    let directory = try F.temporaryDirectory()
    let path = directory + "/" + Ledger.fileName
    let good = #"{"remove":{"type":"a","name":"b"}}"#
    var whole = "{\"put\":"
    LedgerText.resource(Self.resources[0], into: &whole)
    whole += "}"
    for cut in stride(from: 0, to: whole.utf8.count, by: 7) {
      try Data(Array((good + "\n" + whole + "\n").utf8) + whole.utf8.prefix(cut)).write(to: URL(fileURLWithPath: path))
      let read = try #require(try Ledger.read(directory: directory))
      #expect(read.resources == [Self.resources[0].address: Self.resources[0]])
      #expect(read.records == 2)
    }
    try Data((good + "\n{\"remove\":{\"type\":\"a\"}}\n" + good + "\n").utf8).write(to: URL(fileURLWithPath: path))
    #expect {
      _ = try Ledger.read(directory: directory)
    } throws: { error in
      "\(error)"
        == "\(path) is damaged at line 2, byte 11: missing key \"name\"; restore it from a backup, or move the state aside to start again"
    }
  }

  @Test("journal lines read by hand as the decoder reads them; a bad or cut line is skipped as before")
  func journalLines() throws {
    let resource = Resource(
      address: F.address("ec2.vpc", "v\"1"), placement: Placement(account: "a"),
      attributes: [ModelField("cidr", .string("10.0.0.0/16")), ModelField("n", .float(.infinity))],
      dependencies: [F.address("aws.account", "a")])
    let time = Date(timeIntervalSince1970: 1_764_000_000.125)
    let entries = [
      JournalEntry(event: .begin, time: time, pid: 42, command: "apply", steps: 3),
      JournalEntry(event: .intent, time: time, step: 0, action: .create(resource)),
      JournalEntry(event: .failed, time: time, step: 0, address: "ec2.vpc.v\"1", error: "no\nway ✓"),
      JournalEntry(event: .end, time: time),
    ]
    let lines = entries.map { $0.line() }
    for line in lines {
      let byHand = try Array(line.utf8).withUnsafeBufferPointer { try JournalEntry.read(line: $0) }
      let decoded = try JSONDecoder().decode(JournalEntry.self, from: Data(line.utf8))
      #expect(byHand == decoded)
    }
    let directory = try F.temporaryDirectory()
    let text = lines[0] + lines[1] + "{\"event\":\"done\"}\n" + "{\"event\":\"nope\",\"time\":\"2026-12-01T08:31:02.123Z\"}\n"
      + lines[2] + String(lines[3].prefix(10))
    try Data(text.utf8).write(to: URL(fileURLWithPath: directory + "/" + Journal.fileName))
    let read = Journal.entries(in: directory)
    #expect(read.map(\.event) == [.begin, .intent, .failed])
    #expect(read[1].verb == "create" && read[1].address == "ec2.vpc.v\"1")
    #expect(read[2].error == "no\nway ✓")
    #expect(Journal.interrupted(in: directory)?.finished == 1)
  }
}
