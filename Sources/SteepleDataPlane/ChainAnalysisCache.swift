import NIOSSL
import Synchronization
import X509

/// The chains a proxy has already analysed against its bundle, by their DER bytes and the peer's
/// role: a handshake with a chain seen before skips parsing it and checking its signatures, and only
/// judges its validity windows at the handshake's time. One per `ProxyIdentity`, so a new bundle
/// (a rotation) starts empty; bounded, as peers' SVIDs rotate.
final class ChainAnalysisCache: Sendable {
  private struct Key: Hashable {
    let role: SVIDValidator.PeerRole
    let chain: [[UInt8]]
  }

  /// More distinct chains than this empties the cache rather than growing it.
  static let capacity = 1024

  private let entries = Mutex<[Key: ChainAnalysis]>([:])

  /// The analysis of `presented` by `validator`, parsed and analysed only the first time the chain is seen.
  func analysis(of presented: [NIOSSLCertificate], by validator: SVIDValidator) throws -> ChainAnalysis {
    let key = Key(role: validator.role, chain: try presented.map { try $0.toDERBytes() })
    if let known = entries.withLock({ $0[key] }) { return known }
    let analysis = validator.analyze(try key.chain.map { try Certificate(derEncoded: $0) })
    entries.withLock { entries in
      if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
      entries[key] = analysis
    }
    return analysis
  }
}
