/// An IPv4 address, as EC2 and Kubernetes write it: four decimal octets.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let value: UInt32

  public init(_ value: UInt32) { self.value = value }

  /// Parses `a.b.c.d`; `nil` when the text is not a dotted quad.
  public init?(_ text: String) {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var value: UInt32 = 0
    for part in parts {
      guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let octet = UInt32(part), octet <= 255 else {
        return nil
      }
      value = value << 8 | octet
    }
    self.value = value
  }

  public var description: String {
    "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
  }

  public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 CIDR block such as `10.20.0.0/16`.
public struct IPv4Network: Hashable, Sendable, CustomStringConvertible {
  public let address: IPv4Address
  public let prefixLength: Int

  /// Parses `a.b.c.d/n`. The address must be the network's first address, as EC2 requires.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let address = IPv4Address(String(parts[0])), parts[1].allSatisfy(\.isASCII),
      let length = Int(parts[1]), (0...32).contains(length)
    else { return nil }
    let network = IPv4Network(unchecked: address, prefixLength: length)
    guard network.address == address else { return nil }
    self = network
  }

  /// The block of `prefixLength` bits that holds `address` (host bits cleared).
  public init(unchecked address: IPv4Address, prefixLength: Int) {
    self.prefixLength = prefixLength
    self.address = IPv4Address(address.value & IPv4Network.mask(prefixLength))
  }

  static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

  public var description: String { "\(address)/\(prefixLength)" }

  /// How many addresses the block holds.
  public var size: UInt64 { UInt64(1) << UInt64(32 - prefixLength) }

  public func contains(_ other: IPv4Address) -> Bool {
    other.value & IPv4Network.mask(prefixLength) == address.value
  }

  /// Whether `other` lies wholly inside this block.
  public func contains(_ other: IPv4Network) -> Bool {
    other.prefixLength >= prefixLength && contains(other.address)
  }

  public func overlaps(_ other: IPv4Network) -> Bool { contains(other.address) || other.contains(address) }

  /// The address at `offset` from the start of the block.
  public func address(at offset: UInt64) -> IPv4Address { IPv4Address(address.value &+ UInt32(truncatingIfNeeded: offset)) }
}
