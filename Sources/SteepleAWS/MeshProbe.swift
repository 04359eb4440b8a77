/// What one request from a caller's Envoy, through its upstream cluster for a callee, to the callee's
/// listener showed: the answer, and the counters of both ends that moved. Its verdict names the first
/// cause in the order the path is crossed: the connection, the handshake, each side's SAN matcher.
struct MeshProbe: Hashable, Sendable {
  let caller: MeshEndpoint
  let callee: MeshEndpoint
  /// The HTTP status the request got; `nil` when it got none.
  let status: String?
  /// What curl (or kubectl) said when the request got no answer.
  let requestError: String
  /// The callee's inbound listener counters that moved.
  let listenerMoved: [String: UInt64]
  /// The caller's upstream cluster counters that moved.
  let upstreamMoved: [String: UInt64]

  enum Verdict: Hashable, Sendable {
    /// Answered, and both ends counted a handshake.
    case answered
    /// Answered with no handshake counted: the path is not mutual TLS.
    case answeredInPlainText
    /// The callee's listener refused the caller's certificate: the policy's refusal.
    case refusedByCallee
    /// The caller's upstream refused the certificate the callee presented.
    case refusedByCaller
    /// The handshake failed for another reason (no SVID or bundle from SDS, a chain not trusted).
    case handshakeFailed
    /// The caller's Envoy could not connect to the callee's address.
    case notConnected
    /// The request never reached the caller's upstream cluster.
    case notSent
  }

  var listenerStats: String { EnvoyConfig.inboundListenerStats }
  var upstreamStats: String { EnvoyConfig.upstreamClusterStats(callee.service) }

  var verdict: Verdict {
    if listenerMoved[listenerStats + ".ssl.fail_verify_san"] != nil { return .refusedByCallee }
    if upstreamMoved[upstreamStats + ".ssl.fail_verify_san"] != nil { return .refusedByCaller }
    if let status, status != "000" {
      let handshakes = listenerMoved[listenerStats + ".ssl.handshake"] != nil && upstreamMoved[upstreamStats + ".ssl.handshake"] != nil
      return handshakes ? .answered : .answeredInPlainText
    }
    if upstreamMoved[upstreamStats + ".upstream_cx_connect_fail"] != nil { return .notConnected }
    if listenerMoved[listenerStats + ".ssl.connection_error"] != nil || upstreamMoved[upstreamStats + ".ssl.connection_error"] != nil {
      return .handshakeFailed
    }
    return upstreamMoved.isEmpty ? .notSent : .handshakeFailed
  }

  /// The counters that moved at both ends.
  var moved: String { EnvoyCounters.describe(listenerMoved.merging(upstreamMoved) { $0 + $1 }) }

  /// What the verdict means, in a sentence: the first cause of a request that did not get through.
  var cause: String {
    switch verdict {
    case .answered:
      return "\(callee.name) answered \(status ?? "") over mutual TLS"
    case .answeredInPlainText:
      return "\(callee.name) answered \(status ?? "") but neither end counted a handshake: the path is not mutual TLS (\(callee.name)'s tls is \(callee.tls))"
    case .refusedByCallee:
      let admitted = callee.admits.isEmpty ? "no ID" : callee.admits.joined(separator: ", ")
      return "\(callee.name)'s listener refused \(caller.name)'s certificate (ssl.fail_verify_san): it does not admit \(caller.identity) (it admits \(admitted))"
    case .refusedByCaller:
      return "\(caller.name)'s upstream refused the certificate \(callee.name) presented (ssl.fail_verify_san): it accepts only \(callee.identity); "
        + "look at the SVID \(callee.name)'s Envoy serves (its admin /certs)"
    case .handshakeFailed:
      return "the TLS handshake failed (ssl.connection_error) with no SAN refused: an Envoy has no SVID or trust bundle from the SPIRE agent "
        + "(verify svid, and each Envoy's admin /certs)"
    case .notConnected:
      return "\(caller.name)'s Envoy could not connect to \(callee.name) (upstream_cx_connect_fail): the network between their pods "
        + "(verify reachable), \(callee.name)'s Service or its address"
    case .notSent:
      return "the request did not reach \(caller.name)'s upstream for \(callee.name) (no counter moved): \(requestError.isEmpty ? "no answer" : requestError)"
    }
  }
}
