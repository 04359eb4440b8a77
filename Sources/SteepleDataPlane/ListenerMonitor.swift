import NIOCore
import NIOTLS

/// Sits behind a listener's TLS handler: counts completed handshakes and failures as Envoy's `ssl.*`
/// counters and records each connection's verdict in the ledger. A rejection found by the
/// verification callback is already counted and recorded; the handshake error that follows it is not
/// counted again.
final class ListenerMonitor: ChannelInboundHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer

  private let record: ConnectionRecord
  private let counters: CounterSet
  private let ledger: VerdictLedger
  private let clientPort: Int

  init(record: ConnectionRecord, counters: CounterSet, ledger: VerdictLedger, clientPort: Int) {
    self.record = record
    self.counters = counters
    self.ledger = ledger
    self.clientPort = clientPort
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if case .handshakeCompleted = event as? TLSUserEvent, !record.decided {
      record.decided = true
      guard let peer = record.peer else {
        // The TLS configuration requires a client certificate, so this is not expected: fail closed.
        counters.bump(.noCertificate)
        ledger.record(.rejected(.noCertificate), clientPort: clientPort)
        context.close(promise: nil)
        return
      }
      counters.bump(.handshake)
      ledger.record(.admitted(peer), clientPort: clientPort)
    }
    context.fireUserInboundEventTriggered(event)
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if !record.decided {
      record.decided = true
      if HandshakeErrorText.isMissingCertificate(error) {
        counters.bump(.noCertificate)
        ledger.record(.rejected(.noCertificate), clientPort: clientPort)
      } else {
        counters.bump(.connectionError)
        ledger.record(.failed(HandshakeErrorText.describe(error)), clientPort: clientPort)
      }
    }
    context.close(promise: nil)
  }

  func channelInactive(context: ChannelHandlerContext) {
    if !record.decided {
      record.decided = true
      ledger.record(.failed("the client closed the connection before the handshake completed"), clientPort: clientPort)
    }
    context.fireChannelInactive()
  }
}
