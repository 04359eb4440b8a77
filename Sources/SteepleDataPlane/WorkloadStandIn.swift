import NIOCore

/// A stand-in for the workload behind a listener: it reads one HTTP/1.1 request and answers
/// `200 OK` with a line naming the service and the caller, then closes, so a check proves the whole
/// path (handshake, admission, bytes through the proxy), not only the handshake.
final class WorkloadStandIn: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let service: String
  /// The caller as the listener verified it (read when the request is complete).
  private let caller: () -> String
  private var request = ByteBuffer()
  private var answered = false

  /// The largest request it reads before answering 431.
  static let maximumRequestSize = 16 * 1024

  init(service: String, caller: @escaping () -> String) {
    self.service = service
    self.caller = caller
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard !answered else { return }
    var bytes = unwrapInboundIn(data)
    request.writeBuffer(&bytes)
    let view = request.readableBytesView
    if view.count > Self.maximumRequestSize {
      answer(context: context, status: "431 Request Header Fields Too Large", body: "request too large\n")
    } else if view.firstRange(of: Array("\r\n\r\n".utf8)) != nil {
      let line = String(decoding: view.prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
      if line.hasSuffix(" HTTP/1.1") || line.hasSuffix(" HTTP/1.0") {
        answer(context: context, status: "200 OK", body: "\(service) answered \(caller())\n")
      } else {
        answer(context: context, status: "400 Bad Request", body: "not an HTTP/1.1 request\n")
      }
    }
  }

  private func answer(context: ChannelHandlerContext, status: String, body: String) {
    answered = true
    let text =
      "HTTP/1.1 \(status)\r\ncontent-type: text/plain\r\ncontent-length: \(body.utf8.count)\r\nconnection: close\r\n\r\n\(body)"
    let buffer = context.channel.allocator.buffer(string: text)
    let channel = context.channel
    context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
  }
}
