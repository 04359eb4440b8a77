// Mutual TLS 1.3 handshakes per second through the data plane's proxies (an upstream of one service
// to the listener of another, its verification of both SVIDs, one request answered by the workload
// stand-in) against raw swift-nio-ssl handshakes with the same certificates (BoringSSL's own chain
// check, no SAN check, the same request and answer), in one process on the same two event loop
// threads, alternating in batches so a change of load hits both alike. Driven by scripts/bench/mesh;
// prints one JSON object. `mesh-bench matrix N` times the handshakes of `verify all` over N services
// instead (MeshMatrixBench).
import Foundation

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "matrix" {
  print(try await MeshMatrixBench.run(services: arguments.dropFirst().first.flatMap(Int.init) ?? 16))
} else {
  let count = arguments.first.flatMap(Int.init) ?? 2000
  let repetitions = arguments.dropFirst().first.flatMap(Int.init) ?? 3
  print(try await MeshBench.run(count: count, repetitions: repetitions))
}
