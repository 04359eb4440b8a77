import SteepleModel

/// IPv4 addresses as the cloud hands them out and routes them: numbers, written as dotted quads.
enum IPv4 {
  /// Parses `a.b.c.d`; `nil` when the text is not a dotted quad.
  static func parse(_ text: String) -> UInt32? {
    guard !text.contains("/"), let block = CIDRBlock(text + "/32") else { return nil }
    return block.address
  }

  static func format(_ address: UInt32) -> String {
    "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
  }
}

extension CIDRBlock {
  /// Parses a block written as EC2 requires it: `a.b.c.d/n` with no host bits set.
  init?(exact text: String) {
    guard let block = CIDRBlock(text), !block.hasHostBits else { return nil }
    self = block
  }

  /// How many addresses the block holds.
  var size: UInt64 { UInt64(last) - UInt64(first) + 1 }

  func contains(address: UInt32) -> Bool { first <= address && address <= last }

  /// The address `offset` from the start of the block.
  func address(at offset: UInt64) -> UInt32 { first &+ UInt32(truncatingIfNeeded: offset) }
}
