import NIOSSL

/// Reads BoringSSL's handshake errors, which NIOSSL passes on as error stacks of OpenSSL-style texts.
enum HandshakeErrorText {
  /// Whether `error` says the client sent no certificate where one is required (the server's
  /// `PEER_DID_NOT_RETURN_A_CERTIFICATE`, or the client's TLS 1.3 `certificate_required` alert).
  static func isMissingCertificate(_ error: any Error) -> Bool {
    let text = String(describing: error)
    return text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || text.contains("CERTIFICATE_REQUIRED")
  }

  /// Whether `error` is the alert a peer sends when it refused our certificate.
  static func isCertificateRefusedAlert(_ error: any Error) -> Bool {
    let text = String(describing: error)
    return text.contains("ALERT_CERTIFICATE_UNKNOWN") || text.contains("ALERT_BAD_CERTIFICATE")
      || text.contains("ALERT_UNKNOWN_CA") || text.contains("ALERT_CERTIFICATE_EXPIRED")
  }

  /// A short text for `error`: the reason parts of BoringSSL's error stack, else the error.
  static func describe(_ error: any Error) -> String {
    let text = String(describing: error)
    let reasons = text.split { !($0.isUppercase || $0 == "_" || $0.isNumber) }.filter { token in
      token.contains("_") && token.first?.isLetter == true
    }
    if !reasons.isEmpty { return reasons.map { $0.lowercased() }.joined(separator: ", ") }
    if let error = error as? NIOSSLError, error == .uncleanShutdown { return "the peer closed the connection without a TLS close" }
    return text
  }
}
