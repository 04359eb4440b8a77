import Crypto
import Foundation

/// The names the cloud assigns: account IDs, `vpc-…`, `tgw-…`, UIDs.
///
/// Every one is derived from what it names (and, for things that can be deleted and made again, how
/// many times it has been made), so two clean applies of one script give the same IDs, a resumed
/// apply gives the IDs a clean one would, and a re-created object gets new ones as in the real cloud.
enum Identifiers {
  static func digest(_ parts: [String]) -> [UInt8] {
    var joined: [UInt8] = []
    for (index, part) in parts.enumerated() {
      if index > 0 { joined.append(0x1f) }
      joined.append(contentsOf: part.utf8)
    }
    return Array(SHA256.hash(data: joined))
  }

  /// `count` lowercase hex digits, the shape of EC2's resource IDs after their prefix.
  static func hex(_ parts: String..., count: Int = 17) -> String {
    String(lowercaseHex(digest(parts)).prefix(count))
  }

  /// Two lowercase hex digits a byte, written by hand: an apply names several things a step, and
  /// `String(format:)` a byte cost a twentieth of a large apply.
  static func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// The 12-digit account ID a named profile resolves to: stable across runs and machines.
  static func accountID(profile: String) -> String {
    let bytes = digest(["aws-account", profile])
    let number = bytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % 1_000_000_000_000
    let digits = String(number)
    return String(repeating: "0", count: 12 - digits.count) + digits
  }

  /// A version-4-shaped UUID, as Kubernetes and RAM hand out.
  static func uuid(_ parts: String...) -> String {
    var bytes = digest(parts)
    bytes[6] = bytes[6] & 0x0f | 0x40
    bytes[8] = bytes[8] & 0x3f | 0x80
    // 8-4-4-4-12 hex digits: a dash before bytes 4, 6, 8 and 10.
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(36)
    for (index, byte) in bytes.prefix(16).enumerated() {
      if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }
}
