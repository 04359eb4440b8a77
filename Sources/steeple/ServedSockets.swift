import Foundation
import SteepleLocal
import SteepleSPIRE
import SteepleWorkloadAPI

/// `steeple serve`'s Workload API: a socket for each workload that holds an SVID, each answering with
/// that workload's SVIDs only, and the embedded SPIRE run on as time passes so that their streams
/// get the renewed SVIDs and a rotated CA's bundle.
final class ServedSockets: Sendable {
  /// One line of `steeple serve`'s listing: a socket, or why a workload has none.
  struct Line: Sendable {
    var service: String
    var identity: SPIFFEID
    var path: String?
    var problem: String?

    var text: String {
      if let path { return "\(service) socket unix://\(path) \(identity)" }
      return "\(service) no socket: \(problem ?? "it holds no SVID")"
    }
  }

  /// The longest socket path a Unix socket address holds.
  static let longestPath = 107

  let lines: [Line]
  private let servers: [WorkloadSocketServer]
  private let feeds: [String: WorkloadIdentityFeed]
  private let served: ServedMesh

  private init(lines: [Line], servers: [WorkloadSocketServer], feeds: [String: WorkloadIdentityFeed], served: ServedMesh) {
    self.lines = lines
    self.servers = servers
    self.feeds = feeds
    self.served = served
  }

  /// Opens a socket in `folder` (made with mode 0700) for each of `served`'s workloads that holds an SVID.
  static func open(_ served: ServedMesh, in folder: String) async throws -> ServedSockets {
    let workloads = try await served.workloads()
    try WorkloadSocketServer.prepare(folder: folder)
    var lines: [Line] = []
    var servers: [WorkloadSocketServer] = []
    var feeds: [String: WorkloadIdentityFeed] = [:]
    do {
      for workload in workloads {
        guard !workload.svids.isEmpty else {
          lines.append(Line(service: workload.service, identity: workload.identity, problem: workload.problem))
          continue
        }
        let path = folder + "/" + workload.socketName
        guard path.utf8.count <= longestPath else {
          throw ServedSocketsError.pathTooLong(path)
        }
        let feed = WorkloadIdentityFeed(WorkloadIdentity(svids: workload.svids, bundles: workload.bundles))
        let service = WorkloadAPIService(
          feed: feed, signJWT: { id, audience in try served.issueJWTSVID(for: id, audience: audience) },
          now: { (try? served.spireNow()) ?? Date() })
        servers.append(try await WorkloadSocketServer.start(path: path, service: service))
        feeds[workload.service] = feed
        lines.append(Line(service: workload.service, identity: workload.identity, path: path))
      }
    } catch {
      for server in servers { await server.stop() }
      throw error
    }
    return ServedSockets(lines: lines, servers: servers, feeds: feeds, served: served)
  }

  /// Runs the embedded SPIRE on, `seconds` further ahead, hands the listeners their renewed SVIDs,
  /// and every socket's streams its workload's SVIDs and bundle when they changed. Returns how many
  /// workloads' identities changed.
  @discardableResult
  func refresh(advancingBy seconds: Int) async throws -> Int {
    try served.runSPIRE(advancingBy: seconds)
    let workloads = try await served.workloads()
    try await served.renewSecrets(from: workloads)
    var changed = 0
    for workload in workloads where !workload.svids.isEmpty {
      if feeds[workload.service]?.publish(WorkloadIdentity(svids: workload.svids, bundles: workload.bundles)) == true { changed += 1 }
    }
    return changed
  }

  /// Keeps refreshing until cancelled: every `tick` of wall time, the modelled clock moves that time
  /// divided by `timeScale` (so 0.01 runs it 100 times faster; the cloud's own clock supplies the
  /// first second of each). A refresh that fails is reported once and tried again at the next tick.
  func follow(timeScale: Double, tick: Duration) async {
    let clock = ContinuousClock()
    var last = clock.now
    var carried = 0.0
    var reported = false
    while !Task.isCancelled {
      do { try await clock.sleep(for: tick) } catch { return }
      let now = clock.now
      let elapsed = Double((now - last).components.seconds) + Double((now - last).components.attoseconds) / 1e18
      last = now
      carried += elapsed * (1 / timeScale - 1)
      let whole = max(0, Int(carried.rounded(.down)))
      carried -= Double(whole)
      do {
        try await refresh(advancingBy: whole)
        reported = false
      } catch {
        if Task.isCancelled { return }
        if !reported { writeError("steeple: warning: the Workload API sockets were not refreshed: \(error)\n") }
        reported = true
      }
    }
  }

  /// Closes every socket (ending its streams) and removes its file.
  func close() async {
    for server in servers { await server.stop() }
  }
}

/// Why `steeple serve` cannot open its sockets.
enum ServedSocketsError: Error, CustomStringConvertible {
  case pathTooLong(String)

  var description: String {
    switch self {
    case .pathTooLong(let path):
      "the socket path \(path) is longer than a Unix socket address holds (\(ServedSockets.longestPath) bytes): pass --sockets with a shorter folder"
    }
  }
}
