import Foundation
import NIOCore
import NIOSSL
import NIOTLS
import SteepleSPIRE

/// The client end of one connection from a proxy: once the connection is ready (its TLS handshake
/// completed, or at once in plain text) it sends one HTTP/1.1 request and collects the answer until
/// the server closes; then it completes its promise with the ``DialOutcome``. It also keeps what the
/// verification callback decided about the server and counts the upstream's `ssl.*` counters.
final class RequestExchange: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// What the workload stand-in answered.
  struct Answer: Sendable, Equatable {
    /// The response's status code.
    var status: Int
    /// The response's body.
    var body: String
  }

  private let request: String
  private let overTLS: Bool
  private let promise: EventLoopPromise<DialOutcome>
  private let counters: CounterSet
  private let observer: ServerHelloObserver?
  private var outcome = DialOutcome(answer: .failure(ExchangeError.closedWithoutAnswer))
  private var response = ByteBuffer()
  private var firstError: (any Error)?
  private var sent = false

  init(host: String, overTLS: Bool, observer: ServerHelloObserver?, counters: CounterSet, promise: EventLoopPromise<DialOutcome>) {
    request = "GET / HTTP/1.1\r\nhost: \(host)\r\nuser-agent: steeple-mesh\r\nconnection: close\r\n\r\n"
    self.overTLS = overTLS
    self.observer = observer
    self.counters = counters
    self.promise = promise
  }

  /// Called by the client's verification callback.
  func serverVerified(_ result: Result<SPIFFEID, PeerRejection>, serial: String?) {
    switch result {
    case .success(let id):
      outcome.serverID = id
      outcome.serverSerial = serial
    case .failure(let rejection):
      outcome.serverRejection = rejection
      counters.bump(rejection.stat)
    }
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { ready(context: context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    ready(context: context)
    context.fireChannelActive()
  }

  private func ready(context: ChannelHandlerContext) {
    outcome.localPort = context.channel.localAddress?.port
    if !overTLS { send(context: context) }
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted = event as? TLSUserEvent {
      outcome.handshakeCompleted = true
      outcome.tlsVersion = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self).tlsVersion
      counters.bump(.handshake)
      send(context: context)
    }
    context.fireUserInboundEventTriggered(event)
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var bytes = unwrapInboundIn(data)
    response.writeBuffer(&bytes)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if firstError == nil { firstError = error }
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    outcome.cipherSuite = observer?.cipherSuite
    if let answer = Self.parse(response) {
      outcome.answer = .success(answer)
    } else {
      outcome.answer = .failure(firstError ?? ExchangeError.closedWithoutAnswer)
      if overTLS && outcome.serverRejection == nil { counters.bump(.connectionError) }
    }
    promise.succeed(outcome)
    context.fireChannelInactive()
  }

  private func send(context: ChannelHandlerContext) {
    guard !sent else { return }
    sent = true
    context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
  }

  /// A complete HTTP/1.x response (status line, headers, a body as long as its content-length).
  static func parse(_ buffer: ByteBuffer) -> Answer? {
    let text = String(buffer: buffer)
    guard let split = text.range(of: "\r\n\r\n") else { return nil }
    let head = text[..<split.lowerBound].components(separatedBy: "\r\n")
    let parts = head.first?.split(separator: " ") ?? []
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else { return nil }
    let body = String(text[split.upperBound...])
    for line in head.dropFirst() {
      let field = line.split(separator: ":", maxSplits: 1)
      if field.count == 2, field[0].lowercased() == "content-length",
        let length = Int(field[1].trimmingCharacters(in: .whitespaces)), body.utf8.count < length
      {
        return nil
      }
    }
    return Answer(status: status, body: body)
  }
}

/// Why an exchange produced no answer.
enum ExchangeError: Error, CustomStringConvertible {
  case closedWithoutAnswer

  var description: String { "the server closed the connection without answering" }
}
