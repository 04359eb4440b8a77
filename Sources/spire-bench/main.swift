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

let raw = median(rawRates)
let svids = median(svidRates)
let result: [String: Any] = [
  "count": count, "repetitions": repetitions, "raw_p256_keygen_sign_per_s": Int(raw.rounded()),
  "svids_per_s": Int(svids.rounded()), "ratio": (svids / raw * 100).rounded() / 100, "sink": sink % 2,
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
