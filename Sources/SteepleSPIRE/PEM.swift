import Foundation

/// PEM documents (RFC 7468): base64 DER between `-----BEGIN <label>-----` and `-----END <label>-----`.
enum PEM {
  /// One PEM document, with 64-character lines and a final newline.
  static func document(label: String, der: some DataProtocol) -> String {
    let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
    return "-----BEGIN \(label)-----\n\(base64)\n-----END \(label)-----\n"
  }

  /// The DER inside the first PEM document of `text` (empty when there is none).
  static func body(of text: String) -> Data {
    let lines = text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") }
    return Data(base64Encoded: lines.joined()) ?? Data()
  }
}
