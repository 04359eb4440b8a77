/// An IPv4 CIDR block, `10.20.0.0/16`.
public struct CIDRBlock: Hashable, Sendable, CustomStringConvertible {
  /// The first address, as a 32-bit number.
  public let address: UInt32
  public let prefix: Int

  public init(address: UInt32, prefix: Int) {
    self.address = address
    self.prefix = prefix
  }

  /// Parses `a.b.c.d/n`; `nil` when the text is not of that form. Host bits may be set: see
  /// `hasHostBits`.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let prefix = Int(parts[1]), (0...32).contains(prefix), parts[1].allSatisfy(\.isNumber) else { return nil }
    let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
    guard octets.count == 4 else { return nil }
    var address: UInt32 = 0
    for octet in octets {
      guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isNumber), let value = UInt32(octet), value <= 255 else { return nil }
      guard octet == "0" || !octet.hasPrefix("0") else { return nil }
      address = address << 8 | value
    }
    self.address = address
    self.prefix = prefix
  }

  public var mask: UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - UInt32(prefix)) }
  /// The block with the host bits cleared: `10.20.0.0/16` for `10.20.1.1/16`.
  public var network: CIDRBlock { CIDRBlock(address: address & mask, prefix: prefix) }
  public var hasHostBits: Bool { address & ~mask != 0 }
  public var first: UInt32 { address & mask }
  public var last: UInt32 { address | ~mask }

  public func overlaps(_ other: CIDRBlock) -> Bool { first <= other.last && other.first <= last }

  public func contains(_ other: CIDRBlock) -> Bool { first <= other.first && other.last <= last }

  /// The block split into `2^bits` equal blocks, in order.
  public func split(bits: Int) -> [CIDRBlock] {
    let newPrefix = prefix + bits
    guard newPrefix <= 32 else { return [] }
    let size = newPrefix == 32 ? UInt32(1) : UInt32(1) << (32 - UInt32(newPrefix))
    return (0..<(1 << bits)).map { CIDRBlock(address: first &+ UInt32($0) &* size, prefix: newPrefix) }
  }

  /// Whether the block is private address space (RFC 1918).
  public var isPrivate: Bool {
    [CIDRBlock(address: 0x0A00_0000, prefix: 8), CIDRBlock(address: 0xAC10_0000, prefix: 12), CIDRBlock(address: 0xC0A8_0000, prefix: 16)]
      .contains { $0.contains(self) }
  }

  public var description: String {
    "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)/\(prefix)"
  }
}
