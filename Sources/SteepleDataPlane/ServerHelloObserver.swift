import NIOCore

/// Reads the cipher suite the server chose from its ServerHello as it arrives on the wire (NIOSSL does
/// not expose it), passing every byte on unchanged. It sits in front of the client's TLS handler.
final class ServerHelloObserver: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  /// The negotiated cipher suite's code point, once seen.
  private(set) var cipherSuite: UInt16?
  private var seen = ByteBuffer()
  private var done = false

  /// The ServerHello is the first record; this many bytes are more than enough to reach its suite.
  static let lookahead = 512

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    if !done {
      var bytes = unwrapInboundIn(data)
      seen.writeBuffer(&bytes)
      if let suite = Self.cipherSuite(inServerHello: seen) {
        cipherSuite = suite
        done = true
      } else if seen.readableBytes >= Self.lookahead {
        done = true
      }
      if done { seen = ByteBuffer() }
    }
    context.fireChannelRead(data)
  }

  /// The cipher suite of the ServerHello at the start of `buffer` (RFC 8446 §4.1.3): record header
  /// (type 22, version, length), handshake header (type 2, length), legacy version, 32 random bytes,
  /// the echoed session ID, then the suite. Nil while incomplete or when it is not a ServerHello.
  static func cipherSuite(inServerHello buffer: ByteBuffer) -> UInt16? {
    var reader = buffer
    guard let recordType = reader.readInteger(as: UInt8.self), recordType == 0x16,
      reader.readSlice(length: 4) != nil,
      let handshakeType = reader.readInteger(as: UInt8.self), handshakeType == 2,
      reader.readSlice(length: 3 + 2 + 32) != nil,
      let sessionIDLength = reader.readInteger(as: UInt8.self),
      reader.readSlice(length: Int(sessionIDLength)) != nil
    else { return nil }
    return reader.readInteger(as: UInt16.self)
  }

  /// The IANA name of a TLS 1.3 cipher suite (RFC 8446 §B.4), else its code point in hex.
  static func name(of suite: UInt16) -> String {
    switch suite {
    case 0x1301: "TLS_AES_128_GCM_SHA256"
    case 0x1302: "TLS_AES_256_GCM_SHA384"
    case 0x1303: "TLS_CHACHA20_POLY1305_SHA256"
    default: "0x" + String(suite, radix: 16, uppercase: true)
    }
  }
}
