import Crypto
import SwiftASN1

/// Certificate serial numbers: 128 random bits, positive, as SPIRE draws them.
enum SerialNumbers {
  /// The X.520 `serialNumber` attribute (2.5.4.5), which SPIRE puts in its CA subjects.
  static let subjectAttribute: ASN1ObjectIdentifier = [2, 5, 4, 5]

  /// 16 random bytes whose leading bit is clear (so the DER INTEGER is positive without padding) and
  /// whose first byte is not zero (so the number keeps its 16 bytes).
  static func random() -> [UInt8] {
    // Two 64-bit draws: the system generator makes one system call per draw, not per byte.
    var generator = SystemRandomNumberGenerator()
    let high = generator.next() as UInt64
    let low = generator.next() as UInt64
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in 0..<8 {
      bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
      bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
    }
    bytes[0] = (bytes[0] & 0x7f) | 0x01
    return bytes
  }

  /// The big-endian unsigned number `bytes` in decimal.
  static func decimal(_ bytes: [UInt8]) -> String {
    var number = bytes.drop { $0 == 0 }.map { UInt32($0) }
    guard !number.isEmpty else { return "0" }
    var digits: [Character] = []
    while !number.isEmpty {
      var remainder: UInt32 = 0
      var quotient: [UInt32] = []
      for byte in number {
        let value = remainder << 8 | byte
        let digit = value / 10
        remainder = value % 10
        if !(quotient.isEmpty && digit == 0) { quotient.append(digit) }
      }
      digits.append(Character(String(remainder)))
      number = quotient
    }
    return String(digits.reversed())
  }
}
