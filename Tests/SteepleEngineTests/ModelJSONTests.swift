import Foundation
import SteepleEngine
import SteepleModel
import Testing

@Suite("model fields and addresses as JSON by hand: the same values as their Codable form")
struct ModelJSONTests {
  /// Every kind of value, with names that need escapes (finite floats only: `JSONEncoder` refuses
  /// the others).
  static let fields = LedgerReadingTests.resources.flatMap(\.attributes).filter { field in
    if case .float(let value) = field.value { return value.isFinite }
    return true
  } + [ModelField("slash/and\"quote", .list([.record([ModelField("", .string("\\/"))])]))]

  static let addresses = LedgerReadingTests.resources.flatMap { [$0.address] + $0.dependencies.sorted() }

  @Test("what ModelJSON writes, JSONDecoder reads as the same values; and ModelJSON reads it back")
  func writtenTextRoundTrips() throws {
    let fieldText = ModelJSON.text(of: Self.fields)
    #expect(try JSONDecoder().decode([ModelField].self, from: Data(fieldText.utf8)) == Self.fields)
    #expect(try ModelJSON.fields(from: fieldText) == Self.fields)
    let addressText = ModelJSON.text(of: Self.addresses)
    #expect(try JSONDecoder().decode([ResourceAddress].self, from: Data(addressText.utf8)) == Self.addresses)
    #expect(try ModelJSON.addresses(from: addressText) == Self.addresses)
    #expect(ModelJSON.text(of: [ModelField]()) == "[]" && ModelJSON.text(of: [ResourceAddress]()) == "[]")
  }

  @Test("what JSONEncoder writes (sorted keys, as GRDB stores it, or not) ModelJSON reads as the same values")
  func codableTextReads() throws {
    for formatting: JSONEncoder.OutputFormatting in [[], [.sortedKeys], [.prettyPrinted, .withoutEscapingSlashes]] {
      let encoder = JSONEncoder()
      encoder.outputFormatting = formatting
      let fieldText = String(decoding: try encoder.encode(Self.fields), as: UTF8.self)
      #expect(try ModelJSON.fields(from: fieldText) == Self.fields)
      let addressText = String(decoding: try encoder.encode(Self.addresses), as: UTF8.self)
      #expect(try ModelJSON.addresses(from: addressText) == Self.addresses)
    }
  }

  @Test("floats that are not finite are written as the ledger writes them and read back")
  func nonFiniteFloats() throws {
    let text = ModelJSON.text(of: [ModelField("inf", .float(.infinity)), ModelField("nan", .float(.nan))])
    #expect(text == #"[{"name":"inf","value":{"float":{"_0":"inf"}}},{"name":"nan","value":{"float":{"_0":"nan"}}}]"#)
    let read = try ModelJSON.fields(from: text)
    #expect(read.first?.value == .float(.infinity))
    guard case .float(let value)? = read.last?.value else {
      Issue.record("expected a float, read \(read)")
      return
    }
    #expect(value.isNaN)
  }

  @Test("damaged text is refused with where and why")
  func damagedTextIsRefused() {
    let cases: [(String, String)] = [
      ("", "expected an array, found the end at byte 0"),
      (#"[{"name":"a"}]"#, "missing key \"value\" at byte 1"),
      (#"[{"name":"a","value":{"int":{"_0":1}}}] x"#, "unexpected text after the value at byte 40"),
      (#"[{"type":"a"}]"#, "missing key \"name\" at byte 1"),
    ]
    for (index, (text, message)) in cases.enumerated() {
      do {
        if index == 3 { _ = try ModelJSON.addresses(from: text) } else { _ = try ModelJSON.fields(from: text) }
        Issue.record("\(text) was read")
      } catch {
        #expect(error.description == message)
      }
    }
  }
}
