import NIOCore
import NIOTLS

/// The raw side's server: answers the first bytes of a request with a fixed answer, then closes.
final class RawResponder: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let answer: String
  private var answered = false

  init(answer: String) { self.answer = answer }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !answered else { return }
    answered = true
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(string: answer))).whenComplete { _ in
      channel.close(promise: nil)
    }
  }
}

/// The raw side's client: sends one request once the handshake completed; when the connection closes
/// it succeeds with the answer's size, or fails without one.
final class RawRequester: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let promise: EventLoopPromise<Int>
  private var received = 0

  init(promise: EventLoopPromise<Int>) { self.promise = promise }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted = event as? TLSUserEvent {
      let request = "GET / HTTP/1.1\r\nhost: server\r\nuser-agent: steeple-mesh\r\nconnection: close\r\n\r\n"
      context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) { received += unwrapInboundIn(data).readableBytes }

  func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

  func channelInactive(context: ChannelHandlerContext) {
    if received > 0 { promise.succeed(received) } else { promise.fail(ChannelError.eof) }
  }
}
