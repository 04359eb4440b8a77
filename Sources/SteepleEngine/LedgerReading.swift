import SteepleModel

/// A value read straight from JSON in the shape its `Codable` conformance writes, so a ledger of
/// thousands of lines is read without `JSONDecoder` (which cost two thirds of a re-plan). Keys may
/// come in any order and unknown keys are skipped; a missing key, `null` where a value is required,
/// or a value of the wrong kind is an error, as it is for the decoder.
protocol JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError)
}

extension JSONReader {
  /// The members of an object, read by `member` (which returns `false` for a key it skips), with
  /// a check that every key in `required` was there.
  mutating func object(
    required: [String], _ member: (inout JSONReader, String) throws(JSONReadError) -> Bool
  ) throws(JSONReadError) {
    let start = position
    var object = try beginObject()
    var seen: [String] = []
    while let key = try nextKey(in: &object) {
      if try member(&self, key) {
        if required.contains(key) { seen.append(key) }
      } else {
        try skipValue()
      }
    }
    if let missing = required.first(where: { !seen.contains($0) }) {
      throw JSONReadError(offset: start, message: "missing key \"\(missing)\"")
    }
  }

  /// A value, or `nil` for `null`, as `decodeIfPresent` reads an optional.
  mutating func optional<Value: JSONReadable>(_ type: Value.Type) throws(JSONReadError) -> Value? {
    null() ? nil : try Value(reading: &self)
  }

  /// A value that must not be `null`.
  mutating func required<Value: JSONReadable>(_ type: Value.Type) throws(JSONReadError) -> Value {
    let start = position
    guard !(null()) else { throw JSONReadError(offset: start, message: "a value is required, found null") }
    return try Value(reading: &self)
  }

  mutating func array<Element: JSONReadable>(of type: Element.Type) throws(JSONReadError) -> [Element] {
    var elements: [Element] = []
    var array = try beginArray()
    while try nextElement(in: &array) { elements.append(try required(Element.self)) }
    return elements
  }
}

extension ResourceAddress: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var type = ""
    var name = ""
    try reader.object(required: ["type", "name"]) { (reader, key) throws(JSONReadError) in
      switch key {
      case "type": type = try reader.string()
      case "name": name = try reader.string()
      default: return false
      }
      return true
    }
    self.init(type: type, name: name)
  }
}

extension Placement: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var account: String?
    var cluster: String?
    try reader.object(required: []) { (reader, key) throws(JSONReadError) in
      switch key {
      case "account": account = reader.null() ? nil : try reader.string()
      case "cluster": cluster = reader.null() ? nil : try reader.string()
      default: return false
      }
      return true
    }
    self.init(account: account, cluster: cluster)
  }
}

extension DeclarationID: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var kind = ""
    var name = ""
    try reader.object(required: ["kind", "name"]) { (reader, key) throws(JSONReadError) in
      switch key {
      case "kind": kind = try reader.string()
      case "name": name = try reader.string()
      default: return false
      }
      return true
    }
    self.init(kind: kind, name: name)
  }
}

extension ModelField: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var name = ""
    var value = ModelValue.bool(false)
    try reader.object(required: ["name", "value"]) { (reader, key) throws(JSONReadError) in
      switch key {
      case "name": name = try reader.string()
      case "value": value = try reader.required(ModelValue.self)
      default: return false
      }
      return true
    }
    self.init(name, value)
  }
}

extension ModelValue: JSONReadable {
  /// The synthesized form of an enum with a payload: one key naming the case, whose object holds
  /// the payload as `_0`; `float` also reads the ledger's `"inf"`, `"-inf"` and `"nan"`.
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    let start = reader.position
    var cases = 0
    var value: ModelValue?
    try reader.object(required: []) { (reader, key) throws(JSONReadError) in
      let read: (inout JSONReader) throws(JSONReadError) -> ModelValue
      switch key {
      case "string": read = { (reader) throws(JSONReadError) in .string(try reader.string()) }
      case "int": read = { (reader) throws(JSONReadError) in .int(try reader.int()) }
      case "float":
        read = { (reader) throws(JSONReadError) in
          .float(try reader.double(nonFinite: (infinity: "inf", negativeInfinity: "-inf", nan: "nan")))
        }
      case "bool": read = { (reader) throws(JSONReadError) in .bool(try reader.bool()) }
      case "list": read = { (reader) throws(JSONReadError) in .list(try reader.array(of: ModelValue.self)) }
      case "record": read = { (reader) throws(JSONReadError) in .record(try reader.array(of: ModelField.self)) }
      case "reference":
        read = { (reader) throws(JSONReadError) in .reference(try reader.required(DeclarationID.self)) }
      default: return false
      }
      cases += 1
      var payload: ModelValue?
      try reader.object(required: ["_0"]) { (reader, key) throws(JSONReadError) in
        guard key == "_0" else { return false }
        let at = reader.position
        guard !(reader.null()) else { throw JSONReadError(offset: at, message: "a value is required, found null") }
        payload = try read(&reader)
        return true
      }
      value = payload
      return true
    }
    guard cases == 1, let value else {
      throw JSONReadError(offset: start, message: "expected exactly one of string, int, float, bool, list, record, reference")
    }
    self = value
  }
}

extension ObservedResource: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var address = ResourceAddress(type: "", name: "")
    var placement = Placement()
    var attributes: [ModelField] = []
    var outputs: [ModelField] = []
    var dependencies: Set<ResourceAddress> = []
    try reader.object(required: ["address", "placement", "attributes", "outputs", "dependencies"]) {
      (reader, key) throws(JSONReadError) in
      switch key {
      case "address": address = try reader.required(ResourceAddress.self)
      case "placement": placement = try reader.required(Placement.self)
      case "attributes": attributes = try reader.array(of: ModelField.self)
      case "outputs": outputs = try reader.array(of: ModelField.self)
      case "dependencies": dependencies = Set(try reader.array(of: ResourceAddress.self))
      default: return false
      }
      return true
    }
    self.init(
      address: address, placement: placement, attributes: attributes, outputs: outputs, dependencies: dependencies)
  }
}

extension LedgerRecord: JSONReadable {
  init(reading reader: inout JSONReader) throws(JSONReadError) {
    var record = LedgerRecord()
    try reader.object(required: []) { (reader, key) throws(JSONReadError) in
      switch key {
      case "put": record.put = try reader.optional(ObservedResource.self)
      case "remove": record.remove = try reader.optional(ResourceAddress.self)
      case "intent": record.intent = try reader.optional(ResourceAddress.self)
      case "wanted": record.wanted = try reader.optional(ObservedResource.self)
      default: return false
      }
      return true
    }
    self = record
  }

  /// One line of the ledger, which must hold one JSON object and nothing else.
  static func read(line: UnsafeBufferPointer<UInt8>) throws(JSONReadError) -> LedgerRecord {
    var reader = JSONReader(line)
    let record = try reader.required(LedgerRecord.self)
    try reader.end()
    return record
  }
}
