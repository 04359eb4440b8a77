import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SteepleSPIRE
import X509

/// Opens one connection from a proxy to a listener and makes one request through it: in mutual TLS
/// (presenting `identity`'s SVID and accepting only `expected` as the server) or in plain text.
enum ProxyDialer {
  /// The client side of a mutual TLS connection.
  struct TLSSide: Sendable {
    /// The caller's secrets.
    let identity: ProxyIdentity
    /// The only server ID accepted.
    let expected: SPIFFEID
  }

  static func dial(
    on eventLoop: any EventLoop, to address: SocketAddress, host: String, tls: TLSSide?, counters: CounterSet,
    clock: @escaping @Sendable () -> Date
  ) -> EventLoopFuture<DialOutcome> {
    let promise = eventLoop.makePromise(of: DialOutcome.self)
    let bootstrap = ClientBootstrap(group: eventLoop).channelInitializer { channel in
      channel.eventLoop.makeCompletedFuture {
        guard let tls else {
          let exchange = RequestExchange(host: host, overTLS: false, observer: nil, counters: counters, promise: promise)
          try channel.pipeline.syncOperations.addHandler(exchange)
          return
        }
        let observer = ServerHelloObserver()
        let exchange = RequestExchange(host: host, overTLS: true, observer: observer, counters: counters, promise: promise)
        let validator = tls.identity.validator(role: .server, admitted: [tls.expected])
        let handler = try NIOSSLClientHandler(
          context: tls.identity.clientContext, serverHostname: nil,
          customVerificationCallback: { presented, verification in
          let (result, serial) = ListenerPipeline.verify(presented, with: validator, cache: tls.identity.analyses, at: clock())
          exchange.serverVerified(result, serial: serial)
          if case .success = result { verification.succeed(.certificateVerified) } else { verification.succeed(.failed) }
        })
        try channel.pipeline.syncOperations.addHandlers([observer, handler, exchange])
      }
    }
    bootstrap.connect(to: address).whenFailure { error in
      if tls != nil { counters.bump(.connectionError) }
      promise.succeed(DialOutcome(answer: .failure(error)))
    }
    return promise.futureResult
  }
}
