// Times X.509-SVID issuance against swift-crypto's raw P-256 key generation plus one signature, in the
// same process, interleaved and in thread CPU time, so the ratio cancels most of the machine's noise;
// then the attestation of 10, 100 and 1,000 agents (wall time, one thread). Driven by
// scripts/bench/spire; prints one JSON object.
import Crypto
import Foundation
#if canImport(Glibc)
  import Glibc
#endif
import SteepleSPIRE

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap(Int.init) ?? 2000
let repetitions = arguments.dropFirst().first.flatMap(Int.init) ?? 3

/// CPU seconds this thread spends in `body`: on a machine shared with other builds, wall time would
/// also count the time spent waiting for a core.
func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
  func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }
  let start = now()
  try body()
  return now() - start
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let trustDomain = try TrustDomain("bench.example")
let now = Date(timeIntervalSince1970: 1_800_000_000)
let authority = try X509Authority.selfSigned(trustDomain: trustDomain, ttl: 86_400, now: now)
let ids = try (0..<count).map { try SPIFFEID(trustDomain: trustDomain, path: "/ns/bench/sa/workload-\($0)") }
let message = Data((0..<256).map { UInt8($0) })

// The two loops alternate in batches of 50, so a change of load hits both alike.
let batch = 50
var rawRates: [Double] = []
var svidRates: [Double] = []
var sink = 0
for _ in 0..<repetitions {
  var rawTime = 0.0
  var svidTime = 0.0
  for start in stride(from: 0, to: count, by: batch) {
    let end = min(start + batch, count)
    rawTime += try cpuSeconds {
      for _ in start..<end {
        let key = P256.Signing.PrivateKey(compactRepresentable: false)
        sink &+= try key.signature(for: message).rawRepresentation.count
      }
    }
    svidTime += try cpuSeconds {
      for id in ids[start..<end] {
        let svid = try authority.issueSVID(for: id, ttl: 3600, now: now)
        sink &+= svid.certificateDER.count
      }
    }
  }
  rawRates.append(Double(count) / rawTime)
  svidRates.append(Double(count) / svidTime)
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
    clusters: [
      (K8sPSATClusterConfig(name: cluster, serviceAccountAllowList: ["spire:spire-agent"]), TableTokenReviewer(statuses: statuses))
    ])
  var store = EntryStore(trustDomain: trustDomain)
  let alias = try SPIFFEID(trustDomain: trustDomain, path: "/ns/spire/sa/spire-agent")
  try store.create(
    RegistrationEntry(
      spiffeID: alias, parentID: trustDomain.serverID,
      selectors: [
        Selector(type: "k8s_psat", value: "cluster:\(cluster)"), Selector(type: "k8s_psat", value: "agent_sa:spire-agent"),
      ]),
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
