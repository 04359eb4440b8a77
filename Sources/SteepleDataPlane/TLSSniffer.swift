import NIOCore

/// A permissive listener's first handler: it looks at the first byte a client sends, a TLS handshake
/// record (`0x16`) or anything else, lets `choose` install the matching handlers after itself, passes
/// the bytes on and removes itself.
final class TLSSniffer: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  /// TLS's content type of handshake records (RFC 8446 §5.1): a ClientHello starts with it.
  static let handshakeRecord: UInt8 = 0x16

  private let choose: (any Channel, TLSSniffer, Bool) throws -> Void
  private var chosen = false

  init(choose: @escaping (any Channel, TLSSniffer, Bool) throws -> Void) { self.choose = choose }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let bytes = unwrapInboundIn(data)
    guard !chosen else { return context.fireChannelRead(data) }
    guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
    chosen = true
    do {
      try choose(context.channel, self, first == Self.handshakeRecord)
    } catch {
      context.close(promise: nil)
      return
    }
    context.fireChannelRead(data)
    context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
  }
}
