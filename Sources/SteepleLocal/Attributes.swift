import SteepleEngine
import SteepleModel

/// A resource's attributes, read by name with errors the way the service's API reports a bad or
/// missing parameter.
struct Attributes {
  let fields: [ModelField]
  let address: ResourceAddress

  init(_ resource: Resource) {
    fields = resource.attributes
    address = resource.address
  }

  subscript(name: String) -> ModelValue? { fields[field: name] }

  func string(_ name: String) throws -> String {
    guard let value = self[name] else { throw missing(name) }
    guard let string = value.string else { throw wrongType(name, "a string", value) }
    return string
  }

  func optionalString(_ name: String) throws -> String? {
    guard let value = self[name] else { return nil }
    guard let string = value.string else { throw wrongType(name, "a string", value) }
    return string
  }

  func int(_ name: String, default fallback: Int? = nil) throws -> Int {
    guard let value = self[name] else {
      if let fallback { return fallback }
      throw missing(name)
    }
    guard let int = value.int else { throw wrongType(name, "an integer", value) }
    return int
  }

  func bool(_ name: String, default fallback: Bool) throws -> Bool {
    guard let value = self[name] else { return fallback }
    guard let bool = value.bool else { throw wrongType(name, "a bool", value) }
    return bool
  }

  func strings(_ name: String) throws -> [String] {
    guard let value = self[name] else { return [] }
    guard let list = value.list else { throw wrongType(name, "a list of strings", value) }
    return try list.map {
      guard let string = $0.string else { throw wrongType(name, "a list of strings", value) }
      return string
    }
  }

  /// A record of string values, such as pod labels.
  func stringRecord(_ name: String) throws -> [String: String] {
    guard let value = self[name] else { return [:] }
    guard case .record(let fields) = value else { throw wrongType(name, "a record of strings", value) }
    var result: [String: String] = [:]
    for field in fields {
      guard let string = field.value.string else { throw wrongType(name, "a record of strings", value) }
      result[field.name] = string
    }
    return result
  }

  private func missing(_ name: String) -> ProviderError {
    ProviderError(code: "MissingParameter", message: "The request must contain the parameter \(name)", address: address)
  }

  private func wrongType(_ name: String, _ expected: String, _ value: ModelValue) -> ProviderError {
    ProviderError(
      code: "InvalidParameterValue", message: "Value (\(value)) for parameter \(name) is invalid: expected \(expected)",
      address: address)
  }
}
