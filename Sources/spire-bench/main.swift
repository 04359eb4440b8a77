// Times X.509-SVID issuance against swift-crypto's raw P-256 key generation plus one signature, in the
// same process and interleaved, so the ratio cancels most of the machine's noise. Driven by
// scripts/bench/spire; prints one JSON object.
import Crypto
import Foundation
import SteepleSPIRE

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap(Int.init) ?? 2000
let repetitions = arguments.dropFirst().first.flatMap(Int.init) ?? 3

/// Seconds `body` takes, on the continuous clock.
func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = ContinuousClock.now
  try body()
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let trustDomain = try TrustDomain("bench.example")
let now = Date(timeIntervalSince1970: 1_800_000_000)
let authority = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: now)
let ids = try (0..<count).map { try SPIFFEID(trustDomain: trustDomain, path: "/ns/bench/sa/workload-\($0)") }
let message = Data((0..<256).map { UInt8($0) })

var rawRates: [Double] = []
var svidRates: [Double] = []
var sink = 0
for _ in 0..<repetitions {
  let raw = try seconds {
    for _ in 0..<count {
      let key = P256.Signing.PrivateKey(compactRepresentable: false)
      sink &+= try key.signature(for: message).rawRepresentation.count
    }
  }
  rawRates.append(Double(count) / raw)
  let issued = try seconds {
    for id in ids {
      let svid = try authority.issueSVID(for: id, ttl: 3600, now: now)
      sink &+= svid.certificateDER.count
    }
  }
  svidRates.append(Double(count) / issued)
}

/// A cluster's TokenReview API answering from a table of the agents' tokens.
struct TableTokenReviewer: TokenReviewer {
  let statuses: [String: TokenReviewStatus]
  func review(token: String, audiences: [String]) async throws(KubernetesAPIError) -> TokenReviewStatus {
    guard let status = statuses[token] else { throw .unauthorized() }
    return status
  }
}

/// Seconds to attest `agents` agents of one cluster: k8s_psat, the agent's SVID, its authorized entries.
@MainActor func attestation(agents: Int) async throws -> Double {
  let cluster = "bench-cluster"
  var statuses: [String: TokenReviewStatus] = [:]
  for index in 0..<agents {
    statuses["token-\(index)"] = TokenReviewStatus(
      authenticated: true, username: "system:serviceaccount:spire:spire-agent", audiences: ["spire-server"],
      podName: "spire-agent-\(index)", podUID: "pod-\(index)", nodeName: "node-\(index)", nodeUID: "node-uid-\(index)")
  }
  let attestor = K8sPSATAttestor(
    trustDomain: trustDomain,
    clusters: [(K8sPSATClusterConfig(name: cluster, serviceAccountAllowList: ["spire:spire-agent"]), TableTokenReviewer(statuses: statuses))])
  var store = EntryStore(trustDomain: trustDomain)
  let alias = try SPIFFEID(trustDomain: trustDomain, path: "/ns/spire/sa/spire-agent")
  try store.create(
    RegistrationEntry(
      spiffeID: alias, parentID: trustDomain.serverID,
      selectors: [Selector(type: "k8s_psat", value: "cluster:\(cluster)"), Selector(type: "k8s_psat", value: "agent_sa:spire-agent")]),
    now: now)
  for name in ["frontend", "redis", "yelbdb", "yelbapp"] {
    try store.create(
      RegistrationEntry(
        spiffeID: try SPIFFEID(trustDomain: trustDomain, path: "/\(name)"), parentID: alias,
        selectors: [Selector(type: "k8s", value: "ns:yelb"), Selector(type: "k8s", value: "pod-label:app:\(name)")]),
      now: now)
  }
  let start = ContinuousClock.now
  for index in 0..<agents {
    let attested = try await attestor.attest(cluster: cluster, token: "token-\(index)")
    let svid = try authority.issueSVID(for: attested.agentID, ttl: 3600, now: now)
    let entries = store.authorizedEntries(agentID: attested.agentID, agentSelectors: Set(attested.selectors))
    sink &+= svid.certificateDER.count + entries.count
  }
  let elapsed = ContinuousClock.now - start
  return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

var attestations: [[String: Any]] = []
for agents in [10, 100, 1000] {
  var times: [Double] = []
  for _ in 0..<repetitions { times.append(try await attestation(agents: agents)) }
  attestations.append(["agents": agents, "seconds": (median(times) * 1e5).rounded() / 1e5])
}

let raw = median(rawRates)
let svids = median(svidRates)
let result: [String: Any] = [
  "count": count, "repetitions": repetitions, "raw_p256_keygen_sign_per_s": Int(raw.rounded()),
  "svids_per_s": Int(svids.rounded()), "ratio": (svids / raw * 100).rounded() / 100, "sink": sink % 2,
  "attestation": attestations,
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
