public import SteepleModel

/// Model fields and resource addresses as JSON text in the shape their `Codable` conformances
/// write and read, by the ledger's hand-written writer and reader: for a provider that stores them
/// at every step, where Foundation's encoder and decoder would cost more than the step.
///
/// Text written here is read back by `JSONDecoder` as the same values, and text `JSONEncoder`
/// wrote (with any key order or escaping) is read here as the same values. A float that is not
/// finite, which `JSONEncoder` refuses, is written as the ledger writes it (`"inf"`, `"-inf"`,
/// `"nan"`) and read back.
public enum ModelJSON {
  /// `[{"name":…,"value":{"string":{"_0":…}}},…]`.
  public static func text(of fields: [ModelField]) -> String {
    var out = ""
    LedgerText.fields(fields, into: &out)
    return out
  }

  /// `[{"type":…,"name":…},…]`, in the given order.
  public static func text(of addresses: [ResourceAddress]) -> String {
    var out = "["
    for (index, address) in addresses.enumerated() {
      if index > 0 { out += "," }
      LedgerText.address(address, into: &out)
    }
    return out + "]"
  }

  /// The fields a text of `text(of:)` (or of `JSONEncoder`) holds.
  public static func fields(from text: String) throws(ModelJSONError) -> [ModelField] {
    try read(text) { (reader) throws(JSONReadError) in try reader.array(of: ModelField.self) }
  }

  /// The addresses a text of `text(of:)` (or of `JSONEncoder`) holds.
  public static func addresses(from text: String) throws(ModelJSONError) -> [ResourceAddress] {
    try read(text) { (reader) throws(JSONReadError) in try reader.array(of: ResourceAddress.self) }
  }

  private static func read<Value>(
    _ text: String, _ body: (inout JSONReader) throws(JSONReadError) -> Value
  ) throws(ModelJSONError) -> Value {
    var text = text
    let result = text.withUTF8 { bytes -> Result<Value, JSONReadError> in
      var reader = JSONReader(bytes)
      do throws(JSONReadError) {
        let value = try body(&reader)
        try reader.end()
        return .success(value)
      } catch {
        return .failure(error)
      }
    }
    switch result {
    case .success(let value): return value
    case .failure(let error): throw ModelJSONError(offset: error.offset, message: error.message)
    }
  }
}

/// Why a text is not the JSON form of what was asked for: what was wrong, at which byte.
public struct ModelJSONError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The byte offset in the text where the problem was found.
  public var offset: Int
  public var message: String

  public var description: String { "\(message) at byte \(offset)" }
}
